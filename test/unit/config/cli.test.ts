import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main, type CliDeps, type RunFirmware } from '../../../firmware/cli.js';
import type { TipringConfig } from '../../../firmware/config/schema.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
const fixture = (name: string) => join(ROOT, 'test/fixtures/config', name);
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** main() with captured output and fake lists, signals and firmware. */
function harness(extra: Partial<CliDeps> = {}) {
  const io = { out: '', err: '' };
  let signalHandler: ((s: string) => void) | undefined;
  let unsubscribed = 0;
  let forced = 0;
  const deps: CliDeps = {
    stdout: (t) => void (io.out += t),
    stderr: (t) => void (io.err += t),
    boards: ['sim', 'rpi-ag1171'],
    profiles: ['us', 'uk'],
    onSignal: (h) => {
      signalHandler = h;
      return () => void unsubscribed++;
    },
    forceExit: () => void forced++,
    runFirmware: async () => {
      throw new Error('runFirmware not expected in this test');
    },
    ...extra,
  };
  return {
    io,
    deps,
    run: (...argv: string[]) => main(argv, deps),
    signal: (s: string) => signalHandler?.(s),
    get unsubscribed() {
      return unsubscribed;
    },
    get forced() {
      return forced;
    },
  };
}

/** A promise with its resolve function outside, to wait for "it has been called". */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test('--version prints the package.json version', async () => {
  const h = harness();
  assert.is(await h.run('--version'), EXIT_OK);
  assert.is(h.io.out.trim(), VERSION);
});

test('help and --help print the usage with the boards and profiles, exit 0', async () => {
  for (const argv of [['help'], ['--help'], ['-h'], ['run', '--help']]) {
    const h = harness();
    assert.is(await h.run(...argv), EXIT_OK, argv.join(' '));
    assert.ok(h.io.out.startsWith('Usage: tipring'), argv.join(' '));
    assert.ok(h.io.out.includes('sim, rpi-ag1171') && h.io.out.includes('us, uk'));
    assert.is(h.io.err, '');
  }
});

const usageErrors: Array<[argv: string[], needle: string]> = [
  [[], 'no command'],
  [['run', '--bogus'], '--bogus'],
  [['frobnicate', '--config', 'x'], "unknown command 'frobnicate'"],
  [['run'], 'needs --config'],
  [['check-config', '--config'], '--config'],
  [['check-config', '--config', 'a.yaml', 'extra'], "unexpected argument 'extra'"],
];
for (const [argv, needle] of usageErrors) {
  test(`usage error: tipring ${argv.join(' ')}`, async () => {
    const h = harness();
    assert.is(await h.run(...argv), EXIT_USAGE);
    assert.ok(h.io.err.includes(needle), h.io.err);
    assert.ok(h.io.err.includes('Usage: tipring'));
    assert.is(h.io.out, '');
  });
}

test('check-config: a good file prints "config OK" and the redacted effective config', async () => {
  const h = harness();
  assert.is(await h.run('check-config', '--config', fixture('minimal.yaml')), EXIT_OK);
  assert.ok(h.io.out.startsWith('config OK'));
  assert.not.ok(h.io.out.includes('s3cret-minimal'), 'password printed');
  const printed = parse(h.io.out.slice(h.io.out.indexOf('\n') + 1)) as Record<string, any>;
  assert.is(printed.board, 'sim');
  assert.is(printed.sip.user_agent, 'tipring', 'defaults are shown in YAML spelling');
  assert.is(printed.lines[0].account.password, '***');
  assert.is(printed.lines[0].account.registrar, 'sip.example.net:5060');
});

test('check-config: a bad file lists the problems on stderr, exit 2', async () => {
  const h = harness();
  assert.is(await h.run('check-config', '-c', fixture('many-problems.yaml')), EXIT_USAGE);
  assert.ok(h.io.err.includes('13 configuration problems'), h.io.err);
  assert.ok(h.io.err.includes('lines[1].profile'));
  assert.is(h.io.out, '');
});

test('check-config: a missing file is exit 2 too', async () => {
  const h = harness();
  assert.is(await h.run('check-config', '--config', fixture('nope.yaml')), EXIT_USAGE);
  assert.ok(h.io.err.includes('no such file'));
});

test('run: a bad config never starts the firmware', async () => {
  let started = 0;
  const h = harness({
    runFirmware: async () => {
      started++;
      return { stop: async () => {} };
    },
  });
  assert.is(await h.run('run', '--config', fixture('many-problems.yaml')), EXIT_USAGE);
  assert.is(started, 0);
});

test('run: starts the firmware with the config, stops it on SIGTERM, exit 0', async () => {
  const calls: Array<{ config: TipringConfig; configPath: string }> = [];
  const started = deferred();
  let stopped = 0;
  const runFirmware: RunFirmware = async (config, options) => {
    calls.push({ config, configPath: options.configPath });
    started.resolve();
    return { stop: async () => void stopped++ };
  };
  const h = harness({ runFirmware });
  const done = h.run('run', '--config', fixture('minimal.yaml'));
  await started.promise;
  assert.is(calls.length, 1);
  assert.is(calls[0]!.configPath, fixture('minimal.yaml'));
  assert.is(calls[0]!.config.lines[0]!.account.password, 's3cret-minimal', 'the real, unredacted config');
  await Promise.resolve();
  assert.is(stopped, 0, 'still running before the signal');
  h.signal('SIGTERM');
  assert.is(await done, EXIT_OK);
  assert.is(stopped, 1);
  assert.is(h.unsubscribed, 1, 'signal handlers removed');
  assert.ok(h.io.err.includes('SIGTERM, stopping'));
});

test('run: a signal during start-up stops the firmware once it is up', async () => {
  const starting = deferred<(v: { stop(): Promise<void> }) => void>();
  let stopped = 0;
  const h = harness({ runFirmware: () => new Promise((resolve) => starting.resolve(resolve)) });
  const done = h.run('run', '--config', fixture('minimal.yaml'));
  const finishStart = await starting.promise;
  h.signal('SIGINT');
  assert.is(stopped, 0);
  finishStart({ stop: async () => void stopped++ });
  assert.is(await done, EXIT_OK);
  assert.is(stopped, 1);
});

test('run: a second signal while stopping forces the exit', async () => {
  const started = deferred();
  const stopping = deferred<() => void>();
  const h = harness({
    runFirmware: async () => {
      started.resolve();
      return { stop: () => new Promise<void>((r) => stopping.resolve(r)) };
    },
  });
  const done = h.run('run', '--config', fixture('minimal.yaml'));
  await started.promise;
  h.signal('SIGINT');
  const finishStop = await stopping.promise;
  assert.is(h.forced, 0);
  h.signal('SIGINT');
  assert.is(h.forced, 1);
  finishStop();
  assert.is(await done, EXIT_OK);
});

test('run: start-up and stop failures are exit 1 with the reason', async () => {
  const failing = harness({
    runFirmware: async () => {
      throw Object.assign(new Error('port in use'), { code: 'EADDRINUSE' });
    },
  });
  assert.is(await failing.run('run', '--config', fixture('minimal.yaml')), EXIT_FAILURE);
  assert.ok(failing.io.err.includes('failed to start: port in use [EADDRINUSE]'), failing.io.err);
  assert.is(failing.unsubscribed, 1);

  const started = deferred();
  const badStop = harness({
    runFirmware: async () => {
      started.resolve();
      return {
        stop: async () => {
          throw new Error('stuck');
        },
      };
    },
  });
  const done = badStop.run('run', '--config', fixture('minimal.yaml'));
  await started.promise;
  badStop.signal('SIGTERM');
  assert.is(await done, EXIT_FAILURE);
  assert.ok(badStop.io.err.includes('stuck'));
});

test('the built bin: shebang entry, exit codes and output', () => {
  const cli = join(ROOT, 'dist/firmware/cli.js');
  assert.ok(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node'));
  const version = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
  assert.is(version.status, 0, version.stderr);
  assert.is(version.stdout.trim(), VERSION);
  const good = spawnSync(process.execPath, [cli, 'check-config', '--config', join(ROOT, 'firmware/config/example.yaml')], { encoding: 'utf8' });
  assert.is(good.status, 0, good.stderr);
  assert.ok(good.stdout.startsWith('config OK'));
  assert.not.ok(good.stdout.includes('pass1000'));
  const bad = spawnSync(process.execPath, [cli, 'check-config', '--config', fixture('many-problems.yaml')], { encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.ok(bad.stderr.includes('configuration problems'));
  const flag = spawnSync(process.execPath, [cli, 'run', '--nope'], { encoding: 'utf8' });
  assert.is(flag.status, 2);
});

test.run();
