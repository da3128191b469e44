/**
 * Media guard for one call's RTP (sans-IO): compares the traffic each way with what the
 * negotiated stream should cost (see media-budget.ts) and raises `media-excess-bitrate` when it
 * stays above `factor` × budget for `sustainMs`; counts packets from unexpected sources (the media
 * path drops them) and raises `media-foreign-source` at most once per interval. Conferences tell
 * it how many streams to expect. Drive `nextDeadline()`/`handleTimeout()` with a Pump.
 */
import { makeAlert } from './alert.js';
import type { AlertSink } from './alert.js';
import { ExcessDetector } from './excess-detector.js';
import type { ExcessState } from './excess-detector.js';
import { mediaBudget, transportOverhead } from './media-budget.js';
import type { MediaBudget, OverheadOptions, StreamShape } from './media-budget.js';

export type MediaDirection = 'inbound' | 'outbound';

export interface MediaGuardOptions {
  /** The negotiated stream (NegotiatedMedia fits). */
  media: StreamShape;
  overhead?: OverheadOptions;
  /** Alarm above this multiple of the budget. Default 2. */
  factor?: number;
  /** …sustained this long. Default 5000 ms. */
  sustainMs?: number;
  /** Rate measurement window and its bucket. Default 1000 / 100 ms. */
  windowMs?: number;
  bucketMs?: number;
  /** Streams expected each way (a conference bridged here carries two). Default 1. */
  streams?: number;
  /** Foreign packets within one interval before an alert. Default 10 per 60 s. */
  foreignAlertThreshold?: number;
  foreignAlertIntervalMs?: number;
  /** Distinct foreign sources remembered. Default 16. */
  maxForeignSources?: number;
  alerts: AlertSink;
  /** Added to alerts, e.g. { line: 1, callId }. */
  context?: Record<string, string | number>;
}

export interface DirectionStats {
  packets: number;
  bytes: number;
  state: ExcessState;
  alarms: number;
}

export interface ForeignSource {
  address: string;
  port: number;
  packets: number;
  bytes: number;
  firstAt: number;
  lastAt: number;
}

export class MediaGuard {
  private budget: MediaBudget;
  private streams: number;
  private readonly overheadBits: number;
  private readonly detectors: Record<MediaDirection, ExcessDetector>;
  private readonly counts: Record<MediaDirection, { packets: number; bytes: number; alarms: number }> = {
    inbound: { packets: 0, bytes: 0, alarms: 0 },
    outbound: { packets: 0, bytes: 0, alarms: 0 },
  };
  private readonly foreign = new Map<string, ForeignSource>();
  private foreignTotal = 0;
  private foreignInInterval = 0;
  private intervalStart: number | undefined;
  private lastForeignAlert: number | undefined;

  constructor(private readonly o: MediaGuardOptions) {
    this.budget = mediaBudget(o.media, o.overhead);
    this.streams = o.streams ?? 1;
    this.overheadBits = transportOverhead(o.overhead) * 8;
    const opts = { factor: o.factor ?? 2, sustainMs: o.sustainMs ?? 5000, windowMs: o.windowMs ?? 1000, bucketMs: o.bucketMs ?? 100 };
    this.detectors = { inbound: new ExcessDetector(this.limits(), opts), outbound: new ExcessDetector(this.limits(), opts) };
  }

  /** The per-stream budget in use. */
  get expected(): MediaBudget {
    return this.budget;
  }

  /** A new negotiated stream (re-INVITE). */
  setMedia(media: StreamShape, now: number): void {
    this.budget = mediaBudget(media, this.o.overhead);
    this.applyLimits(now);
  }

  /** How many streams to expect each way (2 while this line bridges a three-way call). */
  setStreamCount(streams: number, now: number): void {
    this.streams = Math.max(1, streams);
    this.applyLimits(now);
  }

  /** An accepted RTP/RTCP packet (its UDP payload) going `direction`. */
  onPacket(direction: MediaDirection, bytes: number | Uint8Array, now: number): void {
    const n = typeof bytes === 'number' ? bytes : bytes.length;
    const c = this.counts[direction];
    c.packets++;
    c.bytes += n;
    this.detectors[direction].onPacket(n * 8 + this.overheadBits, now);
    this.drain(direction);
  }

  /** A packet the media path dropped because it came from an unexpected address. */
  onForeignPacket(from: { address: string; port: number }, bytes: number | Uint8Array, now: number): void {
    const n = typeof bytes === 'number' ? bytes : bytes.length;
    this.foreignTotal++;
    const key = `${from.address}|${from.port}`;
    let s = this.foreign.get(key);
    if (!s) {
      if (this.foreign.size >= (this.o.maxForeignSources ?? 16)) {
        const oldest = this.foreign.keys().next().value as string;
        this.foreign.delete(oldest);
      }
      s = { address: from.address, port: from.port, packets: 0, bytes: 0, firstAt: now, lastAt: now };
      this.foreign.set(key, s);
    }
    s.packets++;
    s.bytes += n;
    s.lastAt = now;
    const interval = this.o.foreignAlertIntervalMs ?? 60_000;
    if (this.intervalStart === undefined || now - this.intervalStart >= interval) {
      this.intervalStart = now;
      this.foreignInInterval = 0;
    }
    this.foreignInInterval++;
    const due = this.lastForeignAlert === undefined || now - this.lastForeignAlert >= interval;
    if (due && this.foreignInInterval >= (this.o.foreignAlertThreshold ?? 10)) {
      this.lastForeignAlert = now;
      this.o.alerts.emit(
        makeAlert('media-foreign-source', 'warning', `RTP from unexpected source ${from.address}:${from.port}`, {
          ...this.o.context,
          source: `${from.address}:${from.port}`,
          packets: this.foreignInInterval,
          total: this.foreignTotal,
          sources: this.foreign.size,
        }, now),
      );
    }
  }

  nextDeadline(): number | undefined {
    const a = this.detectors.inbound.nextDeadline();
    const b = this.detectors.outbound.nextDeadline();
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  handleTimeout(now: number): void {
    for (const d of ['inbound', 'outbound'] as const) {
      const det = this.detectors[d];
      const due = det.nextDeadline();
      if (due !== undefined && due <= now) det.handleTimeout(now);
      this.drain(d);
    }
  }

  state(direction: MediaDirection): ExcessState {
    return this.detectors[direction].state;
  }

  stats(): Record<MediaDirection, DirectionStats> & { foreign: number } {
    const one = (d: MediaDirection): DirectionStats => ({ ...this.counts[d], state: this.detectors[d].state });
    return { inbound: one('inbound'), outbound: one('outbound'), foreign: this.foreignTotal };
  }

  /** Foreign sources seen, most recent last. */
  foreignSources(): ForeignSource[] {
    return [...this.foreign.values()].map((s) => ({ ...s }));
  }

  private limits() {
    return { packetsPerSecond: this.budget.packetsPerSecond * this.streams, bitsPerSecond: this.budget.bitsPerSecond * this.streams };
  }

  private applyLimits(now: number): void {
    for (const d of ['inbound', 'outbound'] as const) {
      this.detectors[d].setLimits(this.limits(), now);
      this.drain(d);
    }
  }

  private drain(direction: MediaDirection): void {
    const det = this.detectors[direction];
    for (let s = det.poll(); s; s = det.poll()) {
      if (s.type !== 'alarm') continue;
      this.counts[direction].alarms++;
      const limits = this.limits();
      this.o.alerts.emit(
        makeAlert('media-excess-bitrate', 'warning', `${direction} RTP at ${(s.bitsPerSecond / 1000).toFixed(1)} kbit/s, budget ${(limits.bitsPerSecond / 1000).toFixed(1)} kbit/s`, {
          ...this.o.context,
          direction,
          kbps: Math.round(s.bitsPerSecond / 100) / 10,
          pps: Math.round(s.packetsPerSecond * 10) / 10,
          budgetKbps: Math.round(limits.bitsPerSecond / 100) / 10,
          budgetPps: limits.packetsPerSecond,
          streams: this.streams,
          sinceMs: s.at - s.since,
        }, s.at),
      );
    }
  }
}
