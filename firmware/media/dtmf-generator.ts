/**
 * In-band DTMF generator, sans-IO: queue digits, then pull samples with `fill` once per period.
 * Each digit is `onMs` of its two tones (raised-cosine ramps of 2 ms inside the on time, so no
 * clicks and exact timing) followed by `offMs` of silence. `twistDb` raises the high group
 * relative to the low group (negative: high group weaker).
 */
import { dbm0ToAmplitude } from './levels.js';
import { dtmfFrequencies, normaliseDtmfDigit } from './dtmf.js';

export interface DtmfGeneratorOptions {
  sampleRate?: number;
  /** Level of each tone, dBm0 (default −10); the high tone gets `levelDbm0 + twistDb`. */
  levelDbm0?: number;
  /** High-group level minus low-group level, dB (default 0). */
  twistDb?: number;
}

interface Queued {
  digit: string;
  onSamples: number;
  offSamples: number;
}

const TWO_PI = 2 * Math.PI;
const RAMP_MS = 2;

export class DtmfGenerator {
  readonly sampleRate: number;
  /** Called when a digit's tone has been fully written (before its off time). */
  onDigitSent?: (digit: string) => void;
  /** Called when the queue has been played out, off time included. */
  onIdle?: () => void;

  private readonly lowAmp: number;
  private readonly highAmp: number;
  private readonly ramp: number;
  private readonly queue_: Queued[] = [];
  private current: Queued | undefined;
  private pos = 0;
  private lowInc = 0;
  private highInc = 0;
  private lowPhase = 0;
  private highPhase = 0;

  constructor(o: DtmfGeneratorOptions = {}) {
    this.sampleRate = o.sampleRate ?? 8000;
    const level = o.levelDbm0 ?? -10;
    this.lowAmp = dbm0ToAmplitude(level);
    this.highAmp = dbm0ToAmplitude(level + (o.twistDb ?? 0));
    this.ramp = Math.max(1, Math.round((RAMP_MS * this.sampleRate) / 1000));
  }

  /** True when nothing is queued or playing. */
  get idle(): boolean {
    return this.current === undefined && this.queue_.length === 0;
  }

  /** Queue digits (0-9 * # A-D, case-insensitive); throws DtmfDigitError on anything else. */
  queue(digits: string, onMs = 80, offMs = 80): void {
    if (!(onMs > 0) || !(offMs >= 0)) throw new RangeError(`bad DTMF timing ${onMs}/${offMs} ms`);
    const items = [...digits].map((d) => normaliseDtmfDigit(d)); // validate all before queueing any
    for (const digit of items) {
      this.queue_.push({
        digit,
        onSamples: Math.max(1, Math.round((onMs * this.sampleRate) / 1000)),
        offSamples: Math.round((offMs * this.sampleRate) / 1000),
      });
    }
  }

  /** Drop everything queued and stop at once (no callbacks). */
  cancel(): void {
    this.queue_.length = 0;
    this.current = undefined;
  }

  /** Write the next `out.length` samples; silence when idle. */
  fill(out: Int16Array): void {
    let o = 0;
    while (o < out.length) {
      if (!this.current && !this.start()) {
        out.fill(0, o);
        return;
      }
      const cur = this.current as Queued;
      const total = cur.onSamples + cur.offSamples;
      const n = Math.min(out.length - o, total - this.pos);
      for (let k = 0; k < n; k++) {
        const p = this.pos + k;
        out[o + k] = p < cur.onSamples ? this.sample(p, cur.onSamples) : 0;
      }
      const wasOn = this.pos < cur.onSamples;
      this.pos += n;
      o += n;
      if (wasOn && this.pos >= cur.onSamples) this.onDigitSent?.(cur.digit);
      if (this.pos >= total) {
        this.current = undefined;
        if (this.queue_.length === 0) this.onIdle?.();
      }
    }
  }

  private start(): boolean {
    const next = this.queue_.shift();
    if (!next) return false;
    const [low, high] = dtmfFrequencies(next.digit);
    this.current = next;
    this.pos = 0;
    this.lowInc = (TWO_PI * low) / this.sampleRate;
    this.highInc = (TWO_PI * high) / this.sampleRate;
    this.lowPhase = 0;
    this.highPhase = 0;
    return true;
  }

  private sample(p: number, on: number): number {
    const ramp = Math.min(this.ramp, Math.floor(on / 2));
    let g = 1;
    if (ramp > 0) {
      if (p < ramp) g = rise(p, ramp);
      else if (on - 1 - p < ramp) g = rise(on - 1 - p, ramp);
    }
    const v = g * (this.lowAmp * Math.sin(this.lowPhase) + this.highAmp * Math.sin(this.highPhase));
    this.lowPhase += this.lowInc;
    if (this.lowPhase >= TWO_PI) this.lowPhase -= TWO_PI;
    this.highPhase += this.highInc;
    if (this.highPhase >= TWO_PI) this.highPhase -= TWO_PI;
    const r = Math.round(v);
    return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
  }
}

function rise(p: number, n: number): number {
  return 0.5 - 0.5 * Math.cos((Math.PI * (p + 0.5)) / n);
}
