/**
 * Tone-fill check for the DTMF detector: does a two-tone signal fill a block to its very ends?
 *
 * Both tones are fitted (least squares, each on its own: the groups are ≥ 3 bins apart) at their
 * measured frequencies over the block; the residual energy in the first and in the last
 * `EDGE_SAMPLES` samples, less twice the noise expected there (from the residual between the
 * edges, since noise is spread evenly), is divided by the model's energy in that edge (the two
 * tones beat, so the local energy is what a gap would remove), floored at a quarter of the model's
 * mean so that a beat minimum does not magnify noise. A tone that starts or stops inside an edge
 * leaves about (silent samples / EDGE_SAMPLES); a steady tone leaves about 0.
 */

/** Samples at each end of a block that are checked (2 ms at 8 kHz). */
export const EDGE_SAMPLES = 16;

/**
 * The larger of the head and tail residual ratios of `x` (one block) against two tones at
 * `w1`, `w2` rad/sample. `model` is scratch space of the block's length.
 */
export function edgeFillResidual(x: Float64Array, w1: number, w2: number, model: Float64Array): number {
  const n = x.length;
  const m = model;
  m.fill(0);
  for (const w of [w1, w2]) {
    const cw = Math.cos(w);
    const sw = Math.sin(w);
    // Correlate with cos/sin at w (a rotation recurrence instead of trig per sample).
    let c = 1;
    let s = 0;
    let sc = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      sc += (x[i] as number) * c;
      ss += (x[i] as number) * s;
      const t = c * cw - s * sw;
      s = s * cw + c * sw;
      c = t;
    }
    const a = (2 * sc) / n;
    const b = (2 * ss) / n;
    c = 1;
    s = 0;
    for (let i = 0; i < n; i++) {
      m[i] = (m[i] as number) + a * c + b * s;
      const t = c * cw - s * sw;
      s = s * cw + c * sw;
      c = t;
    }
  }
  let mp = 0;
  for (let i = 0; i < n; i++) mp += (m[i] as number) * (m[i] as number);
  mp /= n;
  if (!(mp > 0)) return Infinity;
  let head = 0;
  let tail = 0;
  let mid = 0;
  let headModel = 0;
  let tailModel = 0;
  for (let i = 0; i < n; i++) {
    const v = m[i] as number;
    const d = (x[i] as number) - v;
    if (i < EDGE_SAMPLES) {
      head += d * d;
      headModel += v * v;
    } else if (i >= n - EDGE_SAMPLES) {
      tail += d * d;
      tailModel += v * v;
    } else mid += d * d;
  }
  const floor = (2 * mid * EDGE_SAMPLES) / (n - 2 * EDGE_SAMPLES);
  const minModel = 0.25 * EDGE_SAMPLES * mp;
  return Math.max((head - floor) / Math.max(headModel, minModel), (tail - floor) / Math.max(tailModel, minModel));
}
