/**
 * Packet loss concealment after ITU-T G.711 Appendix I (09/99), written from the algorithm's
 * description; double precision throughout, so its output matches the Appendix's test vectors.
 *
 * Works on 10 ms frames (80 samples at 8 kHz). It keeps 48.75 ms of history and delays its
 * output by 3.75 ms (30 samples), so the last quarter period before a loss can still be
 * smoothed. On a loss:
 * - 1st lost frame: find the pitch period P of the history; loop over the last period, with the
 *   last P/4 of history cross-faded (triangular window) into the P/4 before that period, so the
 *   loop joins itself and the real signal smoothly;
 * - 2nd and 3rd lost frames: the loop grows to 2 then 3 periods (the switch is cross-faded over
 *   P/4), and the output fades linearly by 20% per 10 ms from the start of the 2nd frame;
 * - after 60 ms: silence.
 * The first good frame after a loss is cross-faded from the (attenuated) synthetic signal over
 * P/4 + 4 ms per extra lost frame, at most 10 ms.
 *
 * Packets of 20 or 30 ms are 2 or 3 frames with the same loss flag: see `process`.
 */
import { LocalError } from '../../core/errors.js';
import { CORRLEN, PITCH_MAX, findPitchLag } from './pitch.js';

/** Samples per concealment frame (10 ms at 8 kHz). */
export const PLC_FRAME = 80;
/** Output delay, samples (3.75 ms). */
export const PLC_DELAY = PITCH_MAX >> 2;
/** History length: three longest periods plus one overlap (48.75 ms). */
const HISTORY = 3 * PITCH_MAX + PLC_DELAY;
/** Extra merge length per additional lost frame, samples (4 ms). */
const MERGE_STEP = 32;
/** Attenuation per 10 ms from the second lost frame on. */
const ATTEN_PER_FRAME = 0.2;
const ATTEN_PER_SAMPLE = ATTEN_PER_FRAME / PLC_FRAME;
/** Lost frames after which the output is silent. */
const MAX_SYNTH_FRAMES = 6;

// The history must cover the pitch search window.
if (HISTORY < CORRLEN + PITCH_MAX) throw new Error('PLC history shorter than the pitch search');

export class G711Plc {
  /** Received and synthetic signal, newest last. */
  private readonly history = new Int16Array(HISTORY);
  /** Floating-point copy of the history that the synthetic loop is read from. */
  private readonly synth = new Float64Array(HISTORY);
  /** The last quarter period of history as it was before smoothing. */
  private readonly savedTail = new Float64Array(PLC_DELAY);
  private readonly scratch = new Int16Array(PLC_FRAME);
  /** Synthetic samples to cross-fade from (a grown loop's start, a good frame's start). */
  private readonly mergeBuf = new Int16Array(PLC_FRAME);
  /** Consecutive lost frames so far. */
  private lostRun = 0;
  private period = 0;
  private overlap = 0;
  /** Loop length (1–3 periods) and read position inside the loop. */
  private loopLen = 0;
  private readPos = 0;

  /** Consecutive frames concealed so far (0 while frames are being received). */
  get lostFrames(): number {
    return this.lostRun;
  }

  /** The pitch period (samples) used by the current or last concealment. */
  get pitch(): number {
    return this.period;
  }

  /** Forget the history (new stream). */
  reset(): void {
    this.history.fill(0);
    this.lostRun = 0;
    this.period = this.overlap = this.loopLen = this.readPos = 0;
  }

  /**
   * A received 10 ms frame: `out` (may be `frame` itself) receives the output 30 samples behind.
   */
  good(frame: Int16Array, out: Int16Array = frame): void {
    checkFrame(frame, out);
    if (this.lostRun > 0) {
      const merge = Math.min(PLC_FRAME, this.overlap + (this.lostRun - 1) * MERGE_STEP);
      const fresh = this.scratch;
      for (let i = 0; i < PLC_FRAME; i++) fresh[i] = frame[i];
      const synthTail = this.mergeBuf;
      this.readLoop(synthTail, merge);
      const gain = Math.max(0, 1 - (this.lostRun - 1) * ATTEN_PER_FRAME);
      const step = 1 / merge;
      const stepGain = step * gain;
      let wOld = (1 - step) * gain;
      let wNew = step;
      for (let i = 0; i < merge; i++) {
        fresh[i] = clampTrunc(wOld * synthTail[i] + wNew * fresh[i]);
        wOld -= stepGain;
        wNew += step;
      }
      this.lostRun = 0;
      this.push(fresh, out);
      return;
    }
    this.push(frame, out);
  }

  /** Conceal one lost 10 ms frame into `out` (80 samples, delayed like `good`). */
  lost(out: Int16Array): void {
    checkFrame(out, out);
    const frame = this.scratch;
    if (this.lostRun === 0) {
      this.begin();
      this.readLoop(frame, PLC_FRAME);
    } else if (this.lostRun < 3) {
      this.grow(frame);
      this.fade(frame);
    } else if (this.lostRun < MAX_SYNTH_FRAMES) {
      this.readLoop(frame, PLC_FRAME);
      this.fade(frame);
    } else {
      frame.fill(0);
    }
    this.lostRun++;
    this.push(frame, out);
  }

  /**
   * A block of whole 10 ms frames with one loss flag (a 10, 20 or 30 ms packet). When `lost`,
   * `block` is only written (to `out`, which defaults to `block`).
   */
  process(block: Int16Array, lost: boolean, out: Int16Array = block): void {
    if (block.length % PLC_FRAME !== 0 || out.length < block.length) {
      throw new LocalError('plc-block-size', `PLC blocks are whole ${PLC_FRAME}-sample frames, got ${block.length}`);
    }
    for (let o = 0; o < block.length; o += PLC_FRAME) {
      const dst = out.subarray(o, o + PLC_FRAME);
      if (lost) this.lost(dst);
      else this.good(block.subarray(o, o + PLC_FRAME), dst);
    }
  }

  /**
   * The PLC_DELAY samples still inside the delay line (end of stream): appended to the output,
   * they make it as long as the input.
   */
  drain(out: Int16Array): void {
    if (out.length < PLC_DELAY) throw new LocalError('plc-block-size', `drain needs ${PLC_DELAY} samples`);
    out.set(this.history.subarray(HISTORY - PLC_DELAY));
  }

  /** First lost frame: estimate the period and set up a one-period loop. */
  private begin(): void {
    const s = this.synth;
    for (let i = 0; i < HISTORY; i++) s[i] = this.history[i];
    this.period = findPitchLag(s, HISTORY);
    this.overlap = this.period >> 2;
    const ov = this.overlap;
    for (let i = 0; i < ov; i++) this.savedTail[i] = s[HISTORY - ov + i];
    this.loopLen = this.period;
    this.readPos = 0;
    this.smoothLoopEnd();
    // The smoothed tail has not been played yet (it is inside the output delay): replace it.
    for (let i = HISTORY - ov; i < HISTORY; i++) this.history[i] = truncate(s[i]);
  }

  /** 2nd/3rd lost frame: lengthen the loop by one period, cross-fading into it. */
  private grow(frame: Int16Array): void {
    const ov = this.overlap;
    const before = this.mergeBuf;
    const pos = this.readPos;
    this.readLoop(before, ov); // what the old loop would have played next
    let p = pos;
    while (p > this.period) p -= this.period;
    this.readPos = p;
    this.loopLen += this.period;
    this.smoothLoopEnd();
    this.readLoop(frame, PLC_FRAME);
    const step = 1 / ov;
    let wOld = 1 - step;
    let wNew = step;
    for (let i = 0; i < ov; i++) {
      frame[i] = clampTrunc(wOld * before[i] + wNew * frame[i]);
      wOld -= step;
      wNew += step;
    }
  }

  /**
   * Cross-fade the last quarter period of the loop source from the original signal into the
   * quarter period that precedes the loop's start, so the loop wraps without a step.
   */
  private smoothLoopEnd(): void {
    const s = this.synth;
    const ov = this.overlap;
    const start = HISTORY - this.loopLen - ov;
    const step = 1 / ov;
    let wOld = 1 - step;
    let wNew = step;
    for (let i = 0; i < ov; i++) {
      s[HISTORY - ov + i] = clamp(wOld * this.savedTail[i] + wNew * s[start + i]);
      wOld -= step;
      wNew += step;
    }
  }

  /** Linear attenuation over one frame, continuing from the previous frame's end gain. */
  private fade(frame: Int16Array): void {
    let g = 1 - (this.lostRun - 1) * ATTEN_PER_FRAME;
    for (let i = 0; i < PLC_FRAME; i++) {
      frame[i] = truncate(frame[i] * g);
      g -= ATTEN_PER_SAMPLE;
    }
  }

  /** Read `n` samples of the synthetic loop into `dst`. */
  private readLoop(dst: Int16Array, n: number): void {
    const start = HISTORY - this.loopLen;
    for (let i = 0; i < n; i++) {
      dst[i] = truncate(this.synth[start + this.readPos]);
      if (++this.readPos === this.loopLen) this.readPos = 0;
    }
  }

  /** Append a frame to the history and emit the frame that falls out of the delay line. */
  private push(frame: Int16Array, out: Int16Array): void {
    const h = this.history;
    h.copyWithin(0, PLC_FRAME);
    h.set(frame, HISTORY - PLC_FRAME);
    out.set(h.subarray(HISTORY - PLC_FRAME - PLC_DELAY, HISTORY - PLC_DELAY));
  }
}

function checkFrame(frame: Int16Array, out: Int16Array): void {
  if (frame.length !== PLC_FRAME || out.length !== PLC_FRAME) {
    throw new LocalError('plc-frame-size', `PLC frames are ${PLC_FRAME} samples, got ${frame.length}/${out.length}`);
  }
}

function clamp(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/** Conversion to a 16-bit sample as the Appendix does it: toward zero. */
function truncate(v: number): number {
  return Math.trunc(v);
}

function clampTrunc(v: number): number {
  return Math.trunc(clamp(v));
}
