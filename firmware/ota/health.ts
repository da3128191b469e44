/**
 * What the running firmware calls to report its health (wired in main.ts). It:
 * - tells systemd READY=1 once the config is loaded and the HAL is up, and pings the watchdog
 *   (WATCHDOG=1 every WATCHDOG_USEC/2 on the clock: a hung event loop stops the pings and
 *   systemd kills and restarts the service, which the launcher counts as a failed attempt);
 * - when this process runs a build on trial (the launcher sets TIPRING_OTA_ROOT, TIPRING_SLOT,
 *   TIPRING_SLOT_ROLE=trial), runs the HealthMonitor and carries out its verdict: commit (one
 *   atomic state write: committed = this slot, floor raised, trial cleared) or revert (trial
 *   cleared, build marked bad, reason recorded) followed by a restart request, so the launcher
 *   starts the committed slot again.
 *
 *   const health = createHealthReporter({ clock, log });
 *   health.markConfigLoaded(); health.markHalUp();
 *   ua registered → health.markRegistered(); REGISTER failed → health.markRegistrationFailed(why);
 *   no route / DNS failure → health.markNetworkUnreachable(); back → health.markNetworkReachable();
 *   unrecoverable error → health.markFatal(why); on stop → health.stop().
 */
import type { Cancel, Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { Pump } from '../core/pump.js';
import type { Checkpoint } from './checkpoint.js';
import { checkpointFromEnv } from './checkpoint.js';
import { appendHistory } from './history.js';
import { DEFAULT_HEALTH_TIMINGS, HealthMonitor } from './health-monitor.js';
import type { HealthPhase, HealthTimings, HealthVerdict } from './health-monitor.js';
import { isSlotName, otaPaths } from './paths.js';
import type { SlotName } from './paths.js';
import { createSdNotifier, watchdogIntervalMs } from './sd-notify.js';
import type { SdNotifier } from './sd-notify.js';
import { readState, withBadTarget, writeState } from './state.js';

export interface HealthReporterOptions {
  clock: Clock;
  log: Logger;
  /** Update root; default $TIPRING_OTA_ROOT. Without one the reporter only talks to systemd. */
  otaRoot?: string;
  /** This process's slot and role; default $TIPRING_SLOT / $TIPRING_SLOT_ROLE (set by the launcher). */
  slot?: SlotName;
  role?: 'trial' | 'committed';
  timings?: Partial<HealthTimings>;
  env?: NodeJS.ProcessEnv;
  notifier?: SdNotifier;
  /**
   * After a revert verdict has been recorded: stop and exit so the launcher starts the committed
   * slot. Default: send ourselves SIGTERM (the CLI's clean-stop path).
   */
  onRestartRequested?: (reason: string) => void;
  checkpoint?: Checkpoint;
}

export interface HealthStatus {
  role: 'trial' | 'committed' | 'unmanaged';
  phase: HealthPhase | 'not-trial';
  verdict?: HealthVerdict;
}

export interface HealthReporter {
  markConfigLoaded(): void;
  markHalUp(): void;
  markRegistered(): void;
  markRegistrationFailed(reason: string): void;
  markNetworkUnreachable(): void;
  markNetworkReachable(): void;
  markFatal(reason: string): void;
  status(): HealthStatus;
  /** Resolves once a trial verdict has been carried out (tests); undefined when not on trial. */
  readonly settled: Promise<HealthVerdict | undefined>;
  stop(): void;
}

export function createHealthReporter(opts: HealthReporterOptions): HealthReporter {
  const { clock, log } = opts;
  const env = opts.env ?? process.env;
  const rootDir = opts.otaRoot ?? env['TIPRING_OTA_ROOT'];
  const slotEnv = opts.slot ?? env['TIPRING_SLOT'];
  const slot = isSlotName(slotEnv) ? slotEnv : undefined;
  const role = rootDir && slot ? (opts.role ?? (env['TIPRING_SLOT_ROLE'] === 'trial' ? 'trial' : 'committed')) : 'unmanaged';
  const notifier = opts.notifier ?? createSdNotifier(env);
  const checkpoint = opts.checkpoint ?? checkpointFromEnv(env, 'health');
  const hlog = log.child({ part: 'health' });
  const monitor = role === 'trial' ? new HealthMonitor({ ...DEFAULT_HEALTH_TIMINGS, ...opts.timings }, clock.now()) : undefined;
  let configLoaded = false;
  let halUp = false;
  let readySent = false;
  let stopped = false;
  let acting = false;
  let resolveSettled: (v: HealthVerdict | undefined) => void = () => {};
  const settled = new Promise<HealthVerdict | undefined>((r) => (resolveSettled = r));
  if (!monitor) resolveSettled(undefined);

  // Watchdog pings ride on the clock: if the event loop hangs, they stop.
  let watchdogCancel: Cancel | undefined;
  const interval = watchdogIntervalMs(env);
  const ping = () => {
    if (stopped) return;
    notifier.notify('WATCHDOG=1');
    watchdogCancel = clock.at(clock.now() + interval!, ping);
  };
  if (notifier.enabled && interval) ping();

  const maybeReady = () => {
    if (readySent || !configLoaded || !halUp) return;
    readySent = true;
    notifier.notify(`READY=1\nSTATUS=running (${role}${slot ? ` slot ${slot}` : ''})`);
  };

  const act = async (verdict: HealthVerdict) => {
    const paths = otaPaths(rootDir!);
    const state = await readState(paths.stateFile);
    const trial = state.trial;
    const at = clock.wallTime().toISOString();
    if (!trial || trial.slot !== slot) {
      hlog.warn('trial verdict ignored: this slot is no longer on trial', { verdict: verdict.action });
      return;
    }
    if (verdict.action === 'commit') {
      checkpoint('health:before-commit');
      await writeState(
        paths.stateFile,
        {
          ...state,
          committed: { slot: trial.slot, version: trial.version, counter: trial.counter, sha256: trial.sha256 },
          trial: null,
          floor: Math.max(state.floor, trial.counter),
          clockFloor: Math.max(state.clockFloor, clock.wallTime().getTime()),
          last: { at, outcome: 'committed', reason: verdict.reason, version: trial.version },
        },
        checkpoint,
      );
      checkpoint('health:after-commit');
      hlog.info('update committed', { version: trial.version, slot: trial.slot, previous: state.committed.version, reason: verdict.reason });
      await appendHistory(paths.historyFile, { at, outcome: 'committed', reason: verdict.reason, version: trial.version }).catch(() => {});
    } else {
      await writeState(
        paths.stateFile,
        { ...state, trial: null, badTargets: withBadTarget(state, trial.sha256), last: { at, outcome: 'rolled-back', reason: verdict.reason, version: trial.version } },
        checkpoint,
      );
      hlog.error('update rolled back', { version: trial.version, back_to: state.committed.version, reason: verdict.reason });
      await appendHistory(paths.historyFile, { at, outcome: 'rolled-back', reason: verdict.reason, version: trial.version }).catch(() => {});
      (opts.onRestartRequested ?? (() => process.kill(process.pid, 'SIGTERM')))(verdict.reason);
    }
  };

  const drain = () => {
    if (!monitor || acting || stopped) return;
    const verdict = monitor.verdict;
    if (!verdict) return;
    acting = true;
    act(verdict).then(
      () => {
        monitor.acted();
        resolveSettled(verdict);
      },
      (e: unknown) => {
        hlog.error('cannot record the trial verdict', { verdict: verdict.action, error: e instanceof Error ? e.message : String(e) });
        acting = false;
        resolveSettled(undefined);
      },
    );
  };
  const pump = monitor ? new Pump(clock, monitor, drain) : undefined;
  pump?.kick();
  if (monitor) hlog.info('trial build: health check started', { slot, ...DEFAULT_HEALTH_TIMINGS, ...opts.timings });

  const mark = (fn: (now: number) => void) => {
    if (stopped) return;
    if (monitor) fn(clock.now());
    pump?.kick();
  };

  return {
    markConfigLoaded() {
      configLoaded = true;
      maybeReady();
      mark((now) => monitor!.configLoadedAt(now));
    },
    markHalUp() {
      halUp = true;
      maybeReady();
      mark((now) => monitor!.halUpAt(now));
    },
    markRegistered: () => mark((now) => monitor!.registeredAt(now)),
    markRegistrationFailed: (reason) => mark((now) => monitor!.registrationFailedAt(now, reason)),
    markNetworkUnreachable: () => mark((now) => monitor!.networkUnreachableAt(now)),
    markNetworkReachable: () => mark((now) => monitor!.networkReachableAt(now)),
    markFatal: (reason) => mark(() => monitor!.fatal(reason)),
    status: () => {
      const s: HealthStatus = { role, phase: monitor?.phase ?? 'not-trial' };
      if (monitor?.verdict) s.verdict = monitor.verdict;
      return s;
    },
    settled,
    stop() {
      if (stopped) return;
      stopped = true;
      pump?.stop();
      watchdogCancel?.();
      if (notifier.enabled) notifier.notify('STOPPING=1');
      notifier.close();
    },
  };
}
