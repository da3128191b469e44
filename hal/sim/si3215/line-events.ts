/**
 * What a telephone sees of the line state of the simulated ProSLIC: ring voltage on or off (with
 * the frequency it rings at) and battery polarity. Emits changes to SimLine listeners.
 */
import { LF } from '../../../firmware/line/slic/si321x/registers.js';
import type { LfCode } from '../../../firmware/line/slic/si321x/registers.js';
import type { Polarity } from '../sim-line.js';
import type { FeedMode } from './loop-detector.js';

export class LineEvents {
  ringing = false;
  polarity: Polarity = 'forward';
  /** Frequency of the current or last ring burst, Hz. */
  lastRingHz: number | undefined;
  private readonly ringListeners: Array<(ringing: boolean, at: number) => void> = [];
  private readonly polarityListeners: Array<(polarity: Polarity, at: number) => void> = [];

  onRing(cb: (ringing: boolean, at: number) => void): void {
    this.ringListeners.push(cb);
  }

  onPolarity(cb: (polarity: Polarity, at: number) => void): void {
    this.polarityListeners.push(cb);
  }

  /** The line is now in `mode` with linefeed `lf`; `ringHz` is what the oscillator makes. */
  update(mode: FeedMode, lf: LfCode, ringHz: number | undefined, at: number): void {
    const ringing = mode === 'ringing';
    if (ringing !== this.ringing) {
      this.ringing = ringing;
      if (ringing) this.lastRingHz = ringHz;
      for (const cb of [...this.ringListeners]) cb(ringing, at);
    }
    const p = polarityOf(lf);
    if (p && p !== this.polarity) {
      this.polarity = p;
      for (const cb of [...this.polarityListeners]) cb(p, at);
    }
  }
}

/** Polarity of a fed linefeed state; undefined for open and ringing (polarity unchanged). */
function polarityOf(lf: LfCode): Polarity | undefined {
  if (lf === LF.FORWARD_ACTIVE || lf === LF.FORWARD_OHT) return 'forward';
  if (lf === LF.REVERSE_ACTIVE || lf === LF.REVERSE_OHT) return 'reverse';
  return undefined;
}
