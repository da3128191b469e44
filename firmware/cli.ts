#!/usr/bin/env node
/**
 * The `tipring` command. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad config.
 *
 *   tipring run --config FILE            start the firmware; SIGINT/SIGTERM stop it
 *   tipring check-config --config FILE   validate, print the effective config (passwords hidden)
 *   tipring help | --help                usage
 *   tipring --version                    version from package.json
 *
 * `main()` is exported (and takes its I/O, signals and runFirmware as injectable deps) so it
 * can be tested in-process; the bottom of the file runs it when this is the entry script.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BOARDS } from '../board/index.js';
import { isConfigError } from './config/errors.js';
import { loadConfigFile } from './config/load.js';
import { configToYaml } from './config/redact.js';
import type { TipringConfig } from './config/schema.js';
import { PROFILES } from './line/profiles/index.js';

export type RunFirmware = (config: TipringConfig, options: { configPath: string }) => Promise<{ stop(): Promise<void> }>;

export interface CliDeps {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Defaults to runFirmware from ./main.js (loaded only for `run`). */
  runFirmware?: RunFirmware;
  /**
   * Calls `handler` on each stop signal; returns an unsubscribe. Default: SIGINT and SIGTERM.
   */
  onSignal?: (handler: (signal: string) => void) => () => void;
  /** Called on a second stop signal while stopping. Default: exit the process with code 1. */
  forceExit?: () => void;
  boards?: readonly string[];
  profiles?: readonly string[];
  /** Lines per board, for the line-count check. Default: from BOARDS. */
  boardLines?: Readonly<Record<string, number>>;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const COMMANDS = ['run', 'check-config', 'selftest-invite-auth', 'ctl', 'help'] as const;

export function usage(boards: readonly string[], profiles: readonly string[]): string {
  return [
    'Usage: tipring <command> [options]',
    '',
    'Commands:',
    '  run --config FILE            start the firmware (SIGINT/SIGTERM stop it)',
    '  check-config --config FILE   check FILE; print the effective configuration (passwords hidden)',
    '  selftest-invite-auth --config FILE [--line N]',
    '                               ask the running firmware to test whether the provider answers',
    '                               a challenged incoming INVITE (exit 0 pass, 1 fail, 3 inconclusive)',
    '  ctl --config FILE COMMAND... send a command to the running firmware (e.g. status)',
    '  keygen | bundle | release | rotate-root | refresh-timestamp | update [--check]',
    '                               signed updates (docs/updates.md); each takes --help',
    '  help                         show this help',
    '',
    'Options:',
    '  -c, --config FILE   configuration file (YAML; see firmware/config/example.yaml)',
    '  -h, --help          show this help',
    '  -V, --version       print the version',
    '',
    `Boards:   ${boards.join(', ') || '(none)'}`,
    `Profiles: ${profiles.join(', ') || '(none)'}`,
    '',
    'Exit status: 0 ok, 1 failure while running, 2 bad usage or bad configuration.',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  // update tooling (keygen, bundle, release, rotate-root, refresh-timestamp, update, ota-init) has its own options
  const { otaCommands } = await import('./ota/commands.js');
  const ota = argv[0] !== undefined ? otaCommands[argv[0]] : undefined;
  if (ota) return ota.run(argv.slice(1));
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const boards = deps.boards ?? Object.keys(BOARDS);
  const profiles = deps.profiles ?? Object.keys(PROFILES);
  const boardLines = deps.boardLines ?? Object.fromEntries(Object.entries(BOARDS).map(([name, b]) => [name, b.lines.length]));
  const help = usage(boards, profiles);

  let values: { config?: string | undefined; help?: boolean | undefined; version?: boolean | undefined; line?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
        line: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    err(`tipring: ${e instanceof Error ? e.message : String(e)}\n\n${help}`);
    return EXIT_USAGE;
  }

  if (values.version) {
    out(`${readVersion()}\n`);
    return EXIT_OK;
  }
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    out(help);
    return EXIT_OK;
  }
  if (command === undefined) {
    err(`tipring: no command given\n\n${help}`);
    return EXIT_USAGE;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    err(`tipring: unknown command '${command}'\n\n${help}`);
    return EXIT_USAGE;
  }
  if (extra.length > 0 && command !== 'ctl') {
    err(`tipring: unexpected argument '${extra[0]}'\n\n${help}`);
    return EXIT_USAGE;
  }
  const configPath = values.config;
  if (configPath === undefined || configPath === '') {
    err(`tipring: ${command} needs --config FILE\n\n${help}`);
    return EXIT_USAGE;
  }

  let config: TipringConfig;
  try {
    config = await loadConfigFile(configPath, { boards, profiles, boardLines });
  } catch (e) {
    if (!isConfigError(e)) throw e;
    err(`${e.message}\n`);
    return EXIT_USAGE;
  }

  if (command === 'selftest-invite-auth' || command === 'ctl') {
    const { controlRequest } = await import('./control/control-server.js');
    const request = command === 'ctl' ? extra.join(' ') : `selftest invite-auth ${values.line ?? '1'}`;
    try {
      const reply = await controlRequest(config.controlSocket, request, 60000);
      out(`${reply}\n`);
      if (command === 'ctl') return reply.startsWith('ERR') ? EXIT_FAILURE : EXIT_OK;
      return reply.startsWith('PASS') ? EXIT_OK : reply.startsWith('FAIL') ? EXIT_FAILURE : 3;
    } catch (e) {
      err(`tipring: ${describeError(e)}\n`);
      return EXIT_FAILURE;
    }
  }
  if (command === 'check-config') {
    out(`config OK: ${configPath}\n${configToYaml(config)}`);
    await warnIfReadableByOthers(configPath, config, err);
    return EXIT_OK;
  }
  await warnIfReadableByOthers(configPath, config, err);
  return run(config, configPath, deps, err);
}

async function run(config: TipringConfig, configPath: string, deps: CliDeps, err: (t: string) => void): Promise<number> {
  const onSignal = deps.onSignal ?? processSignals;
  const forceExit = deps.forceExit ?? (() => process.exit(EXIT_FAILURE));
  // Listen before starting, so a signal during start-up still stops cleanly afterwards.
  let signalled: (signal: string) => void = () => {};
  let stopping = false;
  const stopRequested = new Promise<string>((resolve) => (signalled = resolve));
  const unsubscribe = onSignal((signal) => {
    if (stopping) {
      err(`tipring: ${signal} again, exiting without a clean stop\n`);
      forceExit();
      return;
    }
    stopping = true;
    signalled(signal);
  });
  try {
    const runFirmware = deps.runFirmware ?? (await import('./main.js')).runFirmware;
    let firmware: { stop(): Promise<void> };
    try {
      firmware = await runFirmware(config, { configPath });
    } catch (e) {
      err(`tipring: failed to start: ${describeError(e)}\n`);
      return EXIT_FAILURE;
    }
    const signal = await stopRequested;
    err(`tipring: ${signal}, stopping\n`);
    try {
      await firmware.stop();
    } catch (e) {
      err(`tipring: error while stopping: ${describeError(e)}\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  } finally {
    unsubscribe();
  }
}

function processSignals(handler: (signal: string) => void): () => void {
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
}

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${e.message} [${code}]` : e.message;
  }
  return String(e);
}

/** The config holds passwords: say so if other users can read it (not fatal). */
async function warnIfReadableByOthers(path: string, config: TipringConfig, err: (t: string) => void): Promise<void> {
  if (process.platform === 'win32' || !config.lines.some((l) => l.account.password !== '')) return;
  try {
    const mode = (await stat(path)).mode;
    if (mode & 0o044) err(`tipring: warning: ${path} holds passwords and other users can read it (chmod 600 ${path})\n`);
  } catch {
    // it was readable a moment ago; nothing useful to add
  }
}

/** The version in the package.json above this file (dist/firmware/cli.js or firmware/cli.ts). */
export function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'tipring' && typeof pkg.version === 'string') return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function isEntryScript(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryScript()) {
  const code = await main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`tipring: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_FAILURE;
  });
  process.exitCode = code;
  // Flush both streams, then leave even if a stray handle would keep the loop alive.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
