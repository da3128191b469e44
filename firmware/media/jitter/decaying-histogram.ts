/**
 * A histogram whose old entries fade by a forget factor per new entry (an exponentially
 * weighted distribution), with quantiles. It starts as a plain average until 1/(n+1) falls
 * below 1 − forgetFactor.
 */
export class DecayingHistogram {
  private readonly bins: Float64Array;
  private n = 0;

  constructor(
    readonly forgetFactor: number,
    readonly binWidth: number,
    maxValue: number,
  ) {
    if (!(forgetFactor > 0 && forgetFactor < 1) || !(binWidth > 0)) throw new RangeError('DecayingHistogram: forgetFactor in (0, 1), binWidth > 0');
    this.bins = new Float64Array(Math.ceil(maxValue / binWidth) + 1);
  }

  get count(): number {
    return this.n;
  }

  add(value: number): void {
    const h = this.bins;
    const bin = Math.min(h.length - 1, Math.max(0, Math.floor(value / this.binWidth)));
    const w = Math.max(1 - this.forgetFactor, 1 / (this.n + 1));
    const keep = 1 - w;
    for (let i = 0; i < h.length; i++) h[i] *= keep;
    h[bin] += w;
    this.n++;
  }

  /** The smallest bin upper edge with at least `q` of the weight at or below it (0 if empty). */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    let acc = 0;
    let i = 0;
    for (; i < this.bins.length - 1; i++) {
      acc += this.bins[i];
      if (acc >= q) break;
    }
    return (i + 1) * this.binWidth;
  }

  reset(): void {
    this.bins.fill(0);
    this.n = 0;
  }
}
