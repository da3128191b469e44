/**
 * Pitch estimate for G.711 Appendix I concealment: the lag (40–120 samples at 8 kHz, 5–15 ms)
 * that maximises the normalised cross-correlation between the last 20 ms of history and an
 * earlier 20 ms segment. Searched first on every second sample over every second lag, then
 * refined at full resolution one lag either side of the coarse winner.
 */

/** Shortest pitch period searched, samples (200 Hz). */
export const PITCH_MIN = 40;
/** Longest pitch period searched, samples (66.7 Hz). */
export const PITCH_MAX = 120;
/** Correlation window, samples (20 ms). */
export const CORRLEN = 160;
/** Energy floor used when normalising a correlation, so near-silence does not win. */
export const CORRMINPOWER = 250;
/** Decimation of the coarse search. */
const DECIM = 2;
const SPAN = PITCH_MAX - PITCH_MIN;

/**
 * The pitch period (samples) of `x` just before index `end`. Reads `x[end - CORRLEN - PITCH_MAX ..
 * end)`; `end` must be at least CORRLEN + PITCH_MAX.
 */
export function findPitchLag(x: Float64Array, end: number): number {
  const target = end - CORRLEN; // the segment to match: the newest 20 ms
  const base = end - CORRLEN - PITCH_MAX; // candidate k starts at base + k, lag PITCH_MAX - k

  // Coarse pass: every second sample, every second candidate; ties go to the later candidate.
  let energy = 0;
  for (let i = 0; i < CORRLEN; i += DECIM) energy += x[base + i] * x[base + i];
  let best = 0;
  let bestScore = -Infinity;
  for (let k = 0; k <= SPAN; k += DECIM) {
    if (k > 0) {
      const gone = x[base + k - DECIM];
      const added = x[base + k - DECIM + CORRLEN];
      energy = energy - gone * gone + added * added;
    }
    let corr = 0;
    for (let i = 0; i < CORRLEN; i += DECIM) corr += x[base + k + i] * x[target + i];
    const score = corr / Math.sqrt(energy < CORRMINPOWER ? CORRMINPOWER : energy);
    if (score >= bestScore) {
      bestScore = score;
      best = k;
    }
  }

  // Fine pass: every sample, candidates next to the coarse winner; ties go to the earlier one.
  const lo = Math.max(0, best - (DECIM - 1));
  const hi = Math.min(SPAN, best + (DECIM - 1));
  energy = 0;
  for (let i = 0; i < CORRLEN; i++) energy += x[base + lo + i] * x[base + lo + i];
  let fine = lo;
  let fineScore = -Infinity;
  for (let k = lo; k <= hi; k++) {
    if (k > lo) {
      const gone = x[base + k - 1];
      const added = x[base + k - 1 + CORRLEN];
      energy = energy - gone * gone + added * added;
    }
    let corr = 0;
    for (let i = 0; i < CORRLEN; i++) corr += x[base + k + i] * x[target + i];
    const score = corr / Math.sqrt(energy < CORRMINPOWER ? CORRMINPOWER : energy);
    if (score > fineScore) {
      fineScore = score;
      fine = k;
    }
  }
  return PITCH_MAX - fine;
}
