// The update path end to end, as docs/updates.md describes it: a bundle of the real firmware is
// built (scripts/release/build-bundle.sh), signed into a repository (tipring keygen/release),
// served by a static HTTP server, installed on a device root (tipring ota-init, tipring update),
// and run from its slot by the launcher against the lab Kamailio.
//
// Part 2 needs the health reporter and update service wired into firmware/main.ts (see
// docs/updates.md, "Wiring"): the running firmware picks the release up by itself, restarts into
// it, commits it after the health check, and a deliberately broken release rolls back by itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readState } from '../../firmware/ota/state.js';
import type { UpdateState } from '../../firmware/ota/state.js';
import { launch } from '../unit/ota/support/launch.js';
import type { LaunchRun } from '../unit/ota/support/launch.js';
import { serveDir } from '../unit/ota/support/static-server.js';
import type { StaticServer } from '../unit/ota/support/static-server.js';
import { firmwareConfig } from './support/firmware.js';
import { startKamailio } from './support/kamailio.js';
import { repoRoot } from './support/paths.js';
import { stopAll } from './support/processes.js';

const root = repoRoot();
const work = mkdtempSync(path.join(tmpdir(), 'ota-e2e-'));
const cli = path.join(root, 'dist/firmware/ota/ota-cli.js');
const KAM = 15460;
const wired = (() => {
  const main = readFileSync(path.join(root, 'firmware/main.ts'), 'utf8');
  return main.includes('ota/health.js') && main.includes('ota/update-service.js');
})();

/** Run an ota-cli command (asynchronously: the repository server lives in this process). */
function ota(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`ota-cli ${args.join(' ')} → ${code}\n${out}\n${err}`))));
  });
}

let stage = '';
let server: StaticServer;
const repo = path.join(work, 'repo');
const keys = path.join(work, 'keys');
const device = path.join(work, 'device');
const settings = path.join(work, 'update.yaml');
const config = path.join(work, 'tipring.yaml');
const running: LaunchRun[] = [];

async function bundle(version: string, counter: number, from = stage): Promise<string> {
  const out = await ota(['bundle', '--from', from, '--out', path.join(work, 'bundles'), '--version', version, '--counter', String(counter), '--board', 'sim', '--arch', process.arch]);
  return out.split('\n')[0]!.trim();
}

test.before(async () => {
  execFileSync('mkdir', ['-p', path.join(work, 'bundles')]);
  const r = spawnSync('bash', ['scripts/release/build-bundle.sh', '--counter', '1', '--version', '0.9.0', '--board', 'sim', '--out', path.join(work, 'bundles'), '--skip-build', '--keep-stage'], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  stage = /stage kept: (\S+)/.exec(r.stderr)![1]!;
  await ota(['keygen', '--keys', keys]);
  await ota(['release', '--repo', repo, '--keys', keys, '--bundle', path.join(work, 'bundles', `tipring-0.9.0-sim-${process.arch}.tar.gz`)]);
  server = await serveDir(repo);
  await startKamailio({ port: KAM });
  writeFileSync(config, firmwareConfig({ sipPort: 15470, registrarPort: KAM, rigBasePort: 15480, rtpMin: 23000 }, path.join(work, 'control.sock')), { mode: 0o600 });
  writeFileSync(
    settings,
    [
      `repository: ${server.url}`,
      `root: ${device}`,
      'board: sim',
      `arch: ${process.arch}`,
      'first_check_s: 1',
      'jitter_minutes: 0',
      'check_interval_hours: 0.01',
      'maintenance_window: always',
      'clock_sync: assume', // no systemd/NTP in the test sandbox
      'health: { settle_s: 2, window_s: 20, offline_window_s: 60 }',
      'download: { idle_timeout_s: 10, total_timeout_s: 120, attempts: 2 }',
      '',
    ].join('\n'),
  );
  await ota(['ota-init', '--root', device, '--bundle', path.join(work, 'bundles', `tipring-0.9.0-sim-${process.arch}.tar.gz`), '--trusted-root', path.join(repo, 'metadata/root.json')]);
});

test.after(async () => {
  for (const r of running) r.killAll('SIGKILL');
  await server?.close();
  await stopAll();
});

const env = () => ({ TIPRING_UPDATE_SETTINGS: settings });
const state = (): Promise<UpdateState> => readState(path.join(device, 'state/update.json'));

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out: ${what}: ${JSON.stringify(await state())}`);
}

/** Play systemd (Restart=always): relaunch whenever the launcher exits, until `done`. */
async function supervise(done: () => Promise<boolean>, ms: number, what: string): Promise<string> {
  let log = '';
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const run = launch(device, env(), config);
    running.push(run);
    while (run.child.exitCode === null && run.child.signalCode === null && Date.now() < end) {
      if (await done()) {
        run.killAll('SIGTERM');
        await run.exited;
        return log + run.output();
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await run.exited;
    log += run.output();
    if (await done()) return log;
  }
  throw new Error(`timed out: ${what}\n${log.slice(-3000)}`);
}

test('a signed release of the real firmware installs with `tipring update` and runs from slot b', async () => {
  await ota(['release', '--repo', repo, '--keys', keys, '--bundle', await bundle('0.9.1', 2)]);
  assert.match(await ota(['update', '--check'], env()), /available 0\.9\.1/);
  const out = await ota(['update'], env());
  assert.match(out, /installed 0\.9\.1/);
  const s = await state();
  assert.equal([s.committed.version, s.trial?.version, s.trial?.slot], ['0.9.0', '0.9.1', 'b']);
  const run = launch(device, env(), config);
  running.push(run);
  await run.waitFor(/starting trial build .*version=0\.9\.1/, 20_000);
  await run.waitFor(/line ready/, 20_000);
  if (wired) {
    await until(async () => (await state()).committed.version === '0.9.1', 30_000, 'commit of 0.9.1');
    const after = await state();
    assert.equal([after.committed.slot, after.floor, after.trial], ['b', 2, null]);
  }
  run.killAll('SIGTERM');
  await run.exited;
  if (!wired) {
    console.log('  (firmware/main.ts does not wire ota/health.js + ota/update-service.js yet: commit and rollback not tested)');
    assert.is((await state()).trial?.attemptsLeft, 3, 'clean stop: attempt given back');
  }
});

test('wired firmware: picks up a release by itself, commits it, and a broken one rolls back', async () => {
  if (!wired) {
    console.log('  (skipped: needs the main.ts wiring described in docs/updates.md)');
    return;
  }
  // A healthy release: the running 0.9.1 finds it, restarts when idle, the trial commits.
  await ota(['release', '--repo', repo, '--keys', keys, '--bundle', await bundle('0.9.2', 3)]);
  await supervise(async () => (await state()).committed.version === '0.9.2', 90_000, 'pick up and commit 0.9.2');
  assert.is((await state()).floor, 3);
  // A broken release: crashes at start. Three attempts, then back to 0.9.2 by itself.
  const broken = path.join(work, 'broken');
  cpSync(stage, broken, { recursive: true, verbatimSymlinks: true }); // keep relative links (absolute ones are refused)
  writeFileSync(path.join(broken, 'dist/firmware/main.js'), 'throw new Error("deliberately broken release");\n');
  const brokenBundle = await bundle('0.9.3', 4, broken);
  await ota(['release', '--repo', repo, '--keys', keys, '--bundle', brokenBundle]);
  const log = await supervise(async () => (await state()).last?.outcome === 'rolled-back', 120_000, 'rollback of 0.9.3');
  const s = await state();
  assert.equal([s.committed.version, s.trial, s.floor], ['0.9.2', null, 3]);
  assert.is(s.badTargets.length, 1);
  assert.match(log, /deliberately broken release/);
  // It is not installed again: the update command refuses it (exit status 1) and says why.
  const again = await ota(['update'], env()).then(
    () => assert.unreachable('a known-bad build must not install'),
    (e: Error) => e.message,
  );
  assert.match(String(again), /→ 1[\s\S]*known-bad/);
});

test.run();
