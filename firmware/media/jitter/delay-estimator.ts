/**
 * Network delay statistics for an adaptive jitter buffer, in the manner of NetEq's DelayManager:
 * - the reference is the smallest (arrival − timestamp) offset seen over a sliding window
 *   (default 4 s), i.e. the path's current minimum delay; following it also tracks clock drift;
 * - each packet's relative delay (how much later than the fastest packet it came) goes into a
 *   histogram whose old entries fade by a forget factor per packet;
 * - the target is a high quantile of that histogram.
 * Delay spikes (nothing arrives for a while, then a burst) would inflate the quantile for
 * seconds; the packets of a detected spike are kept out of the histogram (the buffer rides the
 * spike out by concealing, then catches up by time compression). A spike starts with an arrival
 * gap ended by a very late packet, a run of very late arrivals (a lone straggler is just
 * counted), or a signal from the buffer (`markSpike`) when a long underrun ends; while it lasts
 * (until no late packet came for 200 ms, at most 1 s) late arrivals are left out, the others
 * counted. No new spike starts within 3 s of the last: that is a real change in the network.
 */

import { DecayingHistogram } from './decaying-histogram.js';

export interface DelayEstimatorOptions {
  /** Quantile of relative delay to cover (default 0.99). */
  quantile?: number;
  /** Weight kept by the old histogram per packet (default 0.996: a memory of ~250 packets). */
  forgetFactor?: number;
  /** Histogram bin, ms (default 1). */
  binMs?: number;
  /** Largest relative delay tracked, ms (default 1000). */
  histogramMaxMs?: number;
  /** Sliding window for the minimum-delay reference, ms (default 4000). */
  referenceWindowMs?: number;
  /** An arrival gap at least this long (ms) that ends with a late packet starts a spike (default 100). */
  spikeGapMs?: number;
  /** …if that packet's relative delay exceeds the quantile by this much, ms (default 60). */
  spikeExcessMs?: number;
  /** So many such late arrivals within 100 ms also start a spike (default 3). */
  spikeRun?: number;
  /** A spike longer than this (in media time, ms) is a real change, not a spike (default 1000). */
  spikeMaxMs?: number;
}

const REF_SLOTS = 1024;
/** A spike window closes when no late arrival came for this long, ms. */
const SPIKE_QUIET_MS = 200;
/** No new spike within this long after one ended: a quick succession is a real change, ms. */
const SPIKE_COOLDOWN_MS = 3000;
/** Very late arrivals this close together form a run, ms. */
const SPIKE_RUN_WINDOW_MS = 100;

export class DelayEstimator {
  readonly quantile: number;
  readonly forgetFactor: number;
  readonly binMs: number;
  private readonly hist: DecayingHistogram;
  private readonly windowMs: number;
  private readonly spikeGapMs: number;
  private readonly spikeExcessMs: number;
  private readonly spikeMaxMs: number;
  private samples = 0;
  // Monotonic deque of (arrival, offset) for the sliding minimum.
  private readonly refArrival = new Float64Array(REF_SLOTS);
  private readonly refOffset = new Float64Array(REF_SLOTS);
  private refHead = 0;
  private refCount = 0;
  private lastArrival = -Infinity;
  private inSpike = false;
  private spikeStartMs = 0;
  private cachedQuantile = 0;
  private readonly spikeRun: number;
  /** Very late arrivals (relative delay, arrival time) not yet known to be part of a spike. */
  private readonly pendingRel = new Float64Array(8);
  private readonly pendingAt = new Float64Array(8);
  private pendingCount = 0;
  private lastExcessive = -Infinity;
  private spikeEndedAt = -Infinity;
  /** Packets kept out of the histogram as parts of spikes. */
  spikePackets = 0;
  /** Spikes detected. */
  spikes = 0;

  constructor(o: DelayEstimatorOptions = {}) {
    this.quantile = o.quantile ?? 0.99;
    this.forgetFactor = o.forgetFactor ?? 0.996;
    this.binMs = o.binMs ?? 1;
    const max = o.histogramMaxMs ?? 1000;
    this.hist = new DecayingHistogram(this.forgetFactor, this.binMs, max);
    this.windowMs = o.referenceWindowMs ?? 4000;
    this.spikeGapMs = o.spikeGapMs ?? 100;
    this.spikeExcessMs = o.spikeExcessMs ?? 60;
    this.spikeMaxMs = o.spikeMaxMs ?? 1000;
    this.spikeRun = Math.min(this.pendingRel.length, Math.max(1, o.spikeRun ?? 3));
    if (!(this.quantile > 0 && this.quantile < 1) || !(this.forgetFactor > 0 && this.forgetFactor < 1)) {
      throw new RangeError('DelayEstimator: quantile and forgetFactor must be in (0, 1)');
    }
  }

  /** Whether any packet has been seen since the last reset of the reference. */
  get primed(): boolean {
    return this.refCount > 0;
  }

  /** The minimum (arrival − media time) offset over the window, ms. */
  get reference(): number {
    return this.refCount > 0 ? this.refOffset[this.refHead] : 0;
  }

  /** Packets that went into the histogram. */
  get count(): number {
    return this.samples;
  }

  get spiking(): boolean {
    return this.inSpike;
  }

  /** The target quantile of relative delay, ms (0 before any packet). */
  quantileMs(): number {
    return this.cachedQuantile;
  }

  /** Any quantile of relative delay, ms. */
  quantileAt(q: number): number {
    return this.hist.quantile(q);
  }

  /**
   * Account one packet: arrival time and media time (timestamp / clock rate) in ms. Arrivals
   * must be given in time order. Returns its relative delay, ms.
   */
  update(arrivalMs: number, mediaMs: number): number {
    const offset = arrivalMs - mediaMs;
    this.pushReference(arrivalMs, offset);
    const rel = offset - this.reference;
    const gap = arrivalMs - this.lastArrival;
    this.lastArrival = arrivalMs;
    const excessive = this.samples >= 20 && rel > this.cachedQuantile + this.spikeExcessMs;
    if (this.inSpike && (arrivalMs - this.lastExcessive > SPIKE_QUIET_MS || mediaMs - this.spikeStartMs > this.spikeMaxMs)) {
      this.inSpike = false;
      this.spikeEndedAt = arrivalMs;
    }
    this.agePending(arrivalMs);
    const mayStart = arrivalMs - this.spikeEndedAt >= SPIKE_COOLDOWN_MS; // spikes in a row are a real change
    if (!this.inSpike && mayStart && excessive && (gap >= this.spikeGapMs || this.pendingCount + 1 >= this.spikeRun)) {
      this.startSpike(arrivalMs, mediaMs);
      this.spikePackets += this.pendingCount; // the run that revealed it
      this.pendingCount = 0;
    }
    if (this.inSpike) {
      // Inside a spike window: late arrivals belong to the spike, the others count as usual.
      if (rel > this.cachedQuantile) {
        this.spikePackets++;
        this.lastExcessive = arrivalMs;
        return rel;
      }
      this.addSample(rel);
      return rel;
    }
    if (excessive && mayStart) {
      // Maybe the start of a spike: hold it back until the run decides.
      this.pendingRel[this.pendingCount] = rel;
      this.pendingAt[this.pendingCount++] = arrivalMs;
      return rel;
    }
    this.addSample(rel);
    return rel;
  }

  /** Very late arrivals older than the run window were stragglers: count them after all. */
  private agePending(arrivalMs: number): void {
    let kept = 0;
    for (let i = 0; i < this.pendingCount; i++) {
      if (arrivalMs - this.pendingAt[i] > SPIKE_RUN_WINDOW_MS) this.addSample(this.pendingRel[i]);
      else {
        this.pendingRel[kept] = this.pendingRel[i];
        this.pendingAt[kept++] = this.pendingAt[i];
      }
    }
    this.pendingCount = kept;
  }

  /**
   * The caller saw the signature of a spike (a long underrun ended by this arrival): keep this
   * and the following packets out of the histogram while they are far above the quantile.
   */
  markSpike(arrivalMs: number, mediaMs: number): void {
    if (this.inSpike || this.samples < 20 || arrivalMs - this.spikeEndedAt < SPIKE_COOLDOWN_MS) return;
    this.startSpike(arrivalMs, mediaMs);
  }

  private startSpike(arrivalMs: number, mediaMs: number): void {
    this.lastExcessive = arrivalMs;
    this.inSpike = true;
    this.spikeStartMs = mediaMs;
    this.spikes++;
  }

  /** The sender's timeline jumped: forget the reference (keep the delay histogram). */
  resetReference(): void {
    this.pendingCount = 0;
    this.refHead = this.refCount = 0;
    this.lastArrival = -Infinity;
    this.inSpike = false;
    this.spikeEndedAt = -Infinity;
  }

  /** Forget everything. */
  reset(): void {
    this.resetReference();
    this.hist.reset();
    this.samples = 0;
    this.cachedQuantile = 0;
  }

  private addSample(rel: number): void {
    this.hist.add(rel);
    this.samples++;
    this.cachedQuantile = this.hist.quantile(this.quantile);
  }


  private pushReference(arrival: number, offset: number): void {
    // Drop entries that left the window, then larger offsets from the back.
    while (this.refCount > 0 && this.refArrival[this.refHead] < arrival - this.windowMs) {
      this.refHead = (this.refHead + 1) % REF_SLOTS;
      this.refCount--;
    }
    while (this.refCount > 0) {
      const back = (this.refHead + this.refCount - 1) % REF_SLOTS;
      if (this.refOffset[back] < offset) break;
      this.refCount--;
    }
    if (this.refCount === REF_SLOTS) {
      this.refHead = (this.refHead + 1) % REF_SLOTS;
      this.refCount--;
    }
    const at = (this.refHead + this.refCount) % REF_SLOTS;
    this.refArrival[at] = arrival;
    this.refOffset[at] = offset;
    this.refCount++;
  }
}
