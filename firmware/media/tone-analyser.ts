/**
 * What an earpiece hears, as a test rig reports it: silence or a tone, its one or two strongest
 * frequencies, its level while on, and its cadence when interrupted. Analysis code for tests and
 * diagnostics: it allocates freely and is not meant for the 20 ms path.
 *
 * 1. Envelope: mean square per 5 ms block; a block is "on" when within 25 dB of the loudest block
 *    and above −50 dBm0; off-gaps of ≤ 15 ms inside a tone (beats, AM troughs) are bridged.
 * 2. Frequencies: Hann-windowed FFT of the longest on-run (edges trimmed), zero-padded 4×, with
 *    parabolic interpolation of the log-magnitude peaks; components are the peaks within 20 dB of
 *    the strongest, outside each other's main lobe; the two strongest are reported.
 * 3. Cadence: each on/off edge is refined to the tone's half-amplitude point by fitting the
 *    components near the edge (see refineEdges). Reported: the lower median of the complete
 *    on-runs and off-runs (neither touching the ends of the buffer), rounded to 10 ms.
 */
import { fft, nextPowerOfTwo } from './fft.js';
import { dbm0ToPower, powerToDbm0, rmsToDbm0 } from './levels.js';

export interface ToneCadence {
  onMs: number;
  offMs: number;
  /** Complete run lengths in order, starting with the first complete on-run (ms, rounded to 10). */
  pattern: number[];
}

export interface ToneAnalysis {
  silence: boolean;
  /** Strongest one or two components, Hz, rounded to the nearest integer, sorted ascending. */
  frequencies: number[];
  /** Total level of the tone while on, dBm0. */
  levelDbm0: number;
  /** Present when the tone is interrupted. */
  cadence?: ToneCadence;
}

export const SILENCE_THRESHOLD_DBM0 = -50;
const BLOCK_MS = 5;
const ON_RELATIVE_DB = 25;
const BRIDGE_MS = 15;
const TRIM_MS = 10;
const MAX_FFT_SAMPLES = 16384;
const SECOND_PEAK_DB = 20;
const RECT_SECOND_PEAK_DB = 6;
const SHORT_RUN_MS = 300;
const MIN_EDGE_RUN_MS = 20;
const MAX_COMPONENTS = 4;

interface Run {
  on: boolean;
  start: number; // samples, refined
  end: number; // samples (exclusive), refined
  startBlock: number;
  endBlock: number; // exclusive
}

/** Level of a whole buffer, dBm0 (RMS over all samples). */
export function levelDbm0(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] as number) * (samples[i] as number);
  return samples.length ? rmsToDbm0(Math.sqrt(sum / samples.length)) : rmsToDbm0(0);
}

export function analyseTone(samples: Int16Array, sampleRate = 8000): ToneAnalysis {
  const B = Math.max(1, Math.round((BLOCK_MS * sampleRate) / 1000));
  const nb = Math.floor(samples.length / B);
  const silent: ToneAnalysis = { silence: true, frequencies: [], levelDbm0: levelDbm0(samples) };
  if (nb === 0) return silent;

  const pow = new Float64Array(nb);
  let max = 0;
  for (let b = 0; b < nb; b++) {
    let s = 0;
    for (let i = b * B; i < (b + 1) * B; i++) s += (samples[i] as number) * (samples[i] as number);
    pow[b] = s / B;
    if (pow[b]! > max) max = pow[b]!;
  }
  const floor = dbm0ToPower(SILENCE_THRESHOLD_DBM0);
  if (max < floor) return silent;
  const threshold = Math.max(floor, max * Math.pow(10, -ON_RELATIVE_DB / 10));
  const mask = new Uint8Array(nb);
  for (let b = 0; b < nb; b++) mask[b] = pow[b]! >= threshold ? 1 : 0;
  bridge(mask, Math.round(BRIDGE_MS / BLOCK_MS));

  const runs = toRuns(mask, B);
  const onRuns = runs.filter((r) => r.on);
  if (onRuns.length === 0) return silent;

  // Level while on: on-blocks, leaving out each run's edge blocks when the run is long enough.
  let sum = 0;
  let count = 0;
  for (const r of onRuns) {
    const inner = r.endBlock - r.startBlock >= 3;
    for (let b = r.startBlock + (inner ? 1 : 0); b < r.endBlock - (inner ? 1 : 0); b++) {
      sum += pow[b]!;
      count++;
    }
  }
  const level = powerToDbm0(sum / count);
  if (level < SILENCE_THRESHOLD_DBM0) return { ...silent, levelDbm0: level };

  const longest = onRuns.reduce((a, r) => (r.end - r.start > a.end - a.start ? r : a));
  const components = findComponents(samples, longest, sampleRate);
  const frequencies = components.slice(0, 2).map((f) => Math.round(f)).sort((a, b) => a - b);
  const result: ToneAnalysis = { silence: false, frequencies, levelDbm0: level };

  if (runs.length > 1 && components.length > 0) {
    refineEdges(samples, runs, components, sampleRate);
    const cadence = measureCadence(runs, sampleRate);
    if (cadence) result.cadence = cadence;
  }
  return result;
}

/** Close off-gaps of at most `maxBlocks` that lie between on-blocks. */
function bridge(mask: Uint8Array, maxBlocks: number): void {
  let b = 0;
  while (b < mask.length) {
    if (mask[b]) {
      b++;
      continue;
    }
    let e = b;
    while (e < mask.length && !mask[e]) e++;
    if (b > 0 && e < mask.length && e - b <= maxBlocks) mask.fill(1, b, e);
    b = e;
  }
}

function toRuns(mask: Uint8Array, B: number): Run[] {
  const runs: Run[] = [];
  let b = 0;
  while (b < mask.length) {
    let e = b;
    while (e < mask.length && mask[e] === mask[b]) e++;
    runs.push({ on: mask[b] === 1, start: b * B, end: e * B, startBlock: b, endBlock: e });
    b = e;
  }
  return runs;
}

/**
 * Spectral peaks of an on-run within 20 dB of the strongest (at most 4), strongest first, Hz.
 * Hann window; on a short run (< 300 ms) where Hann sees one peak, a rectangular window (twice
 * the resolution) may split it into two close components of similar level (e.g. 413+438 Hz in
 * 100 ms bursts). Sidelobes of the rectangular window are ≥ 13 dB down, so only a second peak
 * within 6 dB is believed there.
 */
function findComponents(samples: Int16Array, run: Run, sampleRate: number): number[] {
  const short = run.end - run.start < (SHORT_RUN_MS * sampleRate) / 1000;
  const trim = Math.round(((short ? TRIM_MS / 2 : TRIM_MS) * sampleRate) / 1000);
  let start = run.start;
  let end = run.end;
  if (end - start > 4 * trim) {
    start += trim;
    end -= trim;
  }
  const n = Math.min(end - start, MAX_FFT_SAMPLES);
  if (n < 16) return [];
  const hannPeaks = spectralPeaks(samples, start, n, sampleRate, true, SECOND_PEAK_DB, 2);
  if (!short || hannPeaks.length !== 1) return hannPeaks;
  const rectPeaks = spectralPeaks(samples, start, n, sampleRate, false, RECT_SECOND_PEAK_DB, 1.5);
  const hannLobeHz = (2 * sampleRate) / n;
  if (rectPeaks.length >= 2 && Math.abs(rectPeaks[0]! - rectPeaks[1]!) < hannLobeHz) return rectPeaks.slice(0, 2);
  return hannPeaks;
}

/** Peaks within `withinDb` of the strongest, outside each other's main lobe (`lobe` × 1/T). */
function spectralPeaks(samples: Int16Array, start: number, n: number, sampleRate: number, hannWindow: boolean, withinDb: number, lobe: number): number[] {
  const size = nextPowerOfTwo(4 * n);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    const w = hannWindow ? 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n) : 1;
    re[i] = (samples[start + i] as number) * w;
  }
  fft(re, im);
  const half = size / 2;
  const db = new Float64Array(half + 1);
  for (let k = 0; k <= half; k++) db[k] = 10 * Math.log10((re[k] as number) ** 2 + (im[k] as number) ** 2 + 1e-12);
  const binHz = sampleRate / size;
  const lo = Math.max(1, Math.ceil(20 / binHz));
  const hi = Math.min(half - 1, Math.floor((sampleRate / 2 - 20) / binHz));
  const peaks: { k: number; db: number }[] = [];
  for (let k = lo; k <= hi; k++) {
    if (db[k]! > db[k - 1]! && db[k]! >= db[k + 1]!) peaks.push({ k, db: db[k]! });
  }
  if (peaks.length === 0) return [];
  peaks.sort((a, b) => b.db - a.db);
  const top = peaks[0]!.db;
  const lobeBins = (lobe * size) / n;
  const chosen: number[] = [];
  for (const p of peaks) {
    if (p.db < top - withinDb || chosen.length === MAX_COMPONENTS) break;
    if (chosen.every((k) => Math.abs(p.k - k) > lobeBins)) chosen.push(p.k);
  }
  return chosen.map((k) => interpolate(db, k) * binHz);
}

/** Parabolic interpolation of a peak at bin k; returns the fractional bin. */
function interpolate(db: Float64Array, k: number): number {
  const a = db[k - 1]!;
  const b = db[k]!;
  const c = db[k + 1]!;
  const den = a - 2 * b + c;
  return den === 0 ? k : k + (0.5 * (a - c)) / den;
}

/**
 * Move each edge between runs to the tone's half-amplitude point. Near each edge the tone is
 * modelled as m(n) = Σ (c·cos ωn + s·sin ωn) over the detected components, fitted by least
 * squares on the adjacent on-run; the edge is then where a step times m(n) explains the matched
 * energy Σ x·m observed across the edge window. Using the model's own m² makes this immune to
 * the beat between close components (350/440, 413/438) and to AM.
 */
function refineEdges(samples: Int16Array, runs: Run[], freqs: number[], sampleRate: number): void {
  const ms = (v: number) => Math.round((v * sampleRate) / 1000);
  for (let i = 1; i < runs.length; i++) {
    const before = runs[i - 1]!;
    const after = runs[i]!;
    const rising = after.on;
    const on = rising ? after : before;
    const off = rising ? before : after;
    const c = after.start; // coarse edge
    const offMid = Math.round((off.start + off.end) / 2);
    // Fit region: inside the on-run, clear of the edge; edge window: from mid-off to inside the on-run.
    const fitA = rising ? c + ms(10) : Math.max(on.start + ms(5), c - ms(50));
    const fitB = rising ? Math.min(on.end - ms(5), c + ms(50)) : c - ms(10);
    if (fitB - fitA < ms(10)) continue;
    const a = rising ? Math.max(c - ms(15), offMid) : c - ms(10);
    const b = rising ? c + ms(10) : Math.min(c + ms(15), offMid);
    if (b - a < ms(10)) continue;
    const model = fitModel(samples, fitA, fitB, freqs, sampleRate);
    if (!model) continue;
    let matched = 0;
    const m2 = new Float64Array(b - a);
    for (let n = a; n < b; n++) {
      const m = model(n);
      matched += (samples[n] as number) * m;
      m2[n - a] = m * m;
    }
    // Rising: Σ_{t..b} m² = matched; falling: Σ_{a..t} m² = matched.
    let acc = 0;
    let edge = -1;
    if (rising) {
      for (let n = b - 1; n >= a; n--) {
        const next = acc + m2[n - a]!;
        if (next >= matched) {
          edge = n + 1 - (matched - acc) / (next - acc || 1);
          break;
        }
        acc = next;
      }
    } else {
      for (let n = a; n < b; n++) {
        const next = acc + m2[n - a]!;
        if (next >= matched) {
          edge = n + (matched - acc) / (next - acc || 1);
          break;
        }
        acc = next;
      }
    }
    if (edge >= 0) {
      before.end = edge;
      after.start = edge;
    }
  }
}

/** Least-squares fit of cos/sin pairs at `freqs` over samples[a, b); returns the model m(n). */
function fitModel(samples: Int16Array, a: number, b: number, freqs: number[], sampleRate: number): ((n: number) => number) | undefined {
  const k = freqs.length * 2;
  const w = freqs.map((f) => (2 * Math.PI * f) / sampleRate);
  const basis = (n: number, j: number) => ((j & 1) === 0 ? Math.cos(w[j >> 1]! * n) : Math.sin(w[j >> 1]! * n));
  const g = Array.from({ length: k }, () => new Float64Array(k + 1));
  const phi = new Float64Array(k);
  for (let n = a; n < b; n++) {
    for (let j = 0; j < k; j++) phi[j] = basis(n, j);
    const x = samples[n] as number;
    for (let r = 0; r < k; r++) {
      const row = g[r]!;
      for (let q = 0; q < k; q++) row[q] = row[q]! + phi[r]! * phi[q]!;
      row[k] = row[k]! + phi[r]! * x;
    }
  }
  const theta = solve(g, k);
  if (!theta) return undefined;
  return (n: number) => {
    let v = 0;
    for (let j = 0; j < k; j++) v += theta[j]! * basis(n, j);
    return v;
  };
}

/** Gaussian elimination with partial pivoting on an augmented k×(k+1) matrix. */
function solve(m: Float64Array[], k: number): Float64Array | undefined {
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-9) return undefined;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]!;
    for (let r = col + 1; r < k; r++) {
      const row = m[r]!;
      const f = row[col]! / p[col]!;
      for (let q = col; q <= k; q++) row[q] = row[q]! - f * p[q]!;
    }
  }
  const x = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    const row = m[r]!;
    let v = row[k]!;
    for (let q = r + 1; q < k; q++) v -= row[q]! * x[q]!;
    x[r] = v / row[r]!;
  }
  return x;
}

function measureCadence(runs: Run[], sampleRate: number): ToneCadence | undefined {
  const ms = (r: Run) => ((r.end - r.start) * 1000) / sampleRate;
  // Runs touching the ends of the buffer are cut; so is a run next to a sliver at either end
  // (its edge there could not be measured).
  let first = 1;
  let last = runs.length - 2;
  if (runs.length > 2 && ms(runs[0]!) < MIN_EDGE_RUN_MS) first++;
  if (runs.length > 2 && ms(runs[runs.length - 1]!) < MIN_EDGE_RUN_MS) last--;
  const complete = runs.slice(first, last + 1);
  const on = complete.filter((r) => r.on).map(ms);
  const off = complete.filter((r) => !r.on).map(ms);
  const onRunCount = runs.filter((r) => r.on).length;
  if (on.length === 0 && onRunCount < 2) return undefined;
  const firstOn = complete.findIndex((r) => r.on);
  const pattern = firstOn < 0 ? [] : complete.slice(firstOn).map((r) => round10(ms(r)));
  return { onMs: round10(lowerMedian(on)), offMs: round10(lowerMedian(off)), pattern };
}

function lowerMedian(v: number[]): number {
  if (v.length === 0) return 0;
  const s = [...v].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

function round10(ms: number): number {
  return Math.round(ms / 10) * 10;
}
