/**
 * Trial-boot health verdict, sans-IO: fed the firmware's health marks and `now`, it decides
 * when a trial build is committed or reverted, and says when it next needs to run.
 *
 * - commit: config loaded, HAL up, SIP registered, and healthy for at least `settleMs`;
 * - revert: not locally healthy within `windowMs`, or the network is up and registration still
 *   failed at `windowMs`, or a fatal error was reported;
 * - with no network at all at `windowMs`: wait, and commit on local health at `offlineWindowMs`
 *   (an outage must never cause a rollback loop).
 */
import { IllegalTransitionError } from '../core/errors.js';

export type HealthPhase = 'watching' | 'offline' | 'commit-due' | 'revert-due' | 'done';
export type HealthEvent = 'healthy' | 'window-elapsed-offline' | 'window-elapsed-unhealthy' | 'network-back' | 'offline-window-elapsed' | 'fatal' | 'acted';

const TABLE: Record<HealthPhase, Partial<Record<HealthEvent, HealthPhase>>> = {
  watching: { healthy: 'commit-due', 'window-elapsed-offline': 'offline', 'window-elapsed-unhealthy': 'revert-due', fatal: 'revert-due' },
  offline: { healthy: 'commit-due', 'network-back': 'watching', 'offline-window-elapsed': 'commit-due', 'window-elapsed-unhealthy': 'revert-due', fatal: 'revert-due' },
  'commit-due': { acted: 'done' },
  'revert-due': { acted: 'done' },
  done: {},
};

export interface HealthTimings {
  settleMs: number;
  windowMs: number;
  offlineWindowMs: number;
}

export const DEFAULT_HEALTH_TIMINGS: HealthTimings = { settleMs: 60_000, windowMs: 300_000, offlineWindowMs: 1_800_000 };

export type HealthVerdict = { action: 'commit'; reason: string } | { action: 'revert'; reason: string };

export class HealthMonitor {
  private phaseValue: HealthPhase = 'watching';
  private configLoaded = false;
  private halUp = false;
  private registered = false;
  private networkDown = false;
  private registrationError: string | undefined;
  private windowEnd: number;
  private verdictValue: HealthVerdict | undefined;

  constructor(
    private readonly timings: HealthTimings,
    private readonly startedAt: number,
  ) {
    this.windowEnd = startedAt + timings.windowMs;
  }

  get phase(): HealthPhase {
    return this.phaseValue;
  }

  /** The pending decision (commit or revert), until `acted()` is called. */
  get verdict(): HealthVerdict | undefined {
    return this.phaseValue === 'commit-due' || this.phaseValue === 'revert-due' ? this.verdictValue : undefined;
  }

  private transition(event: HealthEvent): void {
    const to = TABLE[this.phaseValue][event];
    if (!to) throw new IllegalTransitionError('health-monitor', this.phaseValue, event);
    this.phaseValue = to;
  }

  private active(): boolean {
    return this.phaseValue === 'watching' || this.phaseValue === 'offline';
  }

  private localProblem(): string | undefined {
    if (!this.configLoaded) return 'configuration not loaded';
    if (!this.halUp) return 'hardware (HAL) not up';
    return undefined;
  }

  configLoadedAt(now: number): void {
    this.configLoaded = true;
    this.evaluate(now);
  }

  halUpAt(now: number): void {
    this.halUp = true;
    this.evaluate(now);
  }

  registeredAt(now: number): void {
    this.registered = true;
    this.registrationError = undefined;
    if (this.networkDown) this.networkReachableAt(now);
    this.evaluate(now);
  }

  registrationFailedAt(now: number, reason: string): void {
    this.registered = false;
    this.registrationError = reason;
    this.evaluate(now);
  }

  networkUnreachableAt(now: number): void {
    this.networkDown = true;
    this.evaluate(now);
  }

  networkReachableAt(now: number): void {
    this.networkDown = false;
    if (this.phaseValue === 'offline') {
      this.transition('network-back');
      this.windowEnd = Math.max(this.windowEnd, now + this.timings.windowMs);
    }
    this.evaluate(now);
  }

  fatal(reason: string): void {
    if (!this.active()) return;
    this.verdictValue = { action: 'revert', reason: `fatal error: ${reason}` };
    this.transition('fatal');
  }

  /** The adapter carried out the verdict. */
  acted(): void {
    this.transition('acted');
  }

  nextDeadline(): number | undefined {
    if (this.phaseValue === 'watching') {
      const settle = this.startedAt + this.timings.settleMs;
      return this.localProblem() === undefined && this.registered ? settle : this.windowEnd;
    }
    if (this.phaseValue === 'offline') return this.startedAt + this.timings.offlineWindowMs;
    return undefined;
  }

  handleTimeout(now: number): void {
    this.evaluate(now);
  }

  private evaluate(now: number): void {
    if (!this.active()) return;
    const local = this.localProblem();
    if (local === undefined && this.registered && now >= this.startedAt + this.timings.settleMs) {
      this.verdictValue = { action: 'commit', reason: 'healthy: configuration loaded, HAL up, registered' };
      this.transition('healthy');
      return;
    }
    if (this.phaseValue === 'offline') {
      if (local !== undefined && now >= this.windowEnd) {
        this.verdictValue = { action: 'revert', reason: `not healthy: ${local}` };
        this.transition('window-elapsed-unhealthy');
      } else if (local === undefined && now >= this.startedAt + this.timings.offlineWindowMs) {
        this.verdictValue = { action: 'commit', reason: `network unreachable; committed on local health after ${Math.round(this.timings.offlineWindowMs / 1000)} s` };
        this.transition('offline-window-elapsed');
      }
      return;
    }
    if (now < this.windowEnd) return;
    if (local !== undefined) {
      this.verdictValue = { action: 'revert', reason: `not healthy within ${Math.round(this.timings.windowMs / 1000)} s: ${local}` };
      this.transition('window-elapsed-unhealthy');
    } else if (this.networkDown) {
      this.transition('window-elapsed-offline');
      this.evaluate(now);
    } else {
      this.verdictValue = { action: 'revert', reason: `not registered within ${Math.round(this.timings.windowMs / 1000)} s: ${this.registrationError ?? 'no successful REGISTER'}` };
      this.transition('window-elapsed-unhealthy');
    }
  }
}
