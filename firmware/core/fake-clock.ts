import type { Cancel, Clock } from './clock.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A virtual clock for tests and simulations: time moves only when `advance()` is called, and
 * timers fire in deadline order (ties in the order they were armed).
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private pending: Pending[] = [];
  private readonly epochMs: number;

  constructor(start = 0, epochMs = Date.UTC(2026, 0, 1)) {
    this.current = start;
    this.epochMs = epochMs;
  }

  now(): number {
    return this.current;
  }

  wallTime(): Date {
    return new Date(this.epochMs + this.current);
  }

  at(at: number, fn: () => void): Cancel {
    const entry: Pending = { at, seq: this.seq++, fn, cancelled: false };
    this.pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** The earliest armed deadline, if any. */
  nextDeadline(): number | undefined {
    let best: number | undefined;
    for (const p of this.pending) if (!p.cancelled && (best === undefined || p.at < best)) best = p.at;
    return best;
  }

  /** Move time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(target: number): void {
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.pending) {
        if (p.at <= target && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      }
      if (!next) break;
      next.cancelled = true;
      if (next.at > this.current) this.current = next.at;
      next.fn();
    }
    if (target > this.current) this.current = target;
  }
}
