/**
 * Local N-way conference mixer (3-way: the handset plus two remote parties). Once per frame
 * (20 ms = 160 samples at 8 kHz by default) every participant hears the sum of all the others,
 * never itself: out[k] = Σ_{j≠k} gain[j]·in[j], saturated to 16 bits (no wrap-around).
 *
 * Sans-IO and allocation-free per frame: the caller owns every buffer (decoded RTP and the
 * mouthpiece in, the earpiece and the encoders' input out) and passes them to `mix`. A missing
 * input (null: on hold, lost frame) is silence; a missing output is skipped.
 * Suggested use: participant 0 = the handset, 1 and 2 = the remote calls.
 */
import { LocalError } from '../core/errors.js';

export interface ConferenceMixerOptions {
  /** Number of participants (2..8); default 3. */
  participants?: number;
  /** Samples per frame; default 160 (20 ms at 8 kHz). */
  frameSamples?: number;
}

const MAX = 32767;
const MIN = -32768;

export class ConferenceMixer {
  readonly participants: number;
  readonly frameSamples: number;
  private readonly gains: Float64Array;

  constructor(options: ConferenceMixerOptions = {}) {
    const participants = options.participants ?? 3;
    const frameSamples = options.frameSamples ?? 160;
    if (!Number.isInteger(participants) || participants < 2 || participants > 8) {
      throw new LocalError('bad-mixer-config', `participants must be 2..8, not ${participants}`, { context: { participants } });
    }
    if (!Number.isInteger(frameSamples) || frameSamples < 1) {
      throw new LocalError('bad-mixer-config', `frameSamples must be a positive integer, not ${frameSamples}`, { context: { frameSamples } });
    }
    this.participants = participants;
    this.frameSamples = frameSamples;
    this.gains = new Float64Array(participants).fill(1);
  }

  /** Linear gain (≥ 0) applied to participant `index`'s input, as the others hear it. */
  setGain(index: number, gain: number): void {
    this.checkIndex(index);
    if (!Number.isFinite(gain) || gain < 0) throw new LocalError('bad-mixer-gain', `gain must be finite and ≥ 0, not ${gain}`, { context: { index, gain } });
    this.gains[index] = gain;
  }

  /** Gain in dB (−Infinity = mute). */
  setGainDb(index: number, db: number): void {
    this.setGain(index, db === -Infinity ? 0 : 10 ** (db / 20));
  }

  gain(index: number): number {
    this.checkIndex(index);
    return this.gains[index]!;
  }

  /**
   * Mix one frame. `inputs` and `outputs` have one entry per participant; each buffer holds
   * `frameSamples` samples. An output buffer must not also be an input of this call.
   */
  mix(inputs: ReadonlyArray<Int16Array | null | undefined>, outputs: ReadonlyArray<Int16Array | null | undefined>): void {
    const p = this.participants;
    const len = this.frameSamples;
    if (inputs.length !== p || outputs.length !== p) {
      throw new LocalError('mixer-misuse', `mix needs ${p} inputs and ${p} outputs`, { context: { inputs: inputs.length, outputs: outputs.length } });
    }
    for (let k = 0; k < p; k++) {
      const i = inputs[k];
      const o = outputs[k];
      if ((i && i.length !== len) || (o && o.length !== len)) {
        throw new LocalError('mixer-misuse', `participant ${k}: buffers must hold ${len} samples`, { context: { participant: k } });
      }
      if (o) for (let j = 0; j < p; j++) if (inputs[j] === o) throw new LocalError('mixer-misuse', `output ${k} is also input ${j}`);
    }
    const g = this.gains;
    for (let n = 0; n < len; n++) {
      let total = 0;
      for (let j = 0; j < p; j++) {
        const x = inputs[j];
        if (x) total += g[j]! * x[n]!;
      }
      for (let k = 0; k < p; k++) {
        const o = outputs[k];
        if (!o) continue;
        const x = inputs[k];
        const v = Math.round(x ? total - g[k]! * x[n]! : total);
        o[n] = v > MAX ? MAX : v < MIN ? MIN : v;
      }
    }
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.participants) {
      throw new LocalError('mixer-misuse', `no participant ${index}`, { context: { index } });
    }
  }
}
