/**
 * Hook-signal classifier (sans-IO). Turns the SLIC's debounced raw hook changes into what the
 * line means: off-hook, on-hook (hang-up), hook flash, or a pulse-dialled digit.
 *
 * Use: call `hookChanged(offHook, now)` on every raw change and `handleTimeout(now)` when
 * `nextDeadline()` falls due (core/pump.ts does that); read the results with `poll()` (a FIFO
 * queue; nothing is returned from the input calls).
 *
 * Classification of an on-hook interval ("break") of length d that started while off-hook:
 * - d < pulseBreakMinMs ............ bounce: ignored
 * - pulseBreakMinMs <= d <= pulseBreakMaxMs, then off-hook: one dial pulse
 * - pulseBreakMaxMs < d < flashMinMs: bounce: ignored (too long for a pulse, too short for a flash)
 * - flashMinMs <= d <= flashMaxMs, then off-hook: flash {durationMs: d}
 * - still on-hook when flashMaxMs has passed: on-hook, reported at break start + flashMaxMs (never
 *   earlier, so a flash is never mistaken for a hang-up)
 * Pulses separated by makes (off-hook intervals) shorter than interDigitMs build one digit; the
 * digit is reported once a make has lasted interDigitMs (1..9 pulses = '1'..'9', 10 = '0'; more
 * than 10 is not a digit and is dropped with a warning). An ignored bounce inside a digit restarts
 * the inter-digit wait. A flash ends a digit in progress (the digit is reported first); a hang-up
 * discards it. The first off-hook from on-hook is reported at once.
 *
 * Ties: if a hook change and a deadline fall at the same instant, the hook change wins (a make at
 * exactly flashMaxMs is a flash). A hook change is never back-dated before earlier input: a time
 * earlier than the last one seen is treated as the last one.
 */
import { IllegalTransitionError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

export type HookSignal =
  | { type: 'off-hook' }
  | { type: 'on-hook' }
  | { type: 'flash'; durationMs: number }
  | { type: 'pulse-digit'; digit: string };

/**
 * - 'on-hook': idle, handset down (reported);
 * - 'off-hook': handset up, no digit in progress;
 * - 'break': on-hook while off-hook, not yet classified (pulse, bounce, flash or hang-up);
 * - 'make': off-hook between the pulses of a digit being dialled.
 */
export type HookState = 'on-hook' | 'off-hook' | 'break' | 'make';
type HookEvent = 'off' | 'on' | 'timeout';

const TABLE: Record<HookState, Partial<Record<HookEvent, readonly HookState[]>>> = {
  'on-hook': { off: ['off-hook'] },
  'off-hook': { on: ['break'] },
  break: { off: ['make', 'off-hook'], timeout: ['on-hook'] },
  make: { on: ['break'], timeout: ['off-hook'] },
};

export interface HookDetectorOptions {
  flashMinMs?: number;
  flashMaxMs?: number;
  pulseBreakMinMs?: number;
  /** 95 ms covers 8-12 pps at 55-70 % break. */
  pulseBreakMaxMs?: number;
  interDigitMs?: number;
  log?: Logger;
}

export class HookDetector {
  readonly flashMinMs: number;
  readonly flashMaxMs: number;
  readonly pulseBreakMinMs: number;
  readonly pulseBreakMaxMs: number;
  readonly interDigitMs: number;
  private readonly log: Logger | undefined;
  private current: HookState = 'on-hook';
  /** Start of the current break (state 'break') or make (state 'make'). */
  private since = 0;
  /** Pulses counted for the digit being dialled. */
  private pulses = 0;
  private last = -Infinity;
  private readonly queue: HookSignal[] = [];

  constructor(options: HookDetectorOptions = {}) {
    this.flashMinMs = options.flashMinMs ?? 100;
    this.flashMaxMs = options.flashMaxMs ?? 900;
    this.pulseBreakMinMs = options.pulseBreakMinMs ?? 20;
    this.pulseBreakMaxMs = options.pulseBreakMaxMs ?? 95;
    this.interDigitMs = options.interDigitMs ?? 300;
    this.log = options.log;
    const ordered =
      0 <= this.pulseBreakMinMs &&
      this.pulseBreakMinMs <= this.pulseBreakMaxMs &&
      this.pulseBreakMaxMs < this.flashMinMs &&
      this.flashMinMs <= this.flashMaxMs &&
      this.interDigitMs > 0;
    if (!ordered) {
      throw new RangeError('HookDetector: need 0 <= pulseBreakMin <= pulseBreakMax < flashMin <= flashMax and interDigit > 0');
    }
  }

  get state(): HookState {
    return this.current;
  }

  /** A raw (debounced) hook change from the SLIC: true = off-hook. */
  hookChanged(offHook: boolean, now: number): void {
    now = this.tick(now);
    this.expire(now, false);
    if (!offHook) {
      this.transition('on', 'break');
      this.since = now;
      return;
    }
    if (this.current === 'on-hook') {
      this.transition('off', 'off-hook');
      this.queue.push({ type: 'off-hook' });
      return;
    }
    this.allowed('off');
    const d = now - this.since;
    if (d >= this.pulseBreakMinMs && d <= this.pulseBreakMaxMs) {
      this.pulses++;
      this.transition('off', 'make');
      this.since = now;
    } else if (d >= this.flashMinMs && d <= this.flashMaxMs) {
      if (this.pulses > 0) this.endDigit();
      this.transition('off', 'off-hook');
      this.queue.push({ type: 'flash', durationMs: d });
    } else if (this.pulses > 0) {
      this.transition('off', 'make'); // bounce inside a digit: wait interDigit again
      this.since = now;
    } else {
      this.transition('off', 'off-hook'); // bounce
    }
  }

  /** Run whatever fell due at or before `now`. */
  handleTimeout(now: number): void {
    this.expire(this.tick(now), true);
  }

  nextDeadline(): number | undefined {
    if (this.current === 'break') return this.since + this.flashMaxMs;
    if (this.current === 'make') return this.since + this.interDigitMs;
    return undefined;
  }

  /** The oldest signal not yet read, or undefined. */
  poll(): HookSignal | undefined {
    return this.queue.shift();
  }

  private tick(now: number): number {
    if (now > this.last) this.last = now;
    return this.last;
  }

  /** Fire the pending deadline if it is due (at `now` too when `inclusive`). */
  private expire(now: number, inclusive: boolean): void {
    const due = this.nextDeadline();
    if (due === undefined || now < due || (!inclusive && now === due)) return;
    if (this.current === 'break') {
      if (this.pulses > 0) this.log?.debug('hook: hang-up during pulse dialling, digit dropped', { pulses: this.pulses });
      this.pulses = 0;
      this.transition('timeout', 'on-hook');
      this.queue.push({ type: 'on-hook' });
    } else {
      this.endDigit();
      this.transition('timeout', 'off-hook');
    }
  }

  private endDigit(): void {
    const n = this.pulses;
    this.pulses = 0;
    if (n >= 1 && n <= 10) this.queue.push({ type: 'pulse-digit', digit: String(n % 10) });
    else this.log?.warn('hook: pulse train is not a digit, dropped', { pulses: n });
  }

  private allowed(event: HookEvent): readonly HookState[] {
    const targets = TABLE[this.current][event];
    if (!targets) throw new IllegalTransitionError('HookDetector', this.current, event);
    return targets;
  }

  private transition(event: HookEvent, to: HookState): void {
    if (!this.allowed(event).includes(to)) throw new IllegalTransitionError('HookDetector', this.current, `${event}->${to}`);
    this.current = to;
  }
}
