// One update attempt end to end (policy, download, install, state) against the simulator:
// T1, T2, T7, T9, T14, T15, T16, D3 in context, known-bad builds, --check, up-to-date.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { initDevice } from '../../../firmware/ota/device-init.js';
import { readHistory } from '../../../firmware/ota/history.js';
import { otaPaths } from '../../../firmware/ota/paths.js';
import type { OtaPaths } from '../../../firmware/ota/paths.js';
import { checkSlot } from '../../../firmware/ota/slots.js';
import { readState, writeState } from '../../../firmware/ota/state.js';
import { runUpdateCycle } from '../../../firmware/ota/update-cycle.js';
import type { CycleOptions } from '../../../firmware/ota/update-cycle.js';
import { customOf, makeBundle } from './support/bundles.js';
import type { TestBundle } from './support/bundles.js';
import { RepoSim } from './support/repo-sim.js';
import { tempDir } from './support/tmp.js';

const clock = new FakeClock(0, Date.UTC(2026, 2, 1));
let v1: TestBundle;
let v2: TestBundle;
const sims: RepoSim[] = [];

test.before(async () => {
  v1 = await makeBundle({ version: '1.0.0', counter: 1 });
  v2 = await makeBundle({ version: '2.0.0', counter: 2, padBytes: 200_000 });
});
test.after(async () => {
  for (const s of sims) await s.stop();
});

async function setup(publish: (sim: RepoSim) => void = (s) => s.addTarget(v2.name, { data: v2.data, custom: customOf(v2) })): Promise<{ sim: RepoSim; paths: OtaPaths; opts: (extra?: Partial<CycleOptions>) => CycleOptions }> {
  const sim = new RepoSim(clock.wallTime());
  sim.publishRoot();
  publish(sim);
  sim.publish();
  await sim.start();
  sims.push(sim);
  const paths = otaPaths(tempDir('root-'));
  const rootFile = join(tempDir(), 'root.json');
  writeFileSync(rootFile, sim.rootFile());
  await initDevice(paths, v1.path, rootFile, 0, memoryLogger());
  const opts = (extra: Partial<CycleOptions> = {}): CycleOptions => ({
    paths,
    repository: sim.url,
    device: { board: 'sim', arch: process.arch },
    clock,
    log: memoryLogger(),
    trialAttempts: 3,
    download: { idleTimeoutMs: 1000, totalTimeoutMs: 60_000, attempts: 1 },
    ...extra,
  });
  return { sim, paths, opts };
}

/** What must not change when an update is refused. */
async function fingerprint(paths: OtaPaths): Promise<string> {
  const s = await readState(paths.stateFile);
  return JSON.stringify({ committed: s.committed, trial: s.trial, floor: s.floor, badTargets: s.badTargets, a: await checkSlot(paths, 'a', true) });
}

test('installs a newer release into slot b and puts it on trial', async () => {
  const { paths, opts } = await setup();
  const r = await runUpdateCycle(opts());
  assert.is(r.outcome, 'installed', r.detail);
  const s = await readState(paths.stateFile);
  assert.equal(s.committed.slot, 'a');
  assert.equal(s.trial && { slot: s.trial.slot, version: s.trial.version, counter: s.trial.counter, attempts: s.trial.attemptsLeft }, { slot: 'b', version: '2.0.0', counter: 2, attempts: 3 });
  assert.is(s.floor, 1, 'floor rises only at commit');
  const b = await checkSlot(paths, 'b', true);
  assert.ok(b.ok, b.why);
  assert.equal(readdirSync(paths.downloadDir), [], 'download removed after install');
  const h = await readHistory(paths.historyFile);
  assert.is(h.at(-1)?.outcome, 'installed');
  // A second check while the trial is pending does nothing.
  assert.is((await runUpdateCycle(opts())).reason, 'trial-pending');
});

test('--check only reports; nothing downloaded', async () => {
  const { sim, paths, opts } = await setup();
  const r = await runUpdateCycle(opts({ checkOnly: true }));
  assert.is(r.outcome, 'available');
  assert.is(r.version, '2.0.0');
  assert.ok(!sim.requests.some((q) => q.path.startsWith('/targets/')));
  assert.is((await readState(paths.stateFile)).trial, null);
});

test('up to date when the newest release is the running one', async () => {
  const { opts } = await setup((s) => s.addTarget(v1.name, { data: v1.data, custom: customOf(v1) }));
  const r = await runUpdateCycle(opts());
  assert.is(r.outcome, 'up-to-date');
});

test('T1 tampered target (same length): refused, slots and state unchanged', async () => {
  const { sim, paths, opts } = await setup();
  const before = await fingerprint(paths);
  const evil = Buffer.from(v2.data);
  evil[evil.length - 100] ^= 0xff;
  sim.behaviours.set(`/targets/${v2.sha256}.${v2.name}`, { body: evil });
  const r = await runUpdateCycle(opts());
  assert.equal([r.outcome, r.reason], ['refused', 'tampered']);
  assert.is(await fingerprint(paths), before);
  assert.equal(readdirSync(paths.downloadDir), [], 'partial deleted');
  assert.is((await readHistory(paths.historyFile)).at(-1)?.reason, 'tampered');
});

test('T2 target longer than signed: refused at the length', async () => {
  const { sim, paths, opts } = await setup();
  sim.behaviours.set(`/targets/${v2.sha256}.${v2.name}`, { body: Buffer.concat([v2.data, Buffer.alloc(5000)]), noLength: true });
  const before = await fingerprint(paths);
  const r = await runUpdateCycle(opts());
  assert.equal([r.outcome, r.reason], ['refused', 'too-long']);
  assert.is(await fingerprint(paths), before);
});

test('T7 valid metadata but release counter below the floor: downgrade refused', async () => {
  const { paths, opts } = await setup();
  const s = await readState(paths.stateFile);
  await writeState(paths.stateFile, { ...s, floor: 5, committed: { ...s.committed, counter: 5 } });
  const before = await fingerprint(paths);
  const r = await runUpdateCycle(opts());
  assert.equal([r.outcome, r.reason], ['refused', 'downgrade']);
  assert.is(await fingerprint(paths), before);
});

test('T9 clock below the clock floor: cycle skipped, nothing fetched, metadata unchanged', async () => {
  const { sim, paths, opts } = await setup();
  const s = await readState(paths.stateFile);
  await writeState(paths.stateFile, { ...s, clockFloor: clock.wallTime().getTime() + 86_400_000 });
  const tufBefore = readdirSync(paths.tufDir).join();
  const r = await runUpdateCycle(opts());
  assert.equal([r.outcome, r.reason], ['skipped', 'clock-behind']);
  assert.is(sim.requests.length, 0);
  assert.is(readdirSync(paths.tufDir).join(), tufBefore);
});

test('T14 hardware mismatch: in the signed custom fields, and inside the bundle', async () => {
  const { paths, opts } = await setup((s) => s.addTarget(v2.name, { data: v2.data, custom: customOf(v2, { hardware: ['rpi-ag1171'] }) }));
  const before = await fingerprint(paths);
  const r = await runUpdateCycle(opts());
  assert.equal([r.outcome, r.reason], ['refused', 'hardware-mismatch']);
  assert.is(await fingerprint(paths), before);
  // Signed for sim, but the bundle's own manifest says another board: caught at install.
  const other = await makeBundle({ version: '2.1.0', counter: 3, hardware: ['rpi-ag1171'] });
  const t = await setup((s) => s.addTarget(other.name, { data: other.data, custom: customOf(other) }));
  const r2 = await runUpdateCycle(t.opts());
  assert.equal([r2.outcome, r2.reason], ['refused', 'hardware-mismatch']);
  assert.is((await readState(t.paths.stateFile)).trial, null);
  assert.not.ok((await checkSlot(t.paths, 'b', false)).ok, 'slot b never marked complete');
});

test('T15 path traversal in target names: refused before any I/O', async () => {
  const { sim, opts } = await setup();
  const r = await runUpdateCycle(opts({ target: '../../etc/passwd' }));
  assert.equal([r.outcome, r.reason], ['refused', 'bad-target-name']);
  assert.is(sim.requests.length, 0, 'no request at all');
  const evilName = `tipring-..-sim-${process.arch}.tar.gz`;
  const t = await setup((s) => s.addTarget(evilName, { data: v2.data, custom: customOf(v2) }));
  const r2 = await runUpdateCycle(t.opts());
  assert.equal([r2.outcome, r2.reason], ['refused', 'bad-target-name']);
  assert.ok(!t.sim.requests.some((q) => q.path.startsWith('/targets/')));
});

test('T16 slow retrieval inside a cycle: failed with reason, partial kept, next cycle resumes', async () => {
  const { sim, paths, opts } = await setup();
  const path = `/targets/${v2.sha256}.${v2.name}`;
  sim.behaviours.set(path, { stallAfter: 50_000, times: 1 });
  let advanced = false;
  const r = await runUpdateCycle(
    opts({
      onProgress: (p) => {
        if (!advanced && p.received >= 50_000) {
          advanced = true;
          setImmediate(() => clock.advance(1001));
        }
      },
    }),
  );
  assert.equal([r.outcome, r.reason], ['failed', 'slow-retrieval']);
  assert.ok(existsSync(join(paths.downloadDir, `${v2.sha256}.part`)));
  const r2 = await runUpdateCycle(opts());
  assert.is(r2.outcome, 'installed');
  assert.equal(sim.requests.filter((q) => q.path === path).map((q) => q.range ?? ''), ['', 'bytes=50000-']);
});

test('D3 a partial of an older release is discarded when a new one is fetched', async () => {
  const { paths, opts } = await setup();
  writeFileSync(join(paths.downloadDir, `${'a'.repeat(64)}.part`), 'stale');
  const r = await runUpdateCycle(opts());
  assert.is(r.outcome, 'installed');
  assert.equal(readdirSync(paths.downloadDir), []);
});

test('a build that failed its trial before is never installed again', async () => {
  const { paths, opts } = await setup();
  const s = await readState(paths.stateFile);
  await writeState(paths.stateFile, { ...s, badTargets: [v2.sha256] });
  const r = await runUpdateCycle(opts());
  assert.equal([r.outcome, r.reason], ['refused', 'known-bad']);
});

test('the history keeps every attempt with its reason', async () => {
  const { paths, opts } = await setup();
  const s = await readState(paths.stateFile);
  await writeState(paths.stateFile, { ...s, clockFloor: clock.wallTime().getTime() + 1 });
  await runUpdateCycle(opts());
  await writeState(paths.stateFile, { ...s, clockFloor: 0 });
  await runUpdateCycle(opts());
  const h = await readHistory(paths.historyFile);
  assert.equal(h.map((x) => `${x.outcome}:${x.reason}`), ['skipped:clock-behind', 'installed:installed']);
  assert.ok(readFileSync(paths.historyFile, 'utf8').includes('2.0.0'));
});

test.run();
