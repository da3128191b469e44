/**
 * Single-frequency DFT helpers.
 *
 * Power convention: results are mean-square values, so a sine of amplitude A at exactly the
 * analysed frequency gives ≈ A²/2 (its own mean square), whatever the block length. That makes
 * them directly comparable with a block's mean square and with `dbm0ToPower()`.
 */

/**
 * Goertzel power at `frequencyHz` over samples[start, start + length): 2·|X(f)|² / length².
 * The frequency need not fall on a DFT bin.
 */
export function goertzelPower(
  samples: Int16Array | Float32Array | Float64Array,
  start: number,
  length: number,
  frequencyHz: number,
  sampleRate: number,
): number {
  const w = (2 * Math.PI * frequencyHz) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  const end = start + length;
  for (let i = start; i < end; i++) {
    const s0 = (samples[i] as number) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const p = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * p) / (length * length);
}

/**
 * A bank of precomputed single-frequency correlators for blocks of a fixed length: for each
 * frequency, the complex DFT value over the block, split into its first and second half (so a
 * caller can also check the signal is steady across the block and estimate its frequency).
 * An optional window (e.g. Hann) may be applied; powers are normalised by the window's gain.
 */
export class DftBank {
  readonly length: number;
  readonly half: number;
  readonly frequencies: readonly number[];
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly gain: number;
  /** Per frequency: [re1, im1, re2, im2] = first-half and second-half sums. */
  readonly out: Float64Array;

  constructor(frequencies: readonly number[], length: number, sampleRate: number, window?: (n: number, length: number) => number) {
    this.length = length;
    this.half = length >> 1;
    this.frequencies = frequencies;
    this.cos = new Float64Array(frequencies.length * length);
    this.sin = new Float64Array(frequencies.length * length);
    let gain = 0;
    for (let n = 0; n < length; n++) gain += window ? window(n, length) : 1;
    this.gain = gain;
    frequencies.forEach((f, k) => {
      const w = (2 * Math.PI * f) / sampleRate;
      for (let n = 0; n < length; n++) {
        const win = window ? window(n, length) : 1;
        this.cos[k * length + n] = win * Math.cos(w * n);
        this.sin[k * length + n] = -win * Math.sin(w * n);
      }
    });
    this.out = new Float64Array(frequencies.length * 4);
  }

  /** Correlate samples[start, start + length) with frequency number `k`; results in `out`. */
  run(samples: ArrayLike<number>, start: number, k: number): void {
    const base = k * this.length;
    const c = this.cos;
    const s = this.sin;
    let re1 = 0;
    let im1 = 0;
    let re2 = 0;
    let im2 = 0;
    for (let n = 0; n < this.half; n++) {
      const x = samples[start + n] as number;
      re1 += x * (c[base + n] as number);
      im1 += x * (s[base + n] as number);
    }
    for (let n = this.half; n < this.length; n++) {
      const x = samples[start + n] as number;
      re2 += x * (c[base + n] as number);
      im2 += x * (s[base + n] as number);
    }
    const o = k * 4;
    this.out[o] = re1;
    this.out[o + 1] = im1;
    this.out[o + 2] = re2;
    this.out[o + 3] = im2;
  }

  /** Correlate with every frequency. */
  runAll(samples: ArrayLike<number>, start: number): void {
    for (let k = 0; k < this.frequencies.length; k++) this.run(samples, start, k);
  }

  /** Mean-square power of frequency `k` over the whole block (after `run`). */
  power(k: number): number {
    const o = k * 4;
    const re = (this.out[o] as number) + (this.out[o + 2] as number);
    const im = (this.out[o + 1] as number) + (this.out[o + 3] as number);
    return (2 * (re * re + im * im)) / (this.gain * this.gain);
  }

  /** Real part of the whole-block DFT value of frequency `k`. */
  re(k: number): number {
    return (this.out[k * 4] as number) + (this.out[k * 4 + 2] as number);
  }

  /** Imaginary part of the whole-block DFT value of frequency `k`. */
  im(k: number): number {
    return (this.out[k * 4 + 1] as number) + (this.out[k * 4 + 3] as number);
  }
}

/** Hann window value for sample n of a block of `length` (periodic form, never all-zero ends). */
export function hann(n: number, length: number): number {
  return 0.5 - 0.5 * Math.cos((2 * Math.PI * (n + 0.5)) / length);
}
