// Trial boot and rollback with the real launcher and real firmware processes (ota.md §6 H1–H4,
// H6): a new build that crashes, fails to register, hangs, is healthy, or has no network.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { initDevice } from '../../../firmware/ota/device-init.js';
import { otaPaths } from '../../../firmware/ota/paths.js';
import type { OtaPaths } from '../../../firmware/ota/paths.js';
import { checkSlot, installIntoSlot } from '../../../firmware/ota/slots.js';
import { readState, writeState } from '../../../firmware/ota/state.js';
import { runUpdateCycle } from '../../../firmware/ota/update-cycle.js';
import { customOf, makeBundle } from './support/bundles.js';
import type { StubBehaviour, TestBundle } from './support/bundles.js';
import { launch } from './support/launch.js';
import { RepoSim } from './support/repo-sim.js';
import { tempDir } from './support/tmp.js';

let v1: TestBundle;
const trialBundles = new Map<StubBehaviour, TestBundle>();

test.before(async () => {
  v1 = await makeBundle({ version: '1.0.0', counter: 1, behaviour: 'healthy' });
  for (const b of ['healthy', 'crash', 'no-register', 'hang', 'offline'] as const) {
    trialBundles.set(b, await makeBundle({ version: `2.0.0-${b}`, counter: 2, behaviour: b }));
  }
});

/** A device running v1 (committed) with `trial` installed in slot b and on trial. */
async function deviceWithTrial(behaviour: StubBehaviour, trustedRoot: Buffer | string = JSON.stringify({ signed: { _type: 'root' } })): Promise<{ paths: OtaPaths; trial: TestBundle }> {
  const paths = otaPaths(tempDir('root-'));
  const rootFile = join(tempDir(), 'root.json');
  writeFileSync(rootFile, trustedRoot);
  await initDevice(paths, v1.path, rootFile, 0, memoryLogger());
  const trial = trialBundles.get(behaviour)!;
  await installIntoSlot({ paths, slot: 'b', bundle: trial.path, expect: { version: trial.version, counter: 2, sha256: trial.sha256, board: 'sim', arch: process.arch }, log: memoryLogger() });
  const s = await readState(paths.stateFile);
  await writeState(paths.stateFile, { ...s, trial: { slot: 'b', version: trial.version, counter: 2, sha256: trial.sha256, attemptsLeft: 3 } });
  return { paths, trial };
}

/** Start the launcher and wait for the committed v1 to run; then stop it cleanly. */
async function expectCommittedV1Runs(root: string): Promise<void> {
  const run = launch(root);
  await run.waitFor(/stub firmware started .*version=1\.0\.0 slot=a role=committed/);
  run.killAll('SIGTERM');
  const { code } = await run.exited;
  assert.is(code, 0, 'clean stop');
}

test('H1 the new build exits at start: 3 attempts, revert, marked bad, never reinstalled', async () => {
  const trialBundle = trialBundles.get('crash')!;
  // The repository keeps offering that build.
  const clock = new FakeClock(0, Date.now());
  const sim = new RepoSim(clock.wallTime());
  sim.publishRoot();
  sim.addTarget(`tipring-2.0.0-sim-${process.arch}.tar.gz`, { data: trialBundle.data, custom: customOf(trialBundle) });
  sim.publish();
  await sim.start();
  try {
    const { paths, trial } = await deviceWithTrial('crash', sim.rootFile());
    for (let i = 1; i <= 3; i++) {
      const run = launch(paths.root);
      const { code } = await run.exited;
      assert.is(code, 1, `attempt ${i} fails`);
      assert.match(run.output(), /version=2\.0\.0-crash slot=b role=trial/);
      const s = await readState(paths.stateFile);
      assert.is(s.trial?.attemptsLeft, 3 - i);
      assert.is(s.trial?.lastFailure, 'exited with status 1');
    }
    await expectCommittedV1Runs(paths.root);
    const s = await readState(paths.stateFile);
    assert.is(s.trial, null);
    assert.is(s.committed.version, '1.0.0');
    assert.is(s.floor, 1, 'floor not raised by a failed build');
    assert.ok(s.badTargets.includes(trial.sha256));
    assert.is(s.last?.outcome, 'rolled-back');
    assert.match(s.last?.reason ?? '', /exited with status 1/);

    const r = await runUpdateCycle({ paths, repository: sim.url, device: { board: 'sim', arch: process.arch }, clock, log: memoryLogger(), trialAttempts: 3, download: { idleTimeoutMs: 5000, totalTimeoutMs: 30000, attempts: 1 } });
    assert.equal([r.outcome, r.reason], ['refused', 'known-bad']);
    assert.ok(!sim.requests.some((q) => q.path.startsWith('/targets/')), 'not downloaded again');
  } finally {
    await sim.stop();
  }
});

test('H2 registration fails where the old build worked: revert after the health window', async () => {
  const { paths, trial } = await deviceWithTrial('no-register');
  const run = launch(paths.root);
  const { code } = await run.exited;
  assert.is(code, 75, 'asks for a restart');
  assert.match(run.output(), /update rolled back/);
  const s = await readState(paths.stateFile);
  assert.is(s.trial, null);
  assert.ok(s.badTargets.includes(trial.sha256));
  assert.match(s.last?.reason ?? '', /not registered within .*403 Forbidden/);
  await expectCommittedV1Runs(paths.root);
});

test('H3 the event loop hangs: the watchdog kill counts as an attempt; revert after 3', async () => {
  const { paths, trial } = await deviceWithTrial('hang');
  for (let i = 1; i <= 3; i++) {
    const run = launch(paths.root);
    await run.waitFor(/hanging/);
    run.killAll('SIGKILL'); // what systemd does when WATCHDOG=1 stops arriving: kill the cgroup
    await run.exited;
    assert.is((await readState(paths.stateFile)).trial?.attemptsLeft, 3 - i);
  }
  await expectCommittedV1Runs(paths.root);
  const s = await readState(paths.stateFile);
  assert.ok(s.badTargets.includes(trial.sha256));
  assert.match(s.last?.reason ?? '', /no healthy start/);
});

test('H4 healthy: committed, floor raised, old slot kept as fallback', async () => {
  const { paths } = await deviceWithTrial('healthy');
  const run = launch(paths.root);
  await run.waitFor(/health verdict .*commit/);
  run.killAll('SIGTERM');
  await run.exited;
  const s = await readState(paths.stateFile);
  assert.equal(s.committed, { slot: 'b', version: '2.0.0-healthy', counter: 2, sha256: trialBundles.get('healthy')!.sha256 });
  assert.is(s.trial, null);
  assert.is(s.floor, 2);
  assert.is(s.last?.outcome, 'committed');
  assert.ok((await checkSlot(paths, 'a', true)).ok, 'old slot intact');
  const next = launch(paths.root);
  await next.waitFor(/version=2\.0\.0-healthy slot=b role=committed/);
  next.killAll('SIGTERM');
  await next.exited;
});

test('H6 no network after the update: no rollback; commit after the longer window', async () => {
  const { paths } = await deviceWithTrial('offline');
  const run = launch(paths.root);
  await run.waitFor(/health verdict .*commit/);
  run.killAll('SIGTERM');
  await run.exited;
  const s = await readState(paths.stateFile);
  assert.is(s.committed.slot, 'b');
  assert.match(s.last?.reason ?? '', /network unreachable; committed on local health/);
});

test('a clean stop during a trial gives the attempt back', async () => {
  const { paths } = await deviceWithTrial('healthy');
  const r = launch(paths.root, { STUB_TIMINGS: '{"settleMs":60000,"windowMs":120000,"offlineWindowMs":180000}' });
  await r.waitFor(/health check started/);
  assert.is((await readState(paths.stateFile)).trial?.attemptsLeft, 2);
  r.killAll('SIGTERM');
  await r.exited;
  assert.is((await readState(paths.stateFile)).trial?.attemptsLeft, 3);
});

test('a trial slot that fails verification is never started', async () => {
  const { paths, trial } = await deviceWithTrial('healthy');
  writeFileSync(join(paths.slotDir('b'), 'dist/firmware/cli.js'), 'process.exit(0)');
  await expectCommittedV1Runs(paths.root);
  const s = await readState(paths.stateFile);
  assert.is(s.trial, null);
  assert.ok(s.badTargets.includes(trial.sha256));
  assert.match(s.last?.reason ?? '', /failed verification/);
});

test.run();
