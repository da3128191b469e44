/**
 * Plays a ToneSpec into PCM buffers, sans-IO: the caller pulls samples with `fill`.
 * - Phase-continuous: oscillators keep their phase across calls, and across segments when the
 *   next segment holds the same frequency (then only the level moves, along a ramp).
 * - Click-free: a component that starts or stops does so with a raised-cosine ramp of 2 ms.
 * - Sample-accurate cadence: segment lengths are rounded to whole samples once, no drift, and a
 *   tone next to a silent gap is centred on its boundary (it borrows 1 ms of the gap for its
 *   ramp), so the half-amplitude points fall exactly on the segment boundaries. Only the very
 *   first ramp of a tone, with nothing before it, lies inside its segment. Between two sounding
 *   segments the ramps lie inside each segment.
 */
import { dbm0ToAmplitude } from './levels.js';
import type { ToneSegment, ToneSpec } from './tone-spec.js';
import { DEFAULT_MODULATION_DEPTH } from './tone-spec.js';

const RAMP_MS = 2;
const TWO_PI = 2 * Math.PI;
const START_PHASE = Math.PI / 2; // start on a cosine peak so the first ramp sample is not 0

interface Prepared {
  samples: number; // Infinity = forever
  freqs: Float64Array;
  incs: Float64Array;
  amps: Float64Array;
  modInc: number; // 0 = no modulation
  modDepth: number;
  ramp: number;
}

export class ToneGenerator {
  readonly spec: ToneSpec;
  readonly sampleRate: number;
  private readonly segs: Prepared[];
  private readonly repeatFrom: number;
  private index = 0;
  private pos = 0;
  private finished = false;
  private phases: Float64Array;
  private spare: Float64Array;
  private readonly starts: Float64Array;
  private readonly rampDown: Uint8Array;
  private modPhase = 0;
  /** Length of the current segment as played (nominal ± borrowed ramp halves). */
  private len = 0;
  /** Samples the current silent segment leaves to the next tone's ramp. */
  private reservedLead = 0;
  /** Samples the current tone takes from the silent segment after it. */
  private pendingTrail = 0;
  private readonly halfRamp: number;

  constructor(spec: ToneSpec, sampleRate = 8000) {
    this.spec = spec;
    this.sampleRate = sampleRate;
    const rampSamples = Math.max(1, Math.round((RAMP_MS * sampleRate) / 1000));
    this.halfRamp = rampSamples >> 1;
    let maxComps = 1;
    this.segs = spec.segments.map((s) => {
      maxComps = Math.max(maxComps, s.components.length);
      return prepare(s, sampleRate, rampSamples);
    });
    this.repeatFrom = Math.min(Math.max(0, spec.repeatFrom ?? 0), Math.max(0, this.segs.length - 1));
    this.phases = new Float64Array(maxComps);
    this.spare = new Float64Array(maxComps);
    this.starts = new Float64Array(maxComps);
    this.rampDown = new Uint8Array(maxComps);
    this.reset();
  }

  /** True once a non-repeating tone has played all its segments. */
  get done(): boolean {
    return this.finished;
  }

  /** Back to the start of the tone. */
  reset(): void {
    this.index = 0;
    this.pos = 0;
    this.modPhase = 0;
    this.reservedLead = 0;
    this.pendingTrail = 0;
    this.finished = this.segs.length === 0;
    if (!this.finished) this.enter(0, -1);
  }

  /** Write `count` samples (default: to the end of `out`) from `offset`; silence once done. */
  fill(out: Int16Array, offset = 0, count = out.length - offset): void {
    let o = offset;
    let left = Math.min(count, out.length - offset);
    while (left > 0) {
      if (this.finished) {
        out.fill(0, o, o + left);
        return;
      }
      const seg = this.segs[this.index] as Prepared;
      const n = Math.min(left, this.len - this.pos);
      this.render(seg, out, o, n);
      o += n;
      left -= n;
      this.pos += n;
      if (this.pos >= this.len) this.advance();
    }
  }

  private render(seg: Prepared, out: Int16Array, o: number, n: number): void {
    const nc = seg.freqs.length;
    if (nc === 0) {
      out.fill(0, o, o + n);
      return;
    }
    const { ramp, amps, incs } = seg;
    const samples = this.len;
    const phases = this.phases;
    for (let k = 0; k < n; k++) {
      const p = this.pos + k;
      let v = 0;
      for (let i = 0; i < nc; i++) {
        const amp = amps[i] as number;
        let g = amp;
        if (p < ramp) {
          const start = this.starts[i] as number;
          if (start !== amp) g = start + (amp - start) * rise(p, ramp);
        }
        if (this.rampDown[i] && samples - 1 - p < ramp) g *= rise(samples - 1 - p, ramp);
        const ph = phases[i] as number;
        v += g * Math.cos(ph);
        let next = ph + (incs[i] as number);
        if (next >= TWO_PI) next -= TWO_PI;
        phases[i] = next;
      }
      if (seg.modInc > 0) {
        v *= 1 + seg.modDepth * Math.cos(this.modPhase);
        this.modPhase += seg.modInc;
        if (this.modPhase >= TWO_PI) this.modPhase -= TWO_PI;
      }
      const r = Math.round(v);
      out[o + k] = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
    }
  }

  private nextIndex(i: number): number {
    if (i + 1 < this.segs.length) return i + 1;
    return this.spec.repeat ? this.repeatFrom : -1;
  }

  private advance(): void {
    const prev = this.index;
    const next = this.nextIndex(prev);
    if (next < 0) {
      this.finished = true;
      return;
    }
    this.index = next;
    this.pos = 0;
    this.enter(next, prev);
  }

  /** Set up phases, start levels and ramp-down flags for segment `i`, coming from `prev`. */
  private enter(i: number, prev: number): void {
    const seg = this.segs[i] as Prepared;
    const before = prev >= 0 ? (this.segs[prev] as Prepared) : undefined;
    const phases = this.spare;
    for (let c = 0; c < seg.freqs.length; c++) {
      const j = before ? match(before, seg, c) : -1;
      phases[c] = j >= 0 ? (this.phases[j] as number) : START_PHASE;
      this.starts[c] = j >= 0 ? (before!.amps[j] as number) : 0;
    }
    if (!before || !sameModulation(before, seg)) this.modPhase = 0;
    this.spare = this.phases;
    this.phases = phases;
    const ni = this.nextIndex(i);
    const after = ni >= 0 ? (this.segs[ni] as Prepared) : undefined;
    for (let c = 0; c < seg.freqs.length; c++) {
      this.rampDown[c] = after && matchIn(seg, c, after) >= 0 ? 0 : 1;
    }
    this.len = this.playedLength(seg, prev, after);
  }

  /** Nominal length, adjusted so tone ramps next to silent gaps are centred on the boundary. */
  private playedLength(seg: Prepared, prev: number, after: Prepared | undefined): number {
    const canLend = (s: Prepared) => s.freqs.length === 0 && s.samples >= 2 * this.halfRamp;
    if (seg.freqs.length === 0) {
      const trail = this.pendingTrail;
      this.pendingTrail = 0;
      const lead = after && after.freqs.length > 0 && canLend(seg) ? after.ramp >> 1 : 0;
      this.reservedLead = lead;
      return seg.samples - trail - lead;
    }
    const lead = prev >= 0 ? this.reservedLead : 0;
    this.reservedLead = 0;
    const trail = after && canLend(after) && Number.isFinite(seg.samples) ? seg.ramp >> 1 : 0;
    this.pendingTrail = trail;
    return seg.samples + lead + trail;
  }
}

/** Raised-cosine rise for sample `p` of a ramp `n` samples long (0 < value < 1). */
function rise(p: number, n: number): number {
  return 0.5 - 0.5 * Math.cos((Math.PI * (p + 0.5)) / n);
}

function sameModulation(a: Prepared, b: Prepared): boolean {
  return a.modInc === b.modInc && a.modDepth === b.modDepth;
}

/** Index in `from` of the component of `to` numbered `c`, if it continues from there. */
function match(from: Prepared, to: Prepared, c: number): number {
  if (!sameModulation(from, to)) return -1;
  const f = to.freqs[c];
  for (let j = 0; j < from.freqs.length; j++) if (from.freqs[j] === f) return j;
  return -1;
}

/** Index in `to` of component `c` of `from`, if it continues there. */
function matchIn(from: Prepared, c: number, to: Prepared): number {
  if (!sameModulation(from, to)) return -1;
  const f = from.freqs[c];
  for (let j = 0; j < to.freqs.length; j++) if (to.freqs[j] === f) return j;
  return -1;
}

function prepare(s: ToneSegment, sampleRate: number, rampSamples: number): Prepared {
  const comps = s.components.filter((c) => c.frequencyHz > 0);
  const samples = s.durationMs > 0 ? Math.max(1, Math.round((s.durationMs * sampleRate) / 1000)) : Infinity;
  const modulated = comps.length > 0 && (s.modulationHz ?? 0) > 0;
  const depth = modulated ? Math.min(1, Math.max(0, s.modulationDepth ?? DEFAULT_MODULATION_DEPTH)) : 0;
  // Keep the power of the modulated signal equal to the declared level.
  const norm = modulated ? 1 / Math.sqrt(1 + (depth * depth) / 2) : 1;
  return {
    samples,
    freqs: Float64Array.from(comps, (c) => c.frequencyHz),
    incs: Float64Array.from(comps, (c) => (TWO_PI * c.frequencyHz) / sampleRate),
    amps: Float64Array.from(comps, (c) => dbm0ToAmplitude(c.levelDbm0) * norm),
    modInc: modulated ? (TWO_PI * (s.modulationHz as number)) / sampleRate : 0,
    modDepth: depth,
    ramp: Math.max(1, Math.min(rampSamples, Math.floor(samples / 2))),
  };
}
