/**
 * Mitel-style DTMF receiver measurements (after the CM7291 test tape as spandsp's dtmf_rx_tests
 * reproduces it synthetically), run identically on any detector: bursts of two hard-edged sines
 * with random phases, through G.711, 20 ms of silence first. Used by the unit tests (fixed
 * points) and by scripts/bench/dtmf.mjs (edges, side by side with spandsp).
 */
import { dtmfFrequencies } from '../../../firmware/media/dtmf.js';
import { DtmfDetector } from '../../../firmware/media/dtmf-detector.js';
import { alawDecode, alawEncode, ulawDecode, ulawEncode } from '../../../firmware/media/g711.js';
import { dbm0ToAmplitude, dbm0ToPower } from '../../../firmware/media/levels.js';
import type { Detection } from './spandsp-oracle.js';

export type Law = 'a' | 'u' | 'linear';
export type DetectFn = (pcm: Int16Array) => Detection[];

export interface BurstSpec {
  digit: string;
  count?: number; // default 10
  onMs?: number; // default 50
  offMs?: number; // default 50
  /** Relative frequency error of the low / high tone (0.01 = +1 %). */
  lowError?: number;
  highError?: number;
  /** Per-tone levels, dBm0 (default −10 each). */
  lowDbm0?: number;
  highDbm0?: number;
  /** Full-band white Gaussian noise this many dB below the two tones' total power. */
  snrDb?: number;
  law?: Law; // default 'a'
  seed?: number;
}

/** Small deterministic PRNG. */
export function lcg(seed = 1): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function throughLaw(pcm: Int16Array, law: Law): Int16Array {
  if (law === 'linear') return pcm;
  const codes = new Uint8Array(pcm.length);
  const out = new Int16Array(pcm.length);
  if (law === 'u') {
    ulawEncode(pcm, codes);
    ulawDecode(codes, out);
  } else {
    alawEncode(pcm, codes);
    alawDecode(codes, out);
  }
  return out;
}

const LEAD_MS = 20;

/** The burst train of a spec (8 kHz). */
export function burstTrain(s: BurstSpec): Int16Array {
  const count = s.count ?? 10;
  const on = Math.round(((s.onMs ?? 50) * 8000) / 1000);
  const off = Math.round(((s.offMs ?? 50) * 8000) / 1000);
  const lead = (LEAD_MS * 8000) / 1000;
  const [lo, hi] = dtmfFrequencies(s.digit);
  const fl = lo * (1 + (s.lowError ?? 0));
  const fh = hi * (1 + (s.highError ?? 0));
  const al = dbm0ToAmplitude(s.lowDbm0 ?? -10);
  const ah = dbm0ToAmplitude(s.highDbm0 ?? -10);
  const rnd = lcg(s.seed ?? 12345);
  const x = new Float64Array(lead + count * (on + off) + off);
  for (let b = 0; b < count; b++) {
    const p1 = 2 * Math.PI * rnd();
    const p2 = 2 * Math.PI * rnd();
    const start = lead + b * (on + off);
    for (let n = 0; n < on; n++) {
      x[start + n] = al * Math.sin((2 * Math.PI * fl * n) / 8000 + p1) + ah * Math.sin((2 * Math.PI * fh * n) / 8000 + p2);
    }
  }
  if (s.snrDb !== undefined) {
    const tonePower = (al * al + ah * ah) / 2;
    const sigma = Math.sqrt(tonePower / Math.pow(10, s.snrDb / 10));
    for (let i = 0; i < x.length; i++) {
      const u1 = Math.max(rnd(), 1e-12);
      x[i] = (x[i] as number) + sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd());
    }
  }
  const pcm = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round(x[i] as number);
    pcm[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return throughLaw(pcm, s.law ?? 'a');
}

/** tipring's detector over PCM, fed in 8-sample chunks so the report time is known to 1 ms. */
export function tipringDetect(pcm: Int16Array, det = new DtmfDetector()): Detection[] {
  const out: Detection[] = [];
  for (let i = 0; i < pcm.length; i += 8) {
    const end = Math.min(pcm.length, i + 8);
    for (const digit of det.process(pcm.subarray(i, end))) out.push({ digit, sample: end });
  }
  return out;
}

export interface Score {
  /** Detections of the expected digit. */
  hits: number;
  /** Detections of any other digit. */
  wrong: number;
  count: number;
}

export function score(detect: DetectFn, s: BurstSpec): Score {
  const d = detect(burstTrain(s));
  const hits = d.filter((x) => x.digit === s.digit).length;
  return { hits, wrong: d.length - hits, count: s.count ?? 10 };
}

export const accepted = (r: Score): boolean => r.hits === r.count && r.wrong === 0;
export const rejected = (r: Score): boolean => r.hits === 0 && r.wrong === 0;

export type Group = 'low' | 'high' | 'both';

function withError(spec: BurstSpec, group: Group, e: number): BurstSpec {
  return { ...spec, lowError: group === 'high' ? 0 : e, highError: group === 'low' ? 0 : e };
}

/**
 * Frequency edges for one digit, group and sign, in 0.1 % steps up to `maxPct`:
 * `accept` = largest |error| up to which every step is fully accepted; `reject` = smallest
 * |error| from which every step up to maxPct is fully rejected.
 */
export function frequencyEdges(detect: DetectFn, digit: string, group: Group, sign: 1 | -1, maxPct = 6, law: Law = 'a'): { accept: number; reject: number } {
  const base: BurstSpec = { digit, law };
  let accept = 0;
  for (let k = 1; k <= maxPct * 10; k++) {
    if (!accepted(score(detect, withError(base, group, (sign * k) / 1000)))) break;
    accept = k / 10;
  }
  let reject = maxPct + 0.1;
  for (let k = maxPct * 10; k >= 0; k--) {
    if (!rejected(score(detect, withError(base, group, (sign * k) / 1000)))) break;
    reject = k / 10;
  }
  return { accept, reject };
}

/** Largest twist (dB, 0.1 dB steps) fully accepted: 'reverse' lowers the high tone, 'forward' the low one. */
export function twistEdge(detect: DetectFn, digit: string, kind: 'reverse' | 'forward', strongDbm0 = -10, law: Law = 'a'): number {
  let best = 0;
  for (let t = 1; t <= 200; t++) {
    const db = t / 10;
    const s: BurstSpec = kind === 'reverse' ? { digit, law, lowDbm0: strongDbm0, highDbm0: strongDbm0 - db } : { digit, law, highDbm0: strongDbm0, lowDbm0: strongDbm0 - db };
    if (!accepted(score(detect, s))) break;
    best = db;
  }
  return best;
}

/** Lowest per-tone level fully accepted (1 dB steps down from 0) and highest fully rejected below it. */
export function levelEdges(detect: DetectFn, digit: string, law: Law = 'a'): { lowestAccepted: number; highestRejected: number } {
  let lowestAccepted = 1;
  for (let l = 0; l >= -70; l--) {
    if (!accepted(score(detect, { digit, law, lowDbm0: l, highDbm0: l }))) break;
    lowestAccepted = l;
  }
  let highestRejected = -71;
  for (let l = lowestAccepted - 1; l >= -70; l--) {
    if (rejected(score(detect, { digit, law, lowDbm0: l, highDbm0: l }))) {
      highestRejected = l;
      break;
    }
  }
  return { lowestAccepted, highestRejected };
}

/** Shortest tone fully accepted and longest fully rejected (1 ms steps, pause = `offMs`). */
export function durationEdges(detect: DetectFn, digit: string, offMs = 50, law: Law = 'a'): { minAccepted: number; maxRejected: number } {
  let maxRejected = 0;
  let minAccepted = 0;
  for (let ms = 10; ms <= 60; ms++) {
    const r = score(detect, { digit, law, onMs: ms, offMs });
    if (rejected(r)) maxRejected = ms;
    if (accepted(r) && minAccepted === 0) minAccepted = ms;
  }
  return { minAccepted, maxRejected };
}

/** Lowest S/N (1 dB steps down from 30) at which `count` bursts are all decoded, nothing extra. */
export function snrEdge(detect: DetectFn, digit: string, count = 200, law: Law = 'a'): number {
  let best = 31;
  for (let snr = 30; snr >= -5; snr--) {
    if (!accepted(score(detect, { digit, law, snrDb: snr, count, seed: 1000 + snr }))) break;
    best = snr;
  }
  return best;
}

/** Detection latency (ms from tone onset to report) of a long burst. */
export function latencyMs(detect: DetectFn, digit: string, law: Law = 'a'): number {
  const d = detect(burstTrain({ digit, law, count: 1, onMs: 200 }));
  const first = d.find((x) => x.digit === digit);
  return first ? (first.sample - (LEAD_MS * 8000) / 1000) / 8 : NaN;
}

/** Reference power of a per-tone level, for callers that scale other signals. */
export const tonePower = dbm0ToPower;
