/**
 * When the running firmware checks for updates and when it restarts into a new build, sans-IO.
 *
 * - No check before the clock is synchronised (expiry checks need a true clock).
 * - Checks every `intervalMs` plus a random jitter in [0, jitterMs) (a fleet does not stampede).
 * - When a new build waits (installed on trial by us or by `tipring update`), restart only when
 *   every line is idle (on-hook, not ringing) *and* inside the maintenance window; re-evaluated
 *   every `pollMs`. Never cuts a call, emergency calls included.
 */
import { IllegalTransitionError } from '../core/errors.js';

export type SchedulerPhase = 'waiting-clock' | 'scheduled' | 'checking' | 'awaiting-restart' | 'restarting' | 'stopped';
export type SchedulerEvent = 'clock-synced' | 'due' | 'checked' | 'restart-pending' | 'restart-now' | 'stop';
export type SchedulerAction = 'check' | 'restart';

const TABLE: Record<SchedulerPhase, Partial<Record<SchedulerEvent, SchedulerPhase>>> = {
  'waiting-clock': { 'clock-synced': 'scheduled', stop: 'stopped' },
  scheduled: { due: 'checking', 'restart-pending': 'awaiting-restart', stop: 'stopped' },
  checking: { checked: 'scheduled', 'restart-pending': 'awaiting-restart', stop: 'stopped' },
  'awaiting-restart': { 'restart-now': 'restarting', stop: 'stopped' },
  restarting: { stop: 'stopped' },
  stopped: {},
};

export interface SchedulerOptions {
  intervalMs: number;
  jitterMs: number;
  /** Delay of the first check after the clock is synchronised (before jitter). */
  firstCheckMs: number;
  pollMs: number;
  random: () => number;
  /** Are all lines idle? (The lead's line controllers.) */
  isIdle: () => boolean;
  /** Is the wall clock inside the maintenance window? */
  inWindow: () => boolean;
}

export class UpdateScheduler {
  private phaseValue: SchedulerPhase = 'waiting-clock';
  private due: number | undefined;
  private actions: SchedulerAction[] = [];
  /** Why the last restart evaluation waited (for logs/status). */
  waitingFor: 'idle' | 'window' | undefined;

  constructor(private readonly o: SchedulerOptions) {}

  get phase(): SchedulerPhase {
    return this.phaseValue;
  }

  private transition(event: SchedulerEvent): void {
    const to = TABLE[this.phaseValue][event];
    if (!to) throw new IllegalTransitionError('update-scheduler', this.phaseValue, event);
    this.phaseValue = to;
  }

  private jitter(): number {
    return Math.floor(this.o.random() * this.o.jitterMs);
  }

  clockSynced(now: number): void {
    if (this.phaseValue !== 'waiting-clock') return;
    this.transition('clock-synced');
    this.due = now + this.o.firstCheckMs + this.jitter();
  }

  /** A check finished; `restartPending` if a new build waits to be started. */
  checked(now: number, restartPending: boolean): void {
    if (this.phaseValue !== 'checking') return;
    if (restartPending) {
      this.transition('restart-pending');
      this.due = now;
      this.handleTimeout(now);
      return;
    }
    this.transition('checked');
    this.due = now + this.o.intervalMs + this.jitter();
  }

  /** A new build was installed by someone else (the CLI): wait for a safe moment to restart. */
  restartPending(now: number): void {
    if (this.phaseValue !== 'scheduled') return;
    this.transition('restart-pending');
    this.due = now;
    this.handleTimeout(now);
  }

  stop(): void {
    if (this.phaseValue !== 'stopped') this.transition('stop');
    this.due = undefined;
  }

  nextDeadline(): number | undefined {
    return this.phaseValue === 'scheduled' || this.phaseValue === 'awaiting-restart' ? this.due : undefined;
  }

  handleTimeout(now: number): void {
    if (this.due === undefined || now < this.due) return;
    if (this.phaseValue === 'scheduled') {
      this.transition('due');
      this.actions.push('check');
    } else if (this.phaseValue === 'awaiting-restart') {
      const idle = this.o.isIdle();
      const window = this.o.inWindow();
      if (idle && window) {
        this.waitingFor = undefined;
        this.transition('restart-now');
        this.actions.push('restart');
      } else {
        this.waitingFor = idle ? 'window' : 'idle';
        this.due = now + this.o.pollMs;
      }
    }
  }

  takeActions(): SchedulerAction[] {
    return this.actions.splice(0);
  }
}
