/**
 * An adaptive jitter buffer that owns decoding and concealment, sans-IO: `put(packet, now)` for
 * each RTP packet, `pull(out, now)` once per PCM period fills `out` with the audio to play.
 *
 * Target. The DelayEstimator gives a high quantile (default 0.99) of relative arrival delay:
 * how much later than the fastest recent packets a packet comes. The target *lead* is that
 * quantile: a packet must be fed to the decoder no earlier than `reference + its media time +
 * lead`, so that packets up to that late are still played.
 *
 * Control. Packets are fed lazily, at the pull whose output needs their first sample (after the
 * PLC's 3.75 ms delay), so their real deadlines fall on the pull grid: the lead can only change
 * in steps of gcd(packet, pull) samples. The buffer
 * - expands (inserts one pitch period) while the lead is below the target;
 * - compresses (removes one pitch period) whenever that keeps the lead at or above the target,
 *   which trims the delay inside a grid step and drops whole steps the target no longer needs;
 * - stretches only where the signal repeats (normalised correlation ≥ 0.9) or is quiet, like
 *   NetEq; far above target (after a spike) it compresses up to half a pull per pull with a 0.5
 *   gate, and beyond `dropAboveMs` drops whole packets.
 * Loss. A packet missing at its deadline is concealed (G.711 Appendix I PLC) without moving the
 * playout point: if it turns up during that pull it is still played (the delay grew by one
 * step); if later packets are waiting by then, the concealment stands for it and play goes on.
 * With nothing at all buffered it keeps concealing (fading to silence) and waits, so a delay
 * spike loses no packets; the excess is compressed away afterwards, and the spike's packets are
 * kept out of the delay statistics. After a silence, a new talkspurt starts once its first
 * packet has the target lead.
 * Streams. Reordering, duplicates, 16-bit sequence and 32-bit timestamp wrap, SSRC change
 * (restart), sender timeline jumps (two packets agreeing; a lone straggler is just late) and
 * clock drift (the minimum-delay reference follows it) are handled.
 */
import { IllegalTransitionError, LocalError } from '../../core/errors.js';
import type { AudioCodec } from '../codecs.js';
import { PCMU } from '../codecs.js';
import type { RtpPacket } from '../rtp-packet.js';
import { DelayEstimator } from './delay-estimator.js';
import { DelayStats, emptyCounters } from './jitter-stats.js';
import type { AdaptiveJitterCounters, AdaptiveJitterReport } from './jitter-stats.js';
import { resolveJitterOptions } from './jitter-options.js';
import type { AdaptiveJitterBufferOptions, PullResult, ResolvedJitterOptions } from './jitter-options.js';
import { PacketStore } from './packet-store.js';
import type { StoredPacket } from './packet-store.js';
import { PLC_DELAY, PlayoutAudio } from './playout-audio.js';
import { StreamTracker } from './stream-tracker.js';
import { DEFAULT_STRETCH, findLag, stretchSpan } from './time-stretch.js';
import type { LagChoice, StretchOptions } from './time-stretch.js';

export type AdaptiveJitterState = 'idle' | 'buffering' | 'playing';
type Event = 'packet' | 'start' | 'restart' | 'stop' | 'reset';

const TRANSITIONS: Record<AdaptiveJitterState, Partial<Record<Event, AdaptiveJitterState>>> = {
  idle: { packet: 'buffering', restart: 'buffering', reset: 'idle' },
  buffering: { start: 'playing', restart: 'buffering', stop: 'idle', reset: 'idle' },
  playing: { restart: 'buffering', stop: 'idle', reset: 'idle' },
};

const MAX_PACKET_SAMPLES = 960;
const JUMP_AGREEMENT_MS = 200;
const FAST_GATE = 0.5;

export class AdaptiveJitterBuffer {
  readonly clockRate: number;
  readonly counters: AdaptiveJitterCounters = emptyCounters();
  /** Buffering delay (arrival → playout) of played packets. */
  readonly delays = new DelayStats();
  private codec: AudioCodec;
  private current: AdaptiveJitterState = 'idle';
  private readonly o: ResolvedJitterOptions;
  private readonly onPlayed: ((ts: number, at: number) => void) | undefined;
  private readonly estimator: DelayEstimator;
  private readonly store: PacketStore;
  private readonly stream = new StreamTracker();
  private readonly audio = new PlayoutAudio(8192, DEFAULT_STRETCH.maxLag);
  private readonly lag: LagChoice = { lag: 0, corr: 0, quiet: false };
  private readonly limits: StretchOptions = { ...DEFAULT_STRETCH };
  private readonly result: PullResult = { kind: 'silence', timestamp: -1 };
  /** Extended timestamp of the next sample to feed into the PLC (valid while playing). */
  private nextTs = 0;
  private positioned = false;
  /** Concealed samples standing in for media from `nextTs` on. */
  private held = 0;
  /** Span of the last packet, samples: the unit of concealment. */
  private lastSpan = 160;
  /** When the current underrun (nothing at all to play) began, ms; -1 if none. */
  private underrunSince = -1;
  /** Arrival offset of a packet that may have started a sender timeline jump. */
  private jumpOffset: number | undefined;

  constructor(options: AdaptiveJitterBufferOptions = {}) {
    this.codec = options.codec ?? PCMU;
    this.clockRate = this.codec.clockRate;
    if (this.clockRate !== 8000) throw new LocalError('jitter-clock-rate', `the PLC runs at 8 kHz, codec ${this.codec.name} is ${this.clockRate} Hz`);
    this.o = resolveJitterOptions(options);
    this.onPlayed = options.onPlayed;
    this.estimator = new DelayEstimator(options);
    this.store = new PacketStore(this.o.maxPackets);
  }

  get state(): AdaptiveJitterState {
    return this.current;
  }

  /** Packets waiting. */
  get size(): number {
    return this.store.size;
  }

  /** The lead aimed at, ms: how late after the fastest packets a packet may come and still play. */
  get targetLeadMs(): number {
    const q = this.estimator.count < 10 ? this.o.initialDelayMs - this.o.marginMs : this.estimator.quantileMs();
    return Math.min(this.o.maxDelayMs, Math.max(this.o.minDelayMs, q + this.o.marginMs));
  }

  /** The playout delay aimed at, relative to the fastest packets, ms (target lead + PLC delay). */
  get targetDelayMs(): number {
    return this.targetLeadMs + this.toMs(PLC_DELAY);
  }

  /** Switch decoder (same clock rate). */
  setCodec(codec: AudioCodec): void {
    if (codec.clockRate !== this.clockRate) throw new LocalError('jitter-clock-rate', `codec ${codec.name} is ${codec.clockRate} Hz`);
    this.codec = codec;
  }

  put(p: RtpPacket, now: number): void {
    const c = this.counters;
    c.received++;
    if (this.stream.isNewSource(p.ssrc)) this.restart(true);
    this.stream.follow(p.ssrc);
    const ext = this.stream.unwrap(p.timestamp);
    if (this.stream.isDuplicate(p.sequence)) {
      c.duplicate++;
      return;
    }
    const mediaMs = this.toMs(ext);
    // A packet off the usual arrival offset by more than resyncMs is a straggler or the first
    // of a sender timeline jump; two in a row agreeing on the new offset confirm a jump.
    let outlier = false;
    const offset = now - mediaMs;
    if (this.estimator.primed && Math.abs(offset - this.estimator.reference) > this.o.resyncMs) {
      if (this.jumpOffset !== undefined && Math.abs(offset - this.jumpOffset) < JUMP_AGREEMENT_MS) {
        this.restart(false);
      } else {
        this.jumpOffset = offset;
        outlier = true;
        if (offset < this.estimator.reference) {
          c.discarded++; // from far in the future: nowhere to put it yet
          return;
        }
      }
    } else {
      this.jumpOffset = undefined;
    }
    const pkt = this.store.acquire(Math.min(p.payload.length, MAX_PACKET_SAMPLES));
    const span = this.codec.decode(p.payload.subarray(0, MAX_PACKET_SAMPLES), pkt.pcm);
    if (span === 0) {
      this.store.release(pkt);
      return;
    }
    this.stream.markSeen(p.sequence);
    if (this.positioned && ext + span <= this.nextTs) {
      this.store.release(pkt);
      c.late++;
      if (!outlier) this.estimator.update(now, mediaMs); // it still tells how late packets come
      return;
    }
    pkt.ts = ext;
    pkt.rtpTs = p.timestamp >>> 0;
    pkt.span = span;
    pkt.arrival = now;
    pkt.marker = p.marker;
    if (!this.store.insert(pkt)) {
      c.duplicate++;
      return;
    }
    if (this.underrunSince >= 0 && now - this.underrunSince >= this.o.spikeUnderrunMs) this.estimator.markSpike(now, mediaMs);
    this.estimator.update(now, mediaMs);
    if (this.store.size > this.o.maxPackets) {
      this.release(this.store.shift());
      c.overflow++;
    }
    if (this.current === 'idle') this.transition('packet');
  }

  /** Fill `out` with the audio for this period (silence when idle or buffering). */
  pull(out: Int16Array, now: number): PullResult {
    const r = this.result;
    r.kind = 'silence';
    r.timestamp = -1;
    if ((this.current === 'buffering' && !this.tryStart(now)) || this.current === 'idle') {
      out.fill(0);
      return r;
    }
    const c = this.counters;
    const n = out.length;
    const concealed = c.concealedSamples;
    if (this.store.size === 0 && this.audio.length < n) c.underruns++;
    while (this.audio.length < n) this.feed(now, true);
    r.kind = c.concealedSamples > concealed ? 'conceal' : 'normal';
    this.adjust(now, n, r);
    r.timestamp = (this.nextTs - PLC_DELAY - this.audio.length) >>> 0;
    this.audio.take(out);
    c.outputSamples += n;
    if (this.held >= (this.o.idleAfterMs * this.clockRate) / 1000 && this.store.size === 0) {
      this.transition('stop'); // the far end went quiet: start afresh with the next packet
      this.positioned = false;
      this.held = 0;
      this.underrunSince = -1;
      this.audio.clear();
    }
    return r;
  }

  /** Counters plus derived figures. */
  report(): AdaptiveJitterReport {
    const c = this.counters;
    const out = c.outputSamples || 1;
    return {
      ...c,
      meanDelayMs: this.delays.mean(),
      p95DelayMs: this.delays.quantile(0.95),
      lateLossRatio: c.late / Math.max(1, c.received - c.duplicate),
      concealedRatio: c.concealedSamples / out,
      acceleratedRatio: c.acceleratedSamples / out,
      expandedRatio: c.expandedSamples / out,
      targetDelayMs: this.targetDelayMs,
    };
  }

  /** Delay of the next sample to be played relative to the fastest packets, ms (NaN if not playing). */
  currentDelayMs(now: number): number {
    if (!this.positioned) return NaN;
    return now - this.estimator.reference - this.toMs(this.nextTs - PLC_DELAY - this.audio.length);
  }

  /** Forget the stream (new call or new remote). Counters are kept. */
  reset(): void {
    this.transition('reset');
    this.clearStream();
    this.audio.reset();
    this.estimator.reset();
    this.stream.reset();
  }

  private tryStart(now: number): boolean {
    const h = this.store.head();
    if (!h || now - this.estimator.reference - this.toMs(h.ts) < this.targetLeadMs) return false;
    this.transition('start');
    this.nextTs = h.ts;
    this.positioned = true;
    this.held = 0;
    return true;
  }

  /** Feed the next packet, or when `mustProduce` concealment, into the audio queue. */
  private feed(now: number, mustProduce: boolean): boolean {
    for (;;) {
      const h = this.store.head();
      if (h && h.ts + h.span <= this.nextTs) {
        this.release(this.store.shift()); // overtaken by concealment or a drop
        this.counters.late++;
        continue;
      }
      if (h && h.ts <= this.nextTs) {
        this.consume(h, now);
        return true;
      }
      if (!mustProduce) return false;
      if (h && this.held > 0) {
        // The packet at nextTs did not come while we concealed in its place: go on with the
        // waiting one if the concealment covered the gap or if it already has the target lead,
        // else let the concealment stand for what it covered and conceal on.
        // A marker bit starts a talkspurt: the gap before it was silence, not loss.
        const lead = now - this.estimator.reference - this.toMs(h.ts);
        if (h.ts - this.nextTs <= this.held || lead >= this.targetLeadMs) {
          this.skipTo(h.ts, !h.marker);
          continue;
        }
        this.skipTo(this.nextTs + this.held, !h.marker);
      }
      if (!h && this.underrunSince < 0) this.underrunSince = now;
      const made = this.audio.conceal(this.lastSpan);
      this.held += made;
      this.counters.concealedSamples += made;
      return true;
    }
  }

  private consume(h: StoredPacket, now: number): void {
    this.store.shift();
    const skip = this.nextTs - h.ts; // > 0 only if the packet overlaps what was already played
    const playAt = now + this.toMs(this.audio.length + PLC_DELAY);
    this.delays.add(playAt - h.arrival);
    this.onPlayed?.(h.rtpTs, playAt);
    this.counters.played++;
    this.audio.good(h.pcm.subarray(skip, h.span));
    this.nextTs = h.ts + h.span;
    this.lastSpan = h.span;
    this.held = 0;
    this.underrunSince = -1;
    this.store.release(h);
  }

  /** Move the playout point forward to `ts`, counting what is skipped as lost if `loss`. */
  private skipTo(ts: number, loss: boolean): void {
    if (ts <= this.nextTs) return;
    if (loss) this.counters.lost += Math.max(1, Math.round((ts - this.nextTs) / this.lastSpan));
    this.nextTs = ts;
    this.held = 0;
  }

  /**
   * The smallest lead among the packets still to be fed, with `queued` samples queued before a
   * pull of `n`. A packet at media position x past nextTs is fed at the pull whose output needs
   * its first sample; its lead is `pull time − reference − media time`. Over the coming packets
   * the worst case is that of a packet starting g − 1 samples before a pull boundary, where g is
   * gcd(packet span, n): only whole steps of g samples change it.
   */
  private leadMs(now: number, n: number, queued: number): number {
    const g = gcd(this.lastSpan, n);
    const base = now - this.estimator.reference - this.toMs(this.nextTs);
    return base + this.toMs(queued - (n - g) - (queued % g));
  }

  /** Time-stretch towards the target lead (see the header). Not during concealment. */
  private adjust(now: number, n: number, r: PullResult): void {
    if (this.held > 0) return;
    const o = this.o;
    const want = this.targetLeadMs;
    if (this.leadMs(now, n, this.audio.length) - want > o.dropAboveMs) this.dropExcess(now, n, want);
    const span = stretchSpan();
    if (this.leadMs(now, n, this.audio.length) < want) {
      while (this.audio.length < span && this.feed(now, false));
      const v = this.audio.view();
      const choice = findLag(v.subarray(0, Math.min(v.length, span)), DEFAULT_STRETCH, this.lag);
      if (choice.lag === 0 || !(choice.corr >= o.stretchCorrelation || choice.quiet)) return;
      this.audio.repeat(choice.lag);
      this.counters.expandedSamples += choice.lag;
      r.kind = 'expand';
      return;
    }
    const fast = this.leadMs(now, n, this.audio.length) - want > o.fastAccelerateAboveMs;
    const gate = fast ? FAST_GATE : o.stretchCorrelation;
    let removed = 0;
    do {
      while (this.audio.length < n + span && this.feed(now, false));
      if (this.held > 0) return;
      const q = this.audio.length;
      // What can go while the lead stays at the target: the part of the current grid step,
      // plus whole steps above the target (less the hysteresis).
      const g = gcd(this.lastSpan, n);
      const steps = Math.max(0, Math.floor((this.leadMs(now, n, q) - want - o.hysteresisMs) / this.toMs(g)));
      const room = (q % g) + steps * g;
      if (room < DEFAULT_STRETCH.minLag) return;
      this.limits.maxLag = Math.min(DEFAULT_STRETCH.maxLag, room);
      const v = this.audio.view();
      const choice = findLag(v.subarray(0, Math.min(q - n, span)), this.limits, this.lag);
      if (choice.lag === 0 || !(choice.corr >= gate || choice.quiet)) return;
      this.audio.merge(choice.lag);
      this.counters.acceleratedSamples += choice.lag;
      removed += choice.lag;
      r.kind = 'accelerate';
    } while (fast && removed < n / 2);
  }

  /** Far too much delay (after a very long spike): drop waiting packets down towards the target. */
  private dropExcess(now: number, n: number, want: number): void {
    for (;;) {
      const h = this.store.head();
      if (!h || this.store.size < 2) return;
      if (this.leadMs(now, n, this.audio.length) - this.toMs(h.span) - want < this.o.fastAccelerateAboveMs) return;
      this.store.shift();
      if (h.ts > this.nextTs) this.counters.lost += Math.round((h.ts - this.nextTs) / h.span);
      this.nextTs = h.ts + h.span;
      this.release(h);
      this.counters.discarded++;
    }
  }

  private release(p: StoredPacket | undefined): void {
    if (p) this.store.release(p);
  }

  /** New stream (SSRC change) or sender timeline jump: buffer again from scratch. */
  private restart(newStream: boolean): void {
    this.counters.resyncs++;
    this.transition('restart');
    this.clearStream();
    this.estimator.resetReference();
    if (newStream) this.audio.reset();
    else this.stream.clearSeen();
  }

  private clearStream(): void {
    this.underrunSince = -1;
    this.jumpOffset = undefined;
    this.store.clear();
    this.audio.clear();
    this.positioned = false;
    this.held = 0;
  }

  private toMs(samples: number): number {
    return (samples * 1000) / this.clockRate;
  }

  private transition(event: Event): void {
    const next = TRANSITIONS[this.current][event];
    if (next === undefined) throw new IllegalTransitionError('AdaptiveJitterBuffer', this.current, event);
    this.current = next;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
