/**
 * The update agent inside the running firmware (wired in main.ts): scheduled checks (after clock
 * sync, with jitter), install into the inactive slot, and a restart into the new build only when
 * every line is idle and the maintenance window is open.
 *
 *   const updates = createUpdateService({ settings, clock, log, isIdle: () => lines.every(l => l.isIdle()),
 *                                         requestRestart: (why) => { ...stop cleanly, exit 75 } });
 *   updates.start(); ... updates.stop();
 */
import { access } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import type { Cancel, Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { Pump } from '../core/pump.js';
import type { Checkpoint } from './checkpoint.js';
import { inWindow } from './maintenance-window.js';
import { otaPaths } from './paths.js';
import type { SlotName } from './paths.js';
import { readState } from './state.js';
import { runUpdateCycle } from './update-cycle.js';
import type { CycleOptions, CycleResult } from './update-cycle.js';
import { UpdateScheduler } from './update-scheduler.js';
import type { UpdateSettings } from './update-settings.js';

export interface UpdateServiceOptions {
  settings: UpdateSettings;
  clock: Clock;
  log: Logger;
  /** True when no line is off-hook or ringing (provided by the line controllers). */
  isIdle: () => boolean;
  /** Stop cleanly and exit so the launcher starts the new build (exit status 75 suggested). */
  requestRestart: (reason: string) => void;
  /** The slot this process runs from (default $TIPRING_SLOT). */
  runningSlot?: SlotName;
  /** Default: systemd-timesyncd's /run/systemd/timesync/synchronized, else `timedatectl`. */
  clockSynced?: () => Promise<boolean>;
  random?: () => number;
  /** Replaceable for tests. */
  cycle?: (o: CycleOptions) => Promise<CycleResult>;
  checkpoint?: Checkpoint;
  /** Poll period while waiting for clock sync or for a safe restart moment. */
  pollMs?: number;
}

export interface UpdateService {
  start(): void;
  stop(): void;
  /** Run a check now (outside the schedule). */
  checkNow(): Promise<CycleResult>;
  readonly scheduler: UpdateScheduler;
}

export async function systemClockSynced(): Promise<boolean> {
  try {
    await access('/run/systemd/timesync/synchronized');
    return true;
  } catch {
    // not systemd-timesyncd, or not yet synchronised: ask timedated (chrony, ntpd)
  }
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 5000 }, (err, out) => resolve(!err && out.trim() === 'yes'));
  });
}

export function createUpdateService(o: UpdateServiceOptions): UpdateService {
  const { settings, clock } = o;
  const log = o.log.child({ part: 'update' });
  const paths = otaPaths(settings.root);
  const runningSlot = o.runningSlot ?? (process.env['TIPRING_SLOT'] as SlotName | undefined);
  const pollMs = o.pollMs ?? 5_000;
  const scheduler = new UpdateScheduler({
    intervalMs: settings.checkIntervalMs,
    jitterMs: settings.jitterMs,
    firstCheckMs: settings.firstCheckMs,
    pollMs,
    random: o.random ?? Math.random,
    isIdle: o.isIdle,
    inWindow: () => inWindow(settings.window, clock.wallTime()),
  });
  const cycle = o.cycle ?? runUpdateCycle;
  let syncCancel: Cancel | undefined;
  let lastWait: string | undefined;

  const cycleOptions = (checkOnly: boolean): CycleOptions => ({
    paths,
    repository: settings.repository,
    device: { board: settings.board, arch: settings.arch },
    clock,
    log,
    trialAttempts: settings.trialAttempts,
    download: settings.download,
    checkOnly,
    ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
  });

  /** A build other than ours waits on trial (installed by us or by the CLI). */
  const newBuildWaiting = async (): Promise<boolean> => {
    try {
      const s = await readState(paths.stateFile);
      return s.trial !== null && s.trial.slot !== runningSlot && s.trial.attemptsLeft > 0;
    } catch {
      return false;
    }
  };

  const runCheck = async () => {
    const result = await cycle(cycleOptions(false)).catch((e: unknown): CycleResult => ({ outcome: 'failed', reason: 'internal', detail: String(e) }));
    scheduler.checked(clock.now(), await newBuildWaiting());
    pump.kick();
    return result;
  };

  const drain = () => {
    for (const action of scheduler.takeActions()) {
      if (action === 'check') void runCheck();
      else {
        log.info('restarting into the new build', { reason: 'update installed; lines idle; maintenance window open' });
        o.requestRestart('update installed');
      }
    }
    if (scheduler.phase === 'awaiting-restart' && scheduler.waitingFor && scheduler.waitingFor !== lastWait) {
      lastWait = scheduler.waitingFor;
      log.info('new build waiting to start', { waiting_for: scheduler.waitingFor === 'idle' ? 'all lines on-hook and not ringing' : `maintenance window ${settings.window.kind === 'daily' ? settings.window.text : ''}` });
    }
  };
  const pump = new Pump(clock, scheduler, drain);

  // Notice a build installed by `tipring update` between scheduled checks.
  let watchCancel: Cancel | undefined;
  const watchState = async () => {
    if (scheduler.phase === 'scheduled' && (await newBuildWaiting())) {
      scheduler.restartPending(clock.now());
      pump.kick();
    }
    if (scheduler.phase !== 'stopped') watchCancel = clock.at(clock.now() + pollMs * 12, () => void watchState());
  };

  const waitForClock = async () => {
    if (scheduler.phase !== 'waiting-clock') return;
    const synced = o.clockSynced ?? (settings.clockSync === 'assume' ? async () => true : systemClockSynced);
    if (await synced()) {
      log.info('clock synchronised: update checks scheduled');
      scheduler.clockSynced(clock.now());
      pump.kick();
      await watchState();
      return;
    }
    syncCancel = clock.at(clock.now() + Math.max(pollMs, 30_000), () => void waitForClock());
  };

  return {
    scheduler,
    start() {
      void waitForClock();
    },
    stop() {
      syncCancel?.();
      watchCancel?.();
      scheduler.stop();
      pump.stop();
    },
    async checkNow() {
      return cycle(cycleOptions(false));
    },
  };
}
