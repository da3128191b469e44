/**
 * `tipring` subcommands for updates, as a table the CLI dispatches to:
 *
 *   keygen             generate repository signing keys (or rotate one role's keys)
 *   bundle             build a release bundle from an app tree
 *   release            sign a bundle into a static repository directory
 *   rotate-root        write root N+1 from the key directory's roles (root and role key rotation)
 *   refresh-timestamp  re-sign timestamp (and snapshot) before they expire
 *   update             check for, download and install an update (--check: only look)
 *   ota-init           set up a device's update root from a first bundle (used by the installer)
 *
 * Exit status: 0 done, 1 failed or refused, 2 bad usage.
 */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { createLogger, lineSink } from '../core/log.js';
import { createSystemClock } from '../core/system-clock.js';
import { buildBundle, bundleTargetName } from './bundle-build.js';
import { checkpointFromEnv } from './checkpoint.js';
import type { DownloadProgress } from './download.js';
import { describeReason } from './errors.js';
import { readHistory } from './history.js';
import { otaPaths } from './paths.js';
import type { RoleName } from './repo/metadata.js';
import { DEFAULT_KEYGEN, keygen, publishRelease, refreshTimestamp, rotateRoot } from './repo/repository.js';
import { readState } from './state.js';
import { initDevice } from './device-init.js';
import { runUpdateCycle } from './update-cycle.js';
import { DEFAULT_SETTINGS_PATH, loadSettings } from './update-settings.js';

export interface OtaCommand {
  summary: string;
  run(argv: string[]): Promise<number>;
}

export interface OtaIo {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

const defaultIo: OtaIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
};

class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

function parse(argv: string[], options: Options): Record<string, string | boolean | string[] | undefined> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | string[] | undefined>;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function need(v: Record<string, unknown>, key: string): string {
  const x = v[key];
  if (typeof x !== 'string' || x === '') throw new UsageError(`--${key} is required`);
  return x;
}

function list(v: Record<string, unknown>, key: string): string[] {
  const x = v[key];
  const arr = Array.isArray(x) ? (x as string[]) : typeof x === 'string' ? [x] : [];
  if (arr.length === 0) throw new UsageError(`--${key} is required`);
  return arr;
}

function nowFrom(v: Record<string, unknown>): Date {
  const s = v['now'];
  if (typeof s !== 'string') return createSystemClock().wallTime();
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--now '${s}' is not a date`);
  return d;
}

function int(v: Record<string, unknown>, key: string, def?: number): number {
  const x = v[key];
  if (x === undefined && def !== undefined) return def;
  const n = Number(x);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${key} must be a non-negative integer`);
  return n;
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

function progressPrinter(io: OtaIo, clock = createSystemClock()): (p: DownloadProgress) => void {
  let lastPct = -1;
  let lastDraw = 0;
  const start = clock.now();
  return (p) => {
    const pct = Math.floor((p.received / p.total) * 100);
    const now = clock.now();
    if (io.isTty) {
      if (now - lastDraw < 200 && p.received !== p.total) return;
      lastDraw = now;
      const rate = (p.received - p.resumedFrom) / Math.max(0.001, (now - start) / 1000);
      io.err(`\r  downloading ${mb(p.received)} / ${mb(p.total)}  ${String(pct).padStart(3)}%  ${mb(rate)}/s${p.resumedFrom ? `  (resumed at ${mb(p.resumedFrom)})` : ''}   `);
      if (p.received === p.total) io.err('\n');
    } else if (pct >= lastPct + 10 || p.received === p.total) {
      lastPct = pct;
      io.err(`  downloading ${mb(p.received)} / ${mb(p.total)} (${pct}%)\n`);
    }
  };
}

export function makeOtaCommands(io: OtaIo = defaultIo): Record<string, OtaCommand> {
  const wrap = (usage: string, fn: (argv: string[]) => Promise<number>) => async (argv: string[]) => {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(`${usage}\n`);
      return 0;
    }
    try {
      return await fn(argv);
    } catch (e) {
      if (e instanceof UsageError) {
        io.err(`tipring: ${e.message}\nusage: ${usage}\n`);
        return 2;
      }
      const { reason, message } = describeReason(e);
      io.err(`tipring: ${message} [${reason}]\n`);
      return 1;
    }
  };

  const keygenUsage = 'tipring keygen --keys DIR [--role ROLE ...] [--root-keys 3] [--root-threshold 2] [--targets-keys 2] [--targets-threshold 1]';
  const bundleUsage = 'tipring bundle --from TREE --out DIR|FILE --version V --counter N --board B[,B...] --arch ARCH [--node RANGE] [--entry dist/firmware/cli.js]';
  const releaseUsage = 'tipring release --repo DIR --keys DIR [--keys DIR ...] --bundle FILE [--name TARGET] [--keep N] [--now ISO]';
  const rotateUsage = 'tipring rotate-root --repo DIR --keys DIR [--keys DIR ...] [--now ISO]';
  const refreshUsage = 'tipring refresh-timestamp --repo DIR --keys DIR [--snapshot] [--now ISO]';
  const updateUsage = 'tipring update [--check] [--status] [--settings FILE] [--target NAME] [--repository URL]';
  const initUsage = 'tipring ota-init --root DIR --bundle FILE --trusted-root FILE';

  return {
    keygen: {
      summary: 'generate update-repository signing keys (Ed25519), or new keys for one role',
      run: wrap(keygenUsage, async (argv) => {
        const v = parse(argv, {
          keys: { type: 'string' },
          role: { type: 'string', multiple: true },
          'root-keys': { type: 'string' },
          'root-threshold': { type: 'string' },
          'targets-keys': { type: 'string' },
          'targets-threshold': { type: 'string' },
        });
        const dir = need(v, 'keys');
        const opts = {
          counts: { ...DEFAULT_KEYGEN.counts, root: int(v, 'root-keys', DEFAULT_KEYGEN.counts.root), targets: int(v, 'targets-keys', DEFAULT_KEYGEN.counts.targets) },
          thresholds: { ...DEFAULT_KEYGEN.thresholds, root: int(v, 'root-threshold', DEFAULT_KEYGEN.thresholds.root), targets: int(v, 'targets-threshold', DEFAULT_KEYGEN.thresholds.targets) },
        };
        const roles = v['role'] as string[] | undefined;
        for (const r of roles ?? []) if (!['root', 'targets', 'snapshot', 'timestamp'].includes(r)) throw new UsageError(`unknown role '${r}'`);
        if (!roles && (await stat(join(dir, 'roles.json')).catch(() => undefined))) throw new UsageError(`${dir} already holds keys; use --role ROLE to rotate one role's keys`);
        const out = await keygen(dir, opts, roles as RoleName[] | undefined);
        for (const [role, spec] of Object.entries(out.roles)) io.out(`${role.padEnd(9)} ${spec.threshold} of ${spec.keyids.length}: ${spec.keyids.map((k) => k.slice(0, 12)).join(' ')}\n`);
        io.out(`keys written to ${dir} (keep the root keys offline; ${roles ? 'now run tipring rotate-root' : 'next: tipring release'})\n`);
        return 0;
      }),
    },
    bundle: {
      summary: 'build a versioned firmware bundle (.tar.gz with a per-file sha256 manifest)',
      run: wrap(bundleUsage, async (argv) => {
        const v = parse(argv, {
          from: { type: 'string' },
          out: { type: 'string' },
          version: { type: 'string' },
          counter: { type: 'string' },
          board: { type: 'string' },
          arch: { type: 'string' },
          node: { type: 'string' },
          entry: { type: 'string' },
        });
        const version = need(v, 'version');
        const boards = need(v, 'board').split(',');
        const arch = need(v, 'arch');
        let out = resolve(need(v, 'out'));
        if ((await stat(out).catch(() => undefined))?.isDirectory()) out = join(out, bundleTargetName(version, boards[0]!, arch));
        const built = await buildBundle(
          need(v, 'from'),
          { version, releaseCounter: int(v, 'counter'), hardware: boards, arch, node: (v['node'] as string | undefined) ?? '>=20', entry: (v['entry'] as string | undefined) ?? 'dist/firmware/cli.js' },
          out,
        );
        io.out(`${built.path}\n  ${built.manifest.files.length} files, ${mb(built.length)}, sha256 ${built.sha256}\n`);
        return 0;
      }),
    },
    release: {
      summary: 'sign a bundle into a static TUF repository (targets, snapshot, timestamp)',
      run: wrap(releaseUsage, async (argv) => {
        const v = parse(argv, { repo: { type: 'string' }, keys: { type: 'string', multiple: true }, bundle: { type: 'string' }, name: { type: 'string' }, keep: { type: 'string' }, now: { type: 'string' } });
        const bundle = need(v, 'bundle');
        const r = await publishRelease(need(v, 'repo'), list(v, 'keys'), bundle, (v['name'] as string | undefined) ?? basename(bundle), nowFrom(v), v['keep'] ? { keepReleases: int(v, 'keep') } : {});
        io.out(`released ${r.targetName}: version ${r.manifest.version}, counter ${r.manifest.releaseCounter}, ${mb(r.length)}\n  targets v${r.versions.targets}, snapshot v${r.versions.snapshot}, timestamp v${r.versions.timestamp}\n`);
        return 0;
      }),
    },
    'rotate-root': {
      summary: 'publish root N+1 (signed by old and new root keys) from the key directory roles',
      run: wrap(rotateUsage, async (argv) => {
        const v = parse(argv, { repo: { type: 'string' }, keys: { type: 'string', multiple: true }, now: { type: 'string' } });
        const r = await rotateRoot(need(v, 'repo'), list(v, 'keys'), nowFrom(v));
        io.out(`root version ${r.version} published; targets, snapshot and timestamp re-signed\n`);
        return 0;
      }),
    },
    'refresh-timestamp': {
      summary: 're-sign the timestamp (and with --snapshot the snapshot) so devices see a fresh repository',
      run: wrap(refreshUsage, async (argv) => {
        const v = parse(argv, { repo: { type: 'string' }, keys: { type: 'string', multiple: true }, snapshot: { type: 'boolean' }, now: { type: 'string' } });
        const r = await refreshTimestamp(need(v, 'repo'), list(v, 'keys'), nowFrom(v), { snapshot: v['snapshot'] === true });
        io.out(`timestamp v${r.timestamp} (snapshot v${r.snapshot})\n`);
        return 0;
      }),
    },
    update: {
      summary: 'check for an update now and install it into the inactive slot (--check: only look)',
      run: wrap(updateUsage, async (argv) => {
        const v = parse(argv, { check: { type: 'boolean' }, status: { type: 'boolean' }, settings: { type: 'string' }, target: { type: 'string' }, repository: { type: 'string' } });
        const settings = await loadSettings((v['settings'] as string | undefined) ?? process.env['TIPRING_UPDATE_SETTINGS'] ?? DEFAULT_SETTINGS_PATH);
        if (typeof v['repository'] === 'string') settings.repository = v['repository'].replace(/\/+$/, '');
        const paths = otaPaths(settings.root);
        if (v['status']) {
          const state = await readState(paths.stateFile);
          io.out(`committed: ${state.committed.version} (slot ${state.committed.slot}, counter ${state.committed.counter})\n`);
          io.out(`trial:     ${state.trial ? `${state.trial.version} (slot ${state.trial.slot}, ${state.trial.attemptsLeft} attempts left${state.trial.lastFailure ? `, last: ${state.trial.lastFailure}` : ''})` : 'none'}\n`);
          io.out(`floor:     ${state.floor}   clock floor: ${new Date(state.clockFloor).toISOString()}   bad builds: ${state.badTargets.length}\n`);
          for (const h of (await readHistory(paths.historyFile)).slice(-10)) io.out(`  ${h.at}  ${h.outcome.padEnd(11)} ${h.version ?? ''}  ${h.reason}${h.detail ? ` — ${h.detail}` : ''}\n`);
          return 0;
        }
        const clock = createSystemClock();
        const log = createLogger(lineSink(io.err), 'warn');
        const result = await runUpdateCycle({
          paths,
          repository: settings.repository,
          device: { board: settings.board, arch: settings.arch },
          clock,
          log,
          trialAttempts: settings.trialAttempts,
          download: settings.download,
          checkOnly: v['check'] === true,
          ...(typeof v['target'] === 'string' ? { target: v['target'] } : {}),
          checkpoint: checkpointFromEnv(),
          onProgress: progressPrinter(io, clock),
        });
        const line = `${result.outcome}${result.version ? ` ${result.version}` : ''}: ${result.reason}${result.detail ? ` — ${result.detail}` : ''}`;
        io.out(`${line}\n`);
        if (result.outcome === 'installed') io.out('the running firmware restarts into it when every line is idle, inside the maintenance window (or: systemctl restart tipring)\n');
        return result.outcome === 'refused' || result.outcome === 'failed' ? 1 : 0;
      }),
    },
    'ota-init': {
      summary: "set up a device's update root (slot a, state, trusted root) from a first bundle",
      run: wrap(initUsage, async (argv) => {
        const v = parse(argv, { root: { type: 'string' }, bundle: { type: 'string' }, 'trusted-root': { type: 'string' }, force: { type: 'boolean' } });
        const paths = otaPaths(need(v, 'root'));
        if (!v['force'] && (await stat(paths.stateFile).catch(() => undefined))) throw new UsageError(`${paths.stateFile} exists: this device is set up already (--force to start over)`);
        const marker = await initDevice(paths, need(v, 'bundle'), need(v, 'trusted-root'), createSystemClock().wallTime().getTime() - 86_400_000, createLogger(lineSink(io.err), 'warn'));
        io.out(`update root ${paths.root} ready: slot a = ${marker.version} (counter ${marker.counter})\n`);
        return 0;
      }),
    },
  };
}

export const otaCommands: Record<string, OtaCommand> = makeOtaCommands();
