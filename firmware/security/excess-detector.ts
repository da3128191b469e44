/**
 * One direction's traffic against its budget, as a state machine (sans-IO):
 *   normal ──over──▶ exceeding ──(over for sustainMs)──▶ alarmed
 *      ▲                 │under                              │under
 *      └─────────────────┴───────────────────────────────────┘
 * "Over" means the rate measured over the last `windowMs` (in `bucketMs` buckets) exceeds
 * `factor` × the expected packet rate or bit rate. Bursts shorter than `sustainMs` never alarm.
 */
import { IllegalTransitionError } from '../core/errors.js';

export type ExcessState = 'normal' | 'exceeding' | 'alarmed';
type ExcessEvent = 'over' | 'under' | 'sustained';

const TABLE: Record<ExcessState, Partial<Record<ExcessEvent, ExcessState>>> = {
  normal: { over: 'exceeding', under: 'normal' },
  exceeding: { over: 'exceeding', under: 'normal', sustained: 'alarmed' },
  alarmed: { over: 'alarmed', under: 'normal' },
};

export interface ExcessLimits {
  /** Expected packets per second and bits per second (already multiplied by the stream count). */
  packetsPerSecond: number;
  bitsPerSecond: number;
}

export interface ExcessOptions {
  factor: number;
  sustainMs: number;
  windowMs: number;
  bucketMs: number;
}

export type ExcessSignal =
  | { type: 'alarm'; at: number; since: number; packetsPerSecond: number; bitsPerSecond: number }
  | { type: 'cleared'; at: number; since: number };

export class ExcessDetector {
  private current: ExcessState = 'normal';
  private since = 0;
  private readonly packets: Float64Array;
  private readonly bits: Float64Array;
  /** Bucket index (floor(t / bucketMs)) of the newest bucket, or −1. */
  private head = -1;
  private readonly signals: ExcessSignal[] = [];

  constructor(
    private limits: ExcessLimits,
    private readonly o: ExcessOptions,
  ) {
    const n = Math.max(1, Math.round(o.windowMs / o.bucketMs));
    this.packets = new Float64Array(n);
    this.bits = new Float64Array(n);
  }

  get state(): ExcessState {
    return this.current;
  }

  setLimits(limits: ExcessLimits, now: number): void {
    this.limits = limits;
    this.evaluate(now);
  }

  /** A packet of `bits` bits (link-level) at `now`. */
  onPacket(bits: number, now: number): void {
    this.advance(now);
    const i = this.head % this.packets.length;
    this.packets[i] = (this.packets[i] as number) + 1;
    this.bits[i] = (this.bits[i] as number) + bits;
    this.evaluate(now);
  }

  /** Measured rates over the window ending at `now`. */
  rates(now: number): { packetsPerSecond: number; bitsPerSecond: number } {
    this.advance(now);
    let p = 0;
    let b = 0;
    for (let i = 0; i < this.packets.length; i++) {
      p += this.packets[i] as number;
      b += this.bits[i] as number;
    }
    const seconds = (this.packets.length * this.o.bucketMs) / 1000;
    return { packetsPerSecond: p / seconds, bitsPerSecond: b / seconds };
  }

  nextDeadline(): number | undefined {
    if (this.current === 'exceeding') return this.since + this.o.sustainMs;
    // While over, re-check when the oldest traffic leaves the window so silence clears the state.
    if (this.current === 'alarmed') return (this.head + 1) * this.o.bucketMs;
    return undefined;
  }

  handleTimeout(now: number): void {
    this.evaluate(now);
  }

  poll(): ExcessSignal | undefined {
    return this.signals.shift();
  }

  private evaluate(now: number): void {
    const r = this.rates(now);
    const over = r.packetsPerSecond > this.o.factor * this.limits.packetsPerSecond || r.bitsPerSecond > this.o.factor * this.limits.bitsPerSecond;
    const before = this.current;
    if (!over) {
      this.transition('under');
      if (before === 'alarmed') this.signals.push({ type: 'cleared', at: now, since: this.since });
      return;
    }
    this.transition('over');
    if (before === 'normal') this.since = now;
    if (this.current === 'exceeding' && now - this.since >= this.o.sustainMs) {
      this.transition('sustained');
      this.signals.push({ type: 'alarm', at: now, since: this.since, ...r });
    }
  }

  private transition(event: ExcessEvent): void {
    const next = TABLE[this.current][event];
    if (!next) throw new IllegalTransitionError('ExcessDetector', this.current, event);
    this.current = next;
  }

  /** Move the ring forward to the bucket of `now`, zeroing the buckets skipped. */
  private advance(now: number): void {
    const idx = Math.floor(now / this.o.bucketMs);
    if (this.head < 0) {
      this.head = idx;
      return;
    }
    if (idx <= this.head) return;
    const steps = Math.min(idx - this.head, this.packets.length);
    for (let k = 1; k <= steps; k++) {
      const i = (idx - steps + k) % this.packets.length;
      this.packets[i] = 0;
      this.bits[i] = 0;
    }
    this.head = idx;
  }
}
