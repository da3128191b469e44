/**
 * Pitch-synchronous time stretching (WSOLA-style), as NetEq's Accelerate and PreemptiveExpand
 * do it: find the lag L at which the signal best repeats itself, and only if the repetition is
 * good (normalised correlation ≥ a threshold) or the signal is quiet, either merge two periods
 * into one (remove L samples) or insert one cross-faded period (add L samples).
 *
 * The functions work on a view of the samples about to be played; the caller moves the rest.
 */

export interface StretchOptions {
  /** Shortest and longest lag searched, samples (default 40–120: 5–15 ms at 8 kHz). */
  minLag: number;
  maxLag: number;
  /** Correlation window, samples (default 80). */
  window: number;
  /** Mean-square level under which the signal counts as quiet and any lag is fine. */
  quietPower: number;
}

export const DEFAULT_STRETCH: Readonly<StretchOptions> = Object.freeze({
  minLag: 20,
  maxLag: 120,
  window: 80,
  quietPower: 120 * 120,
});

export interface LagChoice {
  /** The chosen lag in samples, 0 if none fits in `x`. */
  lag: number;
  /** Normalised correlation at that lag (−1…1). */
  corr: number;
  /** Whether the segment was quiet (then `lag` is the longest that fits). */
  quiet: boolean;
}

/** Samples a lag search needs: the longest lag plus the window, or twice the longest lag. */
export function stretchSpan(o: StretchOptions = DEFAULT_STRETCH): number {
  return Math.max(o.maxLag + o.window, 2 * o.maxLag);
}

/**
 * The lag in [minLag, maxLag] (limited so that 2·lag and lag + window fit in `x`) with the
 * highest normalised correlation between x[0, window) and x[lag, lag + window).
 */
export function findLag(x: Int16Array, o: StretchOptions = DEFAULT_STRETCH, out: LagChoice = { lag: 0, corr: 0, quiet: false }): LagChoice {
  const maxLag = Math.min(o.maxLag, Math.floor(x.length / 2), x.length - o.window);
  out.lag = 0;
  out.corr = 0;
  out.quiet = false;
  if (maxLag < o.minLag) return out;
  const w = o.window;
  let e0 = 0;
  for (let i = 0; i < w; i++) e0 += x[i] * x[i];
  // Energy of x[lag, lag + w), slid along.
  let e1 = 0;
  for (let i = o.minLag; i < o.minLag + w; i++) e1 += x[i] * x[i];
  let total = 0;
  for (let i = 0; i < 2 * maxLag && i < x.length; i++) total += x[i] * x[i];
  let best = -2;
  let bestLag = o.minLag;
  for (let lag = o.minLag; lag <= maxLag; lag++) {
    if (lag > o.minLag) {
      const gone = x[lag - 1];
      const added = x[lag + w - 1];
      e1 += added * added - gone * gone;
    }
    let c = 0;
    for (let i = 0; i < w; i++) c += x[i] * x[lag + i];
    const denom = Math.sqrt(e0 * e1);
    const corr = denom > 0 ? c / denom : 0;
    if (corr > best) {
      best = corr;
      bestLag = lag;
    }
  }
  const quiet = total / (2 * maxLag) < o.quietPower;
  out.quiet = quiet;
  out.lag = quiet && best < 0.9 ? maxLag : bestLag;
  out.corr = best;
  return out;
}

/**
 * Accelerate: write into x[0, lag) the cross-fade from x[0, lag) into x[lag, 2·lag). The caller
 * then removes x[lag, 2·lag), shortening the signal by `lag` samples.
 */
export function mergePeriods(x: Int16Array, lag: number): void {
  const step = 1 / (lag + 1);
  for (let i = 0; i < lag; i++) {
    const w = (i + 1) * step;
    x[i] = Math.round((1 - w) * x[i] + w * x[lag + i]);
  }
}

/**
 * Expand: fill `dst` (length `lag`) with the cross-fade from x[lag, 2·lag) into x[0, lag). The
 * caller inserts it at position `lag`, lengthening the signal by `lag` samples.
 */
export function repeatPeriod(x: Int16Array, lag: number, dst: Int16Array): void {
  const step = 1 / (lag + 1);
  for (let i = 0; i < lag; i++) {
    const w = (i + 1) * step;
    dst[i] = Math.round((1 - w) * x[lag + i] + w * x[i]);
  }
}
