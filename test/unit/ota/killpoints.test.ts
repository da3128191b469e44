// Power cuts at every durable step of an update (ota.md §6 P1–P10): the real update command, the
// real launcher and the real firmware health reporter run as child processes and SIGKILL
// themselves at a named step (twice in a row), and after every kill the device must still be
// sound: state parses, trusted metadata loads, the slot the launcher would start verifies,
// floor ≤ committed counter. Then the update is resumed and must end committed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { memoryLogger } from '../../../firmware/core/log.js';
import { initDevice } from '../../../firmware/ota/device-init.js';
import { otaPaths } from '../../../firmware/ota/paths.js';
import type { OtaPaths } from '../../../firmware/ota/paths.js';
import { checkSlot } from '../../../firmware/ota/slots.js';
import { readState, writeState } from '../../../firmware/ota/state.js';
import { trustedMetadataLoads } from '../../../firmware/ota/tuf-client.js';
import { customOf, makeBundle } from './support/bundles.js';
import type { TestBundle } from './support/bundles.js';
import { launch } from './support/launch.js';
import { RepoSim, simKey } from './support/repo-sim.js';
import { repoRoot, tempDir } from './support/tmp.js';

let v1: TestBundle;
let v2: TestBundle;
let crash: TestBundle;
let sim: RepoSim;
const cli = () => join(repoRoot(), 'dist/firmware/ota/ota-cli.js');

test.before(async () => {
  v1 = await makeBundle({ version: '1.0.0', counter: 1 });
  v2 = await makeBundle({ version: '2.0.0', counter: 2, padBytes: 400_000 });
  crash = await makeBundle({ version: '2.0.1', counter: 3, behaviour: 'crash' });
  sim = new RepoSim(new Date());
  sim.publishRoot();
  sim.nextRoot(); // a root rotation for the device to persist (P1)
  sim.keys.root = [simKey()];
  sim.publishRoot();
  sim.addTarget(v2.name, { data: v2.data, custom: customOf(v2) });
  sim.publish();
  await sim.start();
});
test.after(async () => sim.stop());

interface Device {
  paths: OtaPaths;
  settings: string;
}

async function device(): Promise<Device> {
  const paths = otaPaths(tempDir('root-'));
  const rootFile = join(tempDir(), 'root.json');
  writeFileSync(rootFile, sim.rootFile(1));
  await initDevice(paths, v1.path, rootFile, 0, memoryLogger());
  const settings = join(tempDir(), 'update.yaml');
  writeFileSync(
    settings,
    [`repository: ${sim.url}`, `root: ${paths.root}`, 'board: sim', `arch: ${process.arch}`, 'download: { idle_timeout_s: 5, total_timeout_s: 60, attempts: 1 }', ''].join('\n'),
  );
  return { paths, settings };
}

function runUpdate(d: Device, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli(), 'update'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIPRING_UPDATE_SETTINGS: d.settings, ...env } });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

/** Start the launcher; wait until the firmware it ran has logged its health verdict (or it exits). */
async function boot(d: Device, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const run = launch(d.paths.root, env);
  await Promise.race([run.waitFor(/health verdict/, 20_000).catch(() => {}), run.exited]);
  run.killAll('SIGTERM');
  const r = await run.exited;
  return { ...r, out: run.output() };
}

/** What must hold after any crash. */
async function assertSound(d: Device, where: string): Promise<void> {
  const state = await readState(d.paths.stateFile).catch((e: unknown) => assert.unreachable(`${where}: state torn: ${String(e)}`));
  const tuf = await trustedMetadataLoads(d.paths.tufDir);
  assert.ok(tuf.ok, `${where}: trusted metadata does not load: ${tuf.why}`);
  const committed = await checkSlot(d.paths, state!.committed.slot, true);
  assert.ok(committed.ok, `${where}: committed slot ${state!.committed.slot} does not verify: ${committed.why}`);
  if (state!.trial) {
    const trial = await checkSlot(d.paths, state!.trial.slot, true);
    assert.ok(trial.ok, `${where}: trial slot ${state!.trial.slot} does not verify: ${trial.why}`);
  }
  assert.ok(state!.floor <= state!.committed.counter, `${where}: floor ${state!.floor} above committed ${state!.committed.counter}`);
}

async function assertCommittedV2(d: Device, where: string): Promise<void> {
  const s = await readState(d.paths.stateFile);
  assert.equal([s.committed.version, s.committed.slot, s.floor, s.trial], ['2.0.0', 'b', 2, null], `${where}: ${JSON.stringify(s)}`);
}

/** Update, boot the trial, let it commit. */
async function finish(d: Device, where: string): Promise<void> {
  const u = await runUpdate(d);
  assert.ok(u.code === 0, `${where}: update rerun failed: ${u.out}`);
  const b = await boot(d);
  assert.match(b.out, /health verdict .*commit|role=committed/, `${where}: ${b.out.slice(-800)}`);
  await assertCommittedV2(d, where);
}

let steps: string[] = [];
/**
 * Steps that are the same instant as a neighbour (nothing durable happens between them), cut
 * only through that neighbour: e.g. launcher/state:before-write is launcher:before-decrement.
 */
const SAME_AS_NEIGHBOUR = new Set([
  'launcher/state:before-write', 'launcher/state:after-write', 'health/state:before-write', 'health/state:after-write',
  'update/state:before-write', 'update/state:after-write', 'update/tuf:persisted:timestamp', 'update/tuf:persisted:snapshot',
  'update/tuf:persisted:targets', 'update/install:before-complete',
]);
/** Steps cut twice in a row (a second power cut while recovering from the first). */
const REPEATED = ['update/download:chunk', 'update/state:mid-write', 'update/tuf:persist:root', 'launcher/launcher:after-decrement', 'health/state:mid-write'];

test('trace: a full update passes every durable step', async () => {
  const d = await device();
  const trace = join(tempDir(), 'trace.txt');
  const u = await runUpdate(d, { TIPRING_OTA_TRACE: trace });
  assert.is(u.code, 0, u.out);
  await boot(d, { TIPRING_OTA_TRACE: trace });
  await assertCommittedV2(d, 'trace');
  steps = [...new Set(readFileSync(trace, 'utf8').trim().split('\n'))];
  if (process.env['OTA_VERBOSE']) console.log(steps.join('\n'));
  for (const must of [
    'update/tuf:persist:root', // P1
    'update/tuf:persisted:root',
    'update/tuf:persist:timestamp', // P2
    'update/tuf:before-swap',
    'update/download:chunk', // P3
    'update/install:extract-file', // P4
    'update/install:before-trial-state', // P5
    'update/state:mid-write', // P6
    'launcher/launcher:after-decrement', // P7
    'health/health:before-commit', // P8
    'health/state:mid-write', // P10
  ]) {
    assert.ok(steps.includes(must), `step ${must} not reached; got ${steps.join(', ')}`);
  }
});

test('P1–P8, P10: SIGKILL at every step (some twice in a row), the device stays sound and the update completes', async () => {
  assert.ok(steps.length > 15, 'trace ran first');
  // steps reached many times are also cut in the middle of the run
  const targets = steps.filter((step) => !SAME_AS_NEIGHBOUR.has(step)).map((step) => (step.endsWith('download:chunk') || step.endsWith('install:extract-file') ? `${step}#3` : step));
  // Independent devices: run a few at once (each scenario is strictly sequential inside).
  const queue = [...targets];
  const worker = async () => {
    for (let target = queue.shift(); target !== undefined; target = queue.shift()) await scenario(target);
  };
  await Promise.all([worker(), worker(), worker()]);
});

async function scenario(target: string): Promise<void> {
  const d = await device();
  const [scope] = target.split('/');
  const kill = { TIPRING_OTA_KILL_AT: target };
  const rounds = REPEATED.some((r) => target.startsWith(r)) ? 2 : 1;
  for (let round = 1; round <= rounds; round++) {
    let killed: boolean;
    let detail: string;
    if (scope === 'update') {
      const r = await runUpdate(d, kill);
      killed = r.signal === 'SIGKILL';
      detail = `${r.code} ${r.out.slice(-500)}`;
    } else {
      if (round === 1) {
        const u = await runUpdate(d);
        assert.is(u.code, 0, u.out);
      }
      const r = await boot(d, kill);
      killed = r.signal === 'SIGKILL' || /killed by SIGKILL/.test(r.out) || r.code === 137;
      detail = `${r.code} ${r.signal} ${r.out.slice(-600)}`;
    }
    // The first run must die there; a repeat may legitimately skip a step whose work the
    // killed run already made durable (e.g. a finished download is not fetched again).
    if (round === 1) assert.ok(killed, `${target}: not killed: ${detail}`);
    await assertSound(d, `${target} round ${round}`);
    if (!killed) break;
  }
  await finish(d, target);
}

test('P9 SIGKILL during a revert (twice): the revert is idempotent and the old build runs', async () => {
  for (const target of ['launcher/launcher:before-revert', 'launcher/state:mid-write', 'launcher/state:after-write', 'launcher/launcher:after-revert']) {
    const d = await device();
    // A broken build on trial with no attempts left: the next start reverts.
    const { installIntoSlot } = await import('../../../firmware/ota/slots.js');
    await installIntoSlot({ paths: d.paths, slot: 'b', bundle: crash.path, expect: { version: crash.version, counter: 3, sha256: crash.sha256, board: 'sim', arch: process.arch }, log: memoryLogger() });
    const s = await readState(d.paths.stateFile);
    await writeState(d.paths.stateFile, { ...s, trial: { slot: 'b', version: crash.version, counter: 3, sha256: crash.sha256, attemptsLeft: 0, lastFailure: 'exited with status 1' } });
    for (let round = 1; round <= 2; round++) {
      const r = await boot(d, { TIPRING_OTA_KILL_AT: target });
      if (round === 1) assert.is(r.signal, 'SIGKILL', `${target}: ${r.code} ${r.out.slice(-400)}`);
      await assertSound(d, `${target} round ${round}`);
      if (r.signal !== 'SIGKILL') break; // the revert was already durable: nothing left to cut
    }
    const r = await boot(d);
    assert.match(r.out, /version=1\.0\.0 slot=a role=committed/);
    const after = await readState(d.paths.stateFile);
    assert.is(after.trial, null);
    assert.ok(after.badTargets.includes(crash.sha256));
    assert.is(after.floor, 1);
  }
});

test('a kill leaves at most garbage temp files, which never confuse the next run', async () => {
  const d = await device();
  const r = await runUpdate(d, { TIPRING_OTA_KILL_AT: 'update/state:mid-write' });
  assert.is(r.signal, 'SIGKILL');
  const { readdirSync } = await import('node:fs');
  const temps = readdirSync(d.paths.stateDir).filter((f) => f.endsWith('.tmp'));
  assert.ok(temps.length >= 1, 'the crash left a partial temp file, as a real one would');
  await assertSound(d, 'garbage');
  rmSync(join(d.paths.root, 'never'), { force: true });
  await finish(d, 'after garbage');
  assert.ok(!existsSync(join(d.paths.downloadDir, `${v2.sha256}.part`)));
});

test.run();
