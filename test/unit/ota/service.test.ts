// The in-firmware update agent on a virtual clock: waits for clock sync, checks on schedule,
// and restarts into an installed build only when every line is idle (H5 end to end with state).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { otaPaths } from '../../../firmware/ota/paths.js';
import { initialState, readState, writeState } from '../../../firmware/ota/state.js';
import type { CycleOptions, CycleResult } from '../../../firmware/ota/update-cycle.js';
import { createUpdateService } from '../../../firmware/ota/update-service.js';
import { settingsFrom } from '../../../firmware/ota/update-settings.js';
import { tempDir } from './support/tmp.js';

const flush = () => new Promise((r) => setTimeout(r, 20));

test('H5: checks after clock sync; an installed build waits for on-hook, then restarts', async () => {
  const root = tempDir('svc-');
  const paths = otaPaths(root);
  mkdirSync(paths.stateDir, { recursive: true });
  await writeState(paths.stateFile, initialState({ slot: 'a', version: '1.0.0', counter: 1, sha256: '' }));
  const settings = settingsFrom({ repository: 'http://127.0.0.1:9', root, board: 'sim', first_check_s: 30, jitter_minutes: 0, maintenance_window: 'always' });
  const clock = new FakeClock();
  let synced = false;
  let offHook = true;
  const checks: CycleOptions[] = [];
  const restarts: string[] = [];
  const svc = createUpdateService({
    settings,
    clock,
    log: memoryLogger(),
    runningSlot: 'a',
    isIdle: () => !offHook,
    requestRestart: (why) => void restarts.push(why),
    clockSynced: async () => synced,
    random: () => 0,
    cycle: async (o): Promise<CycleResult> => {
      checks.push(o);
      const s = await readState(paths.stateFile);
      await writeState(paths.stateFile, { ...s, trial: { slot: 'b', version: '2.0.0', counter: 2, sha256: 'f'.repeat(64), attemptsLeft: 3 } });
      return { outcome: 'installed', reason: 'installed', version: '2.0.0' };
    },
  });
  svc.start();
  await flush();
  clock.advance(10 * 60_000);
  await flush();
  assert.is(checks.length, 0, 'no check before the clock is synchronised');
  synced = true;
  clock.advance(30_000); // next clock-sync poll
  await flush();
  assert.is(svc.scheduler.phase, 'scheduled');
  clock.advance(30_000); // first check due
  await flush();
  assert.is(checks.length, 1);
  await flush();
  assert.is(svc.scheduler.phase, 'awaiting-restart');
  clock.advance(60_000);
  await flush();
  assert.equal(restarts, [], 'not while a line is off-hook');
  offHook = false;
  clock.advance(5_000);
  await flush();
  assert.equal(restarts, ['update installed']);
  svc.stop();
});

test('a build installed by `tipring update` (another process) is noticed and started when idle', async () => {
  const root = tempDir('svc-');
  const paths = otaPaths(root);
  mkdirSync(paths.stateDir, { recursive: true });
  await writeState(paths.stateFile, initialState({ slot: 'a', version: '1.0.0', counter: 1, sha256: '' }));
  const settings = settingsFrom({ repository: 'http://127.0.0.1:9', root, board: 'sim', first_check_s: 3600, jitter_minutes: 0, maintenance_window: 'always' });
  const clock = new FakeClock();
  const restarts: string[] = [];
  const svc = createUpdateService({ settings, clock, log: memoryLogger(), runningSlot: 'a', isIdle: () => true, requestRestart: (w) => void restarts.push(w), clockSynced: async () => true, cycle: async () => ({ outcome: 'up-to-date', reason: 'up-to-date' }) });
  svc.start();
  await flush();
  const s = await readState(paths.stateFile);
  await writeState(paths.stateFile, { ...s, trial: { slot: 'b', version: '2.0.0', counter: 2, sha256: 'f'.repeat(64), attemptsLeft: 3 } });
  clock.advance(60_000);
  await flush();
  assert.equal(restarts, ['update installed']);
  svc.stop();
});

test.run();
