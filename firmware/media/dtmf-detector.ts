/**
 * In-band DTMF detector, sans-IO: feed PCM of any length, get the digits whose onset was confirmed.
 *
 * Per block of ~12.75 ms (102 samples at 8 kHz), with single-frequency DFTs (goertzel.ts):
 * 1. level: strongest row and column tone each ≥ `minLevelDbm0`;
 * 2. twist: high group at most `maxReverseTwistDb` weaker / `maxForwardTwistDb` stronger;
 * 3. relative peak: each ≥ `relativePeakDb` above the other tones of its group;
 * 4. purity: the two tones carry ≥ `minToneFraction` of the block's energy, and their second
 *    harmonics are ≥ `harmonicRejectDb` down (speech has harmonics, DTMF has none);
 * 5. lattice: where a voice would have further harmonics if both tones were its harmonics
 *    (|fh − fl|, |2fl − fh|, 2fh − fl, Hann-windowed) the block holds ≥ `latticeRejectDb` less than
 *    the weaker tone (espeak's high voices otherwise fake '*' and 'A' with harmonics 4/5 or 3/7);
 * 6. steadiness: both halves of the block hold the same energy within `steadyDb` (2 dB) plus a
 *    noise allowance (`noiseSlackDb` × √(non-tone share)): noise at 10 dB S/N, whose cross term
 *    with the tone moves the halves' energies, must not break a tone up;
 * 7. fill: the two tones, fitted at their measured frequencies, leave little residual in the
 *    block's first and last 2 ms (dtmf-fill.ts), so a block only counts when the tone fills it:
 *    a 40 ms tone always fills two consecutive blocks, a ≤ 23 ms one never does (≤ 204 − 20
 *    samples leaves ≥ 10 silent samples in one edge).
 * Two consecutive valid blocks of the same key are then checked for frequency: the phase advance
 * of Hann-windowed DFTs from one block to the next measures each tone's frequency to a fraction
 * of a hertz (the half-block phase advance resolves the ambiguity), and the key is confirmed only
 * if both tones are within `maxFrequencyError` of nominal. A confirmed key is reported once; it
 * ends after `endBlocks` blocks without it (bridging dropouts of ≤ 10 ms).
 */
import { DftBank, hann } from './goertzel.js';
import { edgeFillResidual } from './dtmf-fill.js';
import { DTMF_COL_HZ, DTMF_ROW_HZ, dtmfKey } from './dtmf.js';
import { dbm0ToPower } from './levels.js';
import { IllegalTransitionError } from '../core/errors.js';

export interface DtmfDetectorOptions {
  sampleRate?: number;
  /** Minimum level of each tone, dBm0 (default −40: accepts −36 with margin, RFC 2833 §3.5). */
  minLevelDbm0?: number;
  /** High group weaker than low group by at most this, dB (default 8.5: Q.24's 8 dB + 0.5 margin). */
  maxReverseTwistDb?: number;
  /** High group stronger than low group by at most this, dB (default 4.5: 4 dB + 0.5 margin). */
  maxForwardTwistDb?: number;
  /** Margin over the other tones of the same group, dB (default 6; rectangular-window leakage between
   *  neighbouring column tones is −13 dB, so 8 dB loses blocks at 10 dB S/N). */
  relativePeakDb?: number;
  /** Share of block energy the two tones must carry (default 0.6). */
  minToneFraction?: number;
  /** Second harmonics at least this far below their tone, dB (default 10). */
  harmonicRejectDb?: number;
  /** Largest accepted relative frequency error of each tone (default 0.02 = 2 %: Q.24 ±1.5 % / ±3.5 %). */
  maxFrequencyError?: number;
  /** Consecutive valid blocks needed to confirm a key (default 2). */
  minBlocks?: number;
  /** Consecutive blocks without the key that end it (default 3). */
  endBlocks?: number;
  /**
   * Intermodulation-lattice probes (|fh − fl|, |2fl − fh|, 2fh − fl: where a voice's other harmonics
   * sit when both tones are its harmonics) at least this far below the weaker tone, dB (default 12).
   */
  latticeRejectDb?: number;
  /** Largest energy difference between the block's halves for a clean tone, dB (default 2). */
  steadyDb?: number;
  /** Extra allowance per √(non-tone share of the block energy), dB (default 6: 10 dB S/N → +1.9 dB). */
  noiseSlackDb?: number;
  /**
   * Largest residual, after fitting the two tones, in the first or last 2 ms of a block relative to
   * the tones' energy (default 0.3): blocks the tone does not fill do not count.
   */
  edgeResidualMax?: number;
  /** Block length, ms (default 12.75). */
  blockMs?: number;
}

type DetectorState = 'idle' | 'present';
type DetectorEvent = 'confirm' | 'end' | 'reset';
const TRANSITIONS: Record<DetectorState, Partial<Record<DetectorEvent, DetectorState>>> = {
  idle: { confirm: 'present', reset: 'idle' },
  present: { end: 'idle', reset: 'idle' },
};

/** Row second harmonics closer than this to the column tone are not checked (leakage). */
const HARMONIC_GUARD_HZ = 200;
/** Lattice probes closer than this to a tone (Hann main lobe ±157 Hz) or to DC/Nyquist are skipped. */
const PROBE_GUARD_HZ = 200;
const PROBE_MIN_HZ = 150;

interface BlockResult {
  key: number; // row * 4 + col, or -1
  row: number;
  col: number;
  // Hann-windowed DFT of the row and column tone over the block.
  rowRe: number;
  rowIm: number;
  colRe: number;
  colIm: number;
  // Half-block phase advance, rad/sample (coarse frequency offset).
  rowCoarse: number;
  colCoarse: number;
}

function emptyResult(): BlockResult {
  return { key: -1, row: 0, col: 0, rowRe: 0, rowIm: 0, colRe: 0, colIm: 0, rowCoarse: 0, colCoarse: 0 };
}

export class DtmfDetector {
  readonly sampleRate: number;
  readonly blockSamples: number;
  private readonly minPower: number;
  private readonly reverseTwist: number;
  private readonly forwardTwist: number;
  private readonly relPeak: number;
  private readonly minFraction: number;
  private readonly harmonicReject: number;
  private readonly maxFreqError: number;
  private readonly minBlocks: number;
  private readonly steadyDb: number;
  private readonly noiseSlackDb: number;
  private readonly edgeMax: number;
  private readonly model: Float64Array; // scratch for dtmf-fill.ts
  private readonly endBlocks: number;
  private readonly freqs: number[];
  private readonly rect: DftBank; // 8 tones, then their 8 second harmonics
  private readonly windowed: DftBank; // 8 tones, Hann
  private readonly checkRowHarmonic: boolean[]; // [row * 4 + col]
  private readonly probes: DftBank; // Hann, lattice probe frequencies
  private readonly keyProbes: number[][]; // [key] → indices into probes
  private readonly latticeReject: number;
  private readonly block: Float64Array;
  private fillPos = 0;
  private prev = emptyResult();
  private cur = emptyResult();
  private streak = 0;
  private state: DetectorState = 'idle';
  private active = -1;
  private misses = 0;

  constructor(o: DtmfDetectorOptions = {}) {
    this.sampleRate = o.sampleRate ?? 8000;
    this.blockSamples = Math.round(((o.blockMs ?? 12.75) * this.sampleRate) / 1000);
    this.minPower = dbm0ToPower(o.minLevelDbm0 ?? -40);
    this.reverseTwist = Math.pow(10, -(o.maxReverseTwistDb ?? 8.5) / 10);
    this.forwardTwist = Math.pow(10, (o.maxForwardTwistDb ?? 4.5) / 10);
    this.relPeak = Math.pow(10, (o.relativePeakDb ?? 6) / 10);
    this.minFraction = o.minToneFraction ?? 0.6;
    this.harmonicReject = Math.pow(10, -(o.harmonicRejectDb ?? 10) / 10);
    this.maxFreqError = o.maxFrequencyError ?? 0.02;
    this.minBlocks = Math.max(2, o.minBlocks ?? 2);
    this.steadyDb = o.steadyDb ?? 2;
    this.noiseSlackDb = o.noiseSlackDb ?? 6;
    this.edgeMax = o.edgeResidualMax ?? 0.3;
    this.endBlocks = Math.max(1, o.endBlocks ?? 3);
    this.freqs = [...DTMF_ROW_HZ, ...DTMF_COL_HZ];
    this.rect = new DftBank([...this.freqs, ...this.freqs.map((f) => 2 * f)], this.blockSamples, this.sampleRate);
    this.windowed = new DftBank(this.freqs, this.blockSamples, this.sampleRate, hann);
    this.checkRowHarmonic = [];
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        this.checkRowHarmonic.push(Math.abs(2 * (DTMF_ROW_HZ[r] as number) - (DTMF_COL_HZ[c] as number)) >= HARMONIC_GUARD_HZ);
      }
    }
    this.latticeReject = Math.pow(10, -(o.latticeRejectDb ?? 12) / 10);
    const probeHz: number[] = [];
    this.keyProbes = [];
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        const fl = DTMF_ROW_HZ[r] as number;
        const fh = DTMF_COL_HZ[c] as number;
        const ids: number[] = [];
        for (const f of [fh - fl, Math.abs(2 * fl - fh), 2 * fh - fl]) {
          if (f < PROBE_MIN_HZ || f > this.sampleRate / 2 - PROBE_GUARD_HZ) continue;
          if (Math.abs(f - fl) < PROBE_GUARD_HZ || Math.abs(f - fh) < PROBE_GUARD_HZ) continue;
          let id = probeHz.indexOf(f);
          if (id < 0) id = probeHz.push(f) - 1;
          ids.push(id);
        }
        this.keyProbes.push(ids);
      }
    }
    this.probes = new DftBank(probeHz, this.blockSamples, this.sampleRate, hann);
    this.block = new Float64Array(this.blockSamples);
    this.model = new Float64Array(this.blockSamples);
  }

  /** Feed samples; returns the keys confirmed in them (each key press once). */
  process(samples: Int16Array): string[] {
    const found: string[] = [];
    const n = this.blockSamples;
    for (let i = 0; i < samples.length; ) {
      const take = Math.min(n - this.fillPos, samples.length - i);
      for (let k = 0; k < take; k++) this.block[this.fillPos + k] = samples[i + k] as number;
      this.fillPos += take;
      i += take;
      if (this.fillPos === n) {
        this.fillPos = 0;
        const key = this.step();
        if (key >= 0) found.push(dtmfKey(key >> 2, key & 3));
      }
    }
    return found;
  }

  /**
   * The key currently held (confirmed and not yet ended), or null. It ends `endBlocks` blocks
   * (~38 ms) after the tone stops: the media path uses this to end an RFC 4733 event.
   */
  get activeKey(): string | null {
    return this.active >= 0 ? dtmfKey(this.active >> 2, this.active & 3) : null;
  }

  /** Forget any partial block and any key in progress. */
  reset(): void {
    this.transition('reset');
    this.fillPos = 0;
    this.prev = emptyResult();
    this.cur = emptyResult();
    this.streak = 0;
    this.active = -1;
    this.misses = 0;
  }

  /** Analyse the full block; returns a newly confirmed key index or -1. */
  private step(): number {
    const t = this.prev;
    this.prev = this.cur;
    this.cur = t;
    this.analyse(this.block, this.cur);
    const cur = this.cur;
    if (cur.key >= 0 && cur.key === this.prev.key && this.frequencyOk(this.prev, cur)) this.streak++;
    else this.streak = cur.key >= 0 ? 1 : 0;

    let reported = -1;
    if (this.state === 'present') {
      if (cur.key === this.active) this.misses = 0;
      else if (++this.misses >= this.endBlocks) {
        this.transition('end');
        this.active = -1;
      }
    }
    if (this.state === 'idle' && this.streak >= this.minBlocks) {
      this.transition('confirm');
      this.active = cur.key;
      this.misses = 0;
      reported = cur.key;
    }
    return reported;
  }

  private analyse(x: Float64Array, r: BlockResult): void {
    r.key = -1;
    const n = this.blockSamples;
    const h = n >> 1;
    let e1 = 0;
    let e2 = 0;
    for (let i = 0; i < h; i++) e1 += (x[i] as number) * (x[i] as number);
    for (let i = h; i < n; i++) e2 += (x[i] as number) * (x[i] as number);
    const energy = (e1 + e2) / n;
    if (energy < 2 * this.minPower) return;
    const bank = this.rect;
    for (let k = 0; k < 8; k++) bank.run(x, 0, k);
    let row = 0;
    let col = 4;
    for (let k = 1; k < 4; k++) if (bank.power(k) > bank.power(row)) row = k;
    for (let k = 5; k < 8; k++) if (bank.power(k) > bank.power(col)) col = k;
    const rectRow = bank.power(row);
    const rectCol = bank.power(col);
    for (let k = 0; k < 4; k++) if (k !== row && bank.power(k) * this.relPeak > rectRow) return;
    for (let k = 4; k < 8; k++) if (k !== col && bank.power(k) * this.relPeak > rectCol) return;
    // Levels, twist and purity from Hann-windowed DFTs: low leakage from the other group's tone.
    const w = this.windowed;
    w.run(x, 0, row);
    w.run(x, 0, col);
    const pr = w.power(row);
    const pc = w.power(col);
    if (pr < this.minPower || pc < this.minPower) return;
    if (pc < pr * this.reverseTwist || pc > pr * this.forwardTwist) return;
    if (pr + pc < this.minFraction * energy) return;
    // Steadiness: the halves' energies agree within steadyDb, plus slack for the noise-tone
    // cross term, which grows with the square root of the non-tone share of the energy.
    const residual = Math.max(0, 1 - (pr + pc) / energy);
    const limit = Math.pow(10, (this.steadyDb + this.noiseSlackDb * Math.sqrt(residual)) / 10);
    if (e1 > e2 * limit || e2 > e1 * limit) return;
    const c = col - 4;
    bank.run(x, 0, col + 8);
    if (bank.power(col + 8) > rectCol * this.harmonicReject) return;
    if (this.checkRowHarmonic[row * 4 + c]) {
      bank.run(x, 0, row + 8);
      if (bank.power(row + 8) > rectRow * this.harmonicReject) return;
    }
    const weaker = Math.min(pr, pc) * this.latticeReject;
    for (const id of this.keyProbes[row * 4 + c] as number[]) {
      this.probes.run(x, 0, id);
      if (this.probes.power(id) > weaker) return;
    }
    const rowCoarse = halfAdvance(bank.out, row, h);
    const colCoarse = halfAdvance(bank.out, col, h);
    const wr = (2 * Math.PI * (this.freqs[row] as number)) / this.sampleRate + rowCoarse;
    const wc = (2 * Math.PI * (this.freqs[col] as number)) / this.sampleRate + colCoarse;
    if (edgeFillResidual(x, wr, wc, this.model) > this.edgeMax) return;
    // Candidate: keep what the frequency check needs.
    r.key = row * 4 + c;
    r.row = row;
    r.col = col;
    r.rowCoarse = rowCoarse;
    r.colCoarse = colCoarse;
    r.rowRe = w.re(row);
    r.rowIm = w.im(row);
    r.colRe = w.re(col);
    r.colIm = w.im(col);
  }

  /** Both tones of two consecutive blocks within `maxFrequencyError` of nominal. */
  private frequencyOk(a: BlockResult, b: BlockResult): boolean {
    return (
      this.toneOk(this.freqs[b.row] as number, a.rowRe, a.rowIm, b.rowRe, b.rowIm, (a.rowCoarse + b.rowCoarse) / 2) &&
      this.toneOk(this.freqs[b.col] as number, a.colRe, a.colIm, b.colRe, b.colIm, (a.colCoarse + b.colCoarse) / 2)
    );
  }

  private toneOk(f0: number, aRe: number, aIm: number, bRe: number, bIm: number, coarse: number): boolean {
    const n = this.blockSamples;
    const w0 = (2 * Math.PI * f0) / this.sampleRate;
    // Phase advance over one block, minus the nominal one: δ·n modulo 2π.
    const adv = Math.atan2(bIm * aRe - bRe * aIm, bRe * aRe + bIm * aIm);
    const base = wrap(adv - w0 * n);
    // Pick the alias closest to the coarse (half-block) estimate.
    const m = Math.round((coarse * n - base) / (2 * Math.PI));
    const delta = (base + 2 * Math.PI * m) / n; // rad/sample
    const errHz = (delta * this.sampleRate) / (2 * Math.PI);
    return Math.abs(errHz) <= this.maxFreqError * f0;
  }

  private transition(event: DetectorEvent): void {
    const next = TRANSITIONS[this.state][event];
    if (next === undefined) throw new IllegalTransitionError('DtmfDetector', this.state, event);
    this.state = next;
  }
}

/** Phase advance from the first to the second half of a block, divided by the half length. */
function halfAdvance(out: Float64Array, k: number, half: number): number {
  const o = k * 4;
  const re1 = out[o] as number;
  const im1 = out[o + 1] as number;
  const re2 = out[o + 2] as number;
  const im2 = out[o + 3] as number;
  return Math.atan2(im2 * re1 - re2 * im1, re2 * re1 + im2 * im1) / half;
}

function wrap(a: number): number {
  return a - 2 * Math.PI * Math.round(a / (2 * Math.PI));
}
