/**
 * The audio side of the jitter buffer: decoded packets and concealment go through the
 * G.711 Appendix I PLC (10 ms frames, 3.75 ms delay) into a queue of samples waiting to be
 * played, which the time-stretcher may shorten or lengthen near its head.
 */
import { G711Plc, PLC_DELAY, PLC_FRAME } from '../plc/g711-plc.js';
import { SampleQueue } from './sample-queue.js';
import { mergePeriods, repeatPeriod } from './time-stretch.js';

export { PLC_DELAY };

export class PlayoutAudio {
  private readonly queue: SampleQueue;
  private readonly plc = new G711Plc();
  private readonly frame = new Int16Array(PLC_FRAME);
  private readonly scratch: Int16Array;

  constructor(capacity = 8192, maxLag = 240) {
    this.queue = new SampleQueue(capacity);
    this.scratch = new Int16Array(maxLag);
  }

  /** Samples queued (already through the PLC). */
  get length(): number {
    return this.queue.length;
  }

  /** The queued samples, oldest first (a view, valid until the next change). */
  view(): Int16Array {
    return this.queue.view();
  }

  /** Received samples, in 10 ms frames (a partial last frame is padded with silence). */
  good(pcm: Int16Array): void {
    let o = 0;
    for (; o + PLC_FRAME <= pcm.length; o += PLC_FRAME) {
      this.plc.good(pcm.subarray(o, o + PLC_FRAME), this.queue.reserve(PLC_FRAME));
      this.queue.commit(PLC_FRAME);
    }
    if (o < pcm.length) {
      this.frame.fill(0);
      this.frame.set(pcm.subarray(o));
      this.plc.good(this.frame, this.queue.reserve(PLC_FRAME));
      this.queue.commit(PLC_FRAME);
    }
  }

  /** Conceal about `samples` (whole 10 ms frames, at least one); returns how many were made. */
  conceal(samples: number): number {
    const frames = Math.max(1, Math.round(samples / PLC_FRAME));
    for (let i = 0; i < frames; i++) {
      this.plc.lost(this.queue.reserve(PLC_FRAME));
      this.queue.commit(PLC_FRAME);
    }
    return frames * PLC_FRAME;
  }

  /** Accelerate: merge the two periods of `lag` samples at the head into one. */
  merge(lag: number): void {
    mergePeriods(this.queue.view(), lag);
    this.queue.cut(lag, lag);
  }

  /** Expand: insert one cross-faded period of `lag` samples after the first. */
  repeat(lag: number): void {
    repeatPeriod(this.queue.view(), lag, this.scratch);
    this.queue.open(lag, lag).set(this.scratch.subarray(0, lag));
  }

  /** Move the oldest `out.length` samples into `out`. */
  take(out: Int16Array): void {
    this.queue.take(out);
  }

  clear(): void {
    this.queue.clear();
  }

  /** New stream: forget the PLC history too. */
  reset(): void {
    this.queue.clear();
    this.plc.reset();
  }
}
