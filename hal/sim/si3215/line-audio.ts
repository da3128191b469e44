/**
 * The audio side of the simulated ProSLIC: the codec between the PCM bus and the line (µ-law,
 * A-law or 16-bit linear, as register 1 selects), silence when the path is closed, and a line
 * monitor that hears what is on tip/ring whatever the phone's hook state (caller ID on-hook).
 */
import type { Cancel, Clock } from '../../../firmware/core/clock.js';
import { alawToLinear, linearToAlaw, linearToUlaw, ulawToLinear } from '../../../firmware/media/g711.js';
import { PCM_MODE } from '../../../firmware/line/slic/si321x/registers.js';
import type { LineTerminal } from '../sim-line.js';

const SAMPLE_RATE = 8000;
/** recordLine() gives up this long after its end time (no PCM stream running). */
const LISTEN_GRACE_MS = 100;

interface Recorder {
  buf: Int16Array;
  filled: number;
  resolve: (s: Int16Array) => void;
  timer: Cancel;
}

export class LineAudio {
  private recorders: Recorder[] = [];
  private lineBuf = new Int16Array(0);

  constructor(
    private readonly clock: Clock,
    /** The path is open (PCM on, right timeslot, line fed). */
    private readonly open: () => boolean,
    /** PCM format code (register 1 bits 4:3). */
    private readonly format: () => number,
  ) {}

  /** Phone → PCM bus: what the mouthpiece gives, through the codec, or silence. */
  capture(terminal: LineTerminal | undefined, out: Int16Array): void {
    terminal?.mouthpiece(out);
    if (!this.open()) out.fill(0);
    else this.companding(out);
  }

  /** PCM bus → line: through the codec (or silence) to the line monitor and the earpiece. */
  playout(terminal: LineTerminal | undefined, frame: Int16Array): void {
    if (this.lineBuf.length !== frame.length) this.lineBuf = new Int16Array(frame.length);
    const line = this.lineBuf;
    if (this.open()) {
      line.set(frame);
      this.companding(line);
    } else {
      line.fill(0);
    }
    for (const rec of [...this.recorders]) {
      const count = Math.min(line.length, rec.buf.length - rec.filled);
      rec.buf.set(line.subarray(0, count), rec.filled);
      rec.filled += count;
      if (rec.filled >= rec.buf.length) this.end(rec);
    }
    terminal?.earpiece(line);
  }

  /** What goes onto the line during the next `ms`. */
  record(ms: number): Promise<Int16Array> {
    const n = Math.round((ms * SAMPLE_RATE) / 1000);
    return new Promise((resolve) => {
      const rec: Recorder = { buf: new Int16Array(n), filled: 0, resolve, timer: this.clock.at(this.clock.now() + ms + LISTEN_GRACE_MS, () => this.end(rec)) };
      this.recorders.push(rec);
      if (n === 0) this.end(rec);
    });
  }

  private end(rec: Recorder): void {
    const i = this.recorders.indexOf(rec);
    if (i < 0) return;
    this.recorders.splice(i, 1);
    rec.timer();
    rec.resolve(rec.buf);
  }

  private companding(buf: Int16Array): void {
    const format = this.format();
    if (format === PCM_MODE.FORMAT_ULAW) for (let i = 0; i < buf.length; i++) buf[i] = ulawToLinear(linearToUlaw(buf[i] as number));
    else if (format === PCM_MODE.FORMAT_ALAW) for (let i = 0; i < buf.length; i++) buf[i] = alawToLinear(linearToAlaw(buf[i] as number));
  }
}
