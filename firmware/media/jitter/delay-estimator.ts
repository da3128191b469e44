/**
 * Network delay statistics for an adaptive jitter buffer, in the manner of NetEq's DelayManager:
 * - the reference is the smallest (arrival − timestamp) offset seen over a sliding window
 *   (default 4 s), i.e. the path's current minimum delay; following it also tracks clock drift;
 * - each packet's relative delay (how much later than the fastest packet it came) goes into a
 *   histogram whose old entries fade by a forget factor per packet;
 * - the target is a high quantile of that histogram.
 * Delay spikes (nothing arrives for a while, then a burst) would inflate the quantile for
 * seconds; the packets of a detected spike are kept out of the histogram (the buffer rides the
 * spike out by concealing, then catches up by time compression). A spike is detected from an
 * arrival gap ended by a very late packet, or signalled by the buffer (`markSpike`) when a long
 * underrun ends.
 */

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
  /** A spike longer than this (in media time, ms) is a real change, not a spike (default 1000). */
  spikeMaxMs?: number;
}

const REF_SLOTS = 1024;

export class DelayEstimator {
  readonly quantile: number;
  readonly forgetFactor: number;
  readonly binMs: number;
  private readonly hist: Float64Array;
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
  /** Packets kept out of the histogram as parts of spikes. */
  spikePackets = 0;
  /** Spikes detected. */
  spikes = 0;

  constructor(o: DelayEstimatorOptions = {}) {
    this.quantile = o.quantile ?? 0.99;
    this.forgetFactor = o.forgetFactor ?? 0.996;
    this.binMs = o.binMs ?? 1;
    this.hist = new Float64Array(Math.ceil((o.histogramMaxMs ?? 1000) / this.binMs) + 1);
    this.windowMs = o.referenceWindowMs ?? 4000;
    this.spikeGapMs = o.spikeGapMs ?? 100;
    this.spikeExcessMs = o.spikeExcessMs ?? 60;
    this.spikeMaxMs = o.spikeMaxMs ?? 1000;
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
    if (!this.inSpike && this.samples >= 20 && gap >= this.spikeGapMs && rel > this.cachedQuantile + this.spikeExcessMs) {
      this.inSpike = true;
      this.spikeStartMs = mediaMs;
      this.spikes++;
    }
    if (this.inSpike) {
      if (rel <= this.cachedQuantile + this.spikeExcessMs / 2 || mediaMs - this.spikeStartMs > this.spikeMaxMs) {
        this.inSpike = false;
      } else {
        this.spikePackets++;
        return rel;
      }
    }
    this.addSample(rel);
    return rel;
  }

  /**
   * The caller saw the signature of a spike (a long underrun ended by this arrival): keep this
   * and the following packets out of the histogram while they are far above the quantile.
   */
  markSpike(mediaMs: number): void {
    if (this.inSpike || this.samples < 20) return;
    this.inSpike = true;
    this.spikeStartMs = mediaMs;
    this.spikes++;
  }

  /** The sender's timeline jumped: forget the reference (keep the delay histogram). */
  resetReference(): void {
    this.refHead = this.refCount = 0;
    this.lastArrival = -Infinity;
    this.inSpike = false;
  }

  /** Forget everything. */
  reset(): void {
    this.resetReference();
    this.hist.fill(0);
    this.samples = 0;
    this.cachedQuantile = 0;
  }

  private addSample(rel: number): void {
    const h = this.hist;
    const bin = Math.min(h.length - 1, Math.max(0, Math.floor(rel / this.binMs)));
    // Start as a plain average, then fade old entries by the forget factor.
    const w = Math.max(1 - this.forgetFactor, 1 / (this.samples + 1));
    const keep = 1 - w;
    for (let i = 0; i < h.length; i++) h[i] *= keep;
    h[bin] += w;
    this.samples++;
    let acc = 0;
    let i = 0;
    for (; i < h.length - 1; i++) {
      acc += h[i];
      if (acc >= this.quantile) break;
    }
    this.cachedQuantile = (i + 1) * this.binMs;
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
