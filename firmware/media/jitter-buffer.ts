/**
 * A fixed-delay jitter buffer, sans-IO. `put` stores RTP packets with their arrival time; `get`
 * is called once per playout period and returns the frame due now.
 *
 * Playout is driven by RTP timestamps: a stream (or talkspurt) starts `delayMs` after its first
 * packet arrived, at the earliest buffered timestamp, and then advances `frameSamples` per `get`.
 * - reordering: packets are kept sorted by timestamp (32-bit wrap-safe);
 * - duplicates (same sequence number seen recently, or same timestamp buffered) are dropped;
 * - late packets (timestamp before the playout point) are dropped and counted;
 * - a new SSRC, or a timestamp jump back of more than `resyncMs`, restarts buffering;
 * - a marker bit (start of talkspurt) on a packet that follows a gap restarts buffering at it,
 *   and so does a forward gap of `gapMs` or more;
 * - a buffer that has run dry for `gapMs` goes idle.
 * `get` returns `empty` when idle or buffering (play silence), `missing` for a frame lost inside a
 * running stream (a concealment hook), or `audio`.
 * The buffer assumes one packet per playout frame (`frameSamples` of timestamp per packet).
 */
import { IllegalTransitionError } from '../core/errors.js';
import type { RtpPacket } from './rtp-packet.js';
import { tsDiff } from './rtp-packet.js';

export type JitterOutput =
  | { kind: 'audio'; payloadType: number; payload: Uint8Array; timestamp: number }
  | { kind: 'missing'; timestamp: number }
  | { kind: 'empty' };

export interface JitterBufferOptions {
  /** Timestamp units per packet and per `get` (default 160 = 20 ms at 8 kHz). */
  frameSamples?: number;
  /** Buffering delay before a stream or talkspurt starts to play, ms (default 60). */
  delayMs?: number;
  /** Capacity; the oldest packet is dropped beyond it (default 50). */
  maxPackets?: number;
  /** RTP clock rate (default 8000). */
  clockRate?: number;
  /** Run-dry time after which the stream is considered stopped, ms (default 200). */
  gapMs?: number;
  /** A timestamp jump back larger than this restarts the stream, ms (default 2000). */
  resyncMs?: number;
}

export interface JitterStats {
  /** Packets given to `put`. */
  received: number;
  /** Dropped because their playout time had passed. */
  late: number;
  /** Dropped as copies of a packet already seen. */
  duplicate: number;
  /** Frames reported `missing` (not there at playout time). */
  lost: number;
  /** Dropped because the buffer was full. */
  overflow: number;
  /** Times buffering restarted (new SSRC, marker after a gap, timestamp jump). */
  resyncs: number;
}

export type JitterState = 'idle' | 'buffering' | 'playing';
type JitterEvent = 'packet' | 'start' | 'talkspurt' | 'gap' | 'new-stream' | 'reset';

const TRANSITIONS: Record<JitterState, Partial<Record<JitterEvent, JitterState>>> = {
  idle: { packet: 'buffering', 'new-stream': 'buffering', reset: 'idle' },
  buffering: { start: 'playing', 'new-stream': 'buffering', reset: 'idle' },
  playing: { talkspurt: 'buffering', gap: 'idle', 'new-stream': 'buffering', reset: 'idle' },
};

const SEEN_SLOTS = 128;
const EMPTY: JitterOutput = Object.freeze({ kind: 'empty' });

export class JitterBuffer {
  readonly frameSamples: number;
  readonly delayMs: number;
  readonly maxPackets: number;
  readonly clockRate: number;
  readonly stats: JitterStats = { received: 0, late: 0, duplicate: 0, lost: 0, overflow: 0, resyncs: 0 };

  private current: JitterState = 'idle';
  private readonly gapSamples: number;
  private readonly resyncSamples: number;
  // Buffered packets sorted by timestamp, with arrival times and talkspurt flags.
  private readonly packets: (RtpPacket | undefined)[];
  private readonly arrivals: Float64Array;
  private readonly spurts: Uint8Array;
  private count = 0;
  /** Sequence numbers (+1) seen recently, for duplicate detection. */
  private readonly seen = new Int32Array(SEEN_SLOTS);
  private ssrc: number | undefined;
  /** Next timestamp to play; valid once `positioned`. */
  private playTs = 0;
  private positioned = false;
  private startAt = 0;
  private missingRun = 0;

  constructor(o: JitterBufferOptions = {}) {
    this.frameSamples = o.frameSamples ?? 160;
    this.delayMs = o.delayMs ?? 60;
    this.maxPackets = o.maxPackets ?? 50;
    this.clockRate = o.clockRate ?? 8000;
    this.gapSamples = Math.max(this.frameSamples, Math.round(((o.gapMs ?? 200) * this.clockRate) / 1000));
    this.resyncSamples = Math.round(((o.resyncMs ?? 2000) * this.clockRate) / 1000);
    if (!(this.frameSamples > 0) || !(this.maxPackets > 0) || !(this.delayMs >= 0)) {
      throw new RangeError('JitterBuffer: frameSamples and maxPackets must be > 0, delayMs >= 0');
    }
    this.packets = new Array<RtpPacket | undefined>(this.maxPackets + 1).fill(undefined);
    this.arrivals = new Float64Array(this.maxPackets + 1);
    this.spurts = new Uint8Array(this.maxPackets + 1);
  }

  get state(): JitterState {
    return this.current;
  }

  /** Packets currently buffered. */
  get size(): number {
    return this.count;
  }

  put(p: RtpPacket, now: number): void {
    this.stats.received++;
    if (this.ssrc !== undefined && p.ssrc !== this.ssrc) {
      this.newStream(p, now);
      return;
    }
    const slot = p.sequence & (SEEN_SLOTS - 1);
    if (this.seen[slot] === p.sequence + 1) {
      this.stats.duplicate++;
      return;
    }
    if (this.positioned) {
      const d = tsDiff(p.timestamp, this.playTs);
      if (d < -this.resyncSamples) {
        this.newStream(p, now); // the sender restarted its timestamps
        return;
      }
      if (d < 0) {
        this.seen[slot] = p.sequence + 1;
        this.stats.late++;
        return;
      }
    }
    if (!this.insert(p, now)) {
      this.stats.duplicate++;
      return;
    }
    this.seen[slot] = p.sequence + 1;
    this.ssrc = p.ssrc;
    if (this.current === 'idle') {
      this.transition('packet');
      this.startAt = now + this.delayMs;
    }
  }

  get(now: number): JitterOutput {
    if (this.current === 'idle') return EMPTY;
    if (this.current === 'buffering') {
      if (now < this.startAt || this.count === 0) return EMPTY;
      this.transition('start');
      this.playTs = (this.packets[0] as RtpPacket).timestamp;
      this.spurts[0] = 0;
      this.positioned = true;
      this.missingRun = 0;
    }
    return this.playout(now);
  }

  /** Forget everything (call on a new call or a changed remote). Stats are kept. */
  reset(): void {
    this.transition('reset');
    this.clear();
    this.ssrc = undefined;
  }

  private playout(now: number): JitterOutput {
    // Drop packets that lie entirely before the playout point (misaligned stragglers).
    while (this.count > 0 && tsDiff((this.packets[0] as RtpPacket).timestamp + this.frameSamples, this.playTs) <= 0) {
      this.removeHead();
      this.stats.late++;
    }
    if (this.count > 0) {
      const head = this.packets[0] as RtpPacket;
      const ahead = tsDiff(head.timestamp, this.playTs);
      if (ahead < this.frameSamples) {
        this.removeHead();
        this.playTs = (head.timestamp + this.frameSamples) >>> 0;
        this.missingRun = 0;
        return { kind: 'audio', payloadType: head.payloadType, payload: head.payload, timestamp: head.timestamp };
      }
      if (this.spurts[0] || ahead >= this.gapSamples) {
        // A new talkspurt (or the stream resumed after a long gap): buffer again from its start.
        this.transition('talkspurt');
        this.stats.resyncs++;
        this.startAt = this.arrivals[0] as number + this.delayMs;
        return this.get(now);
      }
    }
    const timestamp = this.playTs;
    this.playTs = (this.playTs + this.frameSamples) >>> 0;
    this.stats.lost++;
    this.missingRun += this.frameSamples;
    if (this.count === 0 && this.missingRun >= this.gapSamples) this.transition('gap');
    return { kind: 'missing', timestamp };
  }

  private newStream(p: RtpPacket, now: number): void {
    this.transition('new-stream');
    this.stats.resyncs++;
    this.clear();
    this.ssrc = p.ssrc;
    this.insert(p, now);
    this.seen[p.sequence & (SEEN_SLOTS - 1)] = p.sequence + 1;
    this.startAt = now + this.delayMs;
  }

  /** Insert sorted by timestamp; false if a packet with this timestamp is already buffered. */
  private insert(p: RtpPacket, now: number): boolean {
    let i = this.count;
    while (i > 0) {
      const d = tsDiff(p.timestamp, (this.packets[i - 1] as RtpPacket).timestamp);
      if (d === 0) return false;
      if (d > 0) break;
      i--;
    }
    for (let j = this.count; j > i; j--) {
      this.packets[j] = this.packets[j - 1];
      this.arrivals[j] = this.arrivals[j - 1] as number;
      this.spurts[j] = this.spurts[j - 1] as number;
    }
    this.packets[i] = p;
    this.arrivals[i] = now;
    this.spurts[i] = p.marker && this.current === 'playing' ? 1 : 0;
    this.count++;
    if (this.count > this.maxPackets) {
      this.removeHead();
      this.stats.overflow++;
      if (this.positioned && this.current === 'playing') {
        const head = this.packets[0] as RtpPacket;
        if (tsDiff(head.timestamp, this.playTs) > 0) this.playTs = head.timestamp; // catch up
      }
    }
    return true;
  }

  private removeHead(): void {
    for (let j = 1; j < this.count; j++) {
      this.packets[j - 1] = this.packets[j];
      this.arrivals[j - 1] = this.arrivals[j] as number;
      this.spurts[j - 1] = this.spurts[j] as number;
    }
    this.count--;
    this.packets[this.count] = undefined;
  }

  private clear(): void {
    for (let j = 0; j < this.count; j++) this.packets[j] = undefined;
    this.count = 0;
    this.seen.fill(0);
    this.positioned = false;
    this.missingRun = 0;
  }

  private transition(event: JitterEvent): void {
    const next = TRANSITIONS[this.current][event];
    if (next === undefined) throw new IllegalTransitionError('JitterBuffer', this.current, event);
    this.current = next;
  }
}
