/** Counters and delay statistics of the adaptive jitter buffer. */

export interface AdaptiveJitterCounters {
  /** Packets given to `put`. */
  received: number;
  /** Copies of a packet already seen. */
  duplicate: number;
  /** Arrived after their playout time had passed (late loss). */
  late: number;
  /** Never arrived by the time they were skipped (concealed). */
  lost: number;
  /** Dropped because the store was full. */
  overflow: number;
  /** Dropped to catch up after a very large delay excursion. */
  discarded: number;
  /** Packets decoded and played. */
  played: number;
  /** Restarts: new SSRC, sender timeline jump, long silence. */
  resyncs: number;
  /** Pulls with nothing buffered at all. */
  underruns: number;
  /** Samples output while a stream was playing. */
  outputSamples: number;
  /** Samples made up by loss concealment. */
  concealedSamples: number;
  /** Samples removed by time compression. */
  acceleratedSamples: number;
  /** Samples added by time expansion. */
  expandedSamples: number;
}

export interface AdaptiveJitterReport extends AdaptiveJitterCounters {
  /** Mean and 95th percentile of buffering delay (arrival → playout), ms. */
  meanDelayMs: number;
  p95DelayMs: number;
  /** late / (received − duplicate). */
  lateLossRatio: number;
  /** Shares of the output: concealed, and removed/added by time stretching. */
  concealedRatio: number;
  acceleratedRatio: number;
  expandedRatio: number;
  /** Current target delay, ms. */
  targetDelayMs: number;
}

export function emptyCounters(): AdaptiveJitterCounters {
  return {
    received: 0,
    duplicate: 0,
    late: 0,
    lost: 0,
    overflow: 0,
    discarded: 0,
    played: 0,
    resyncs: 0,
    underruns: 0,
    outputSamples: 0,
    concealedSamples: 0,
    acceleratedSamples: 0,
    expandedSamples: 0,
  };
}

/** Mean and quantiles of delays, from a 1 ms histogram (no per-sample storage). */
export class DelayStats {
  private readonly bins: Uint32Array;
  private n = 0;
  private sum = 0;

  constructor(maxMs = 3000) {
    this.bins = new Uint32Array(maxMs + 1);
  }

  add(ms: number): void {
    const b = Math.min(this.bins.length - 1, Math.max(0, Math.round(ms)));
    this.bins[b]++;
    this.n++;
    this.sum += ms;
  }

  get count(): number {
    return this.n;
  }

  mean(): number {
    return this.n ? this.sum / this.n : 0;
  }

  /** The q-quantile, ms (to the 1 ms bin). */
  quantile(q: number): number {
    if (!this.n) return 0;
    const want = q * this.n;
    let acc = 0;
    for (let i = 0; i < this.bins.length; i++) {
      acc += this.bins[i];
      if (acc >= want) return i;
    }
    return this.bins.length - 1;
  }

  reset(): void {
    this.bins.fill(0);
    this.n = 0;
    this.sum = 0;
  }
}
