/**
 * A simulated analog telephone plugged into a SimLine: hook switch, DTMF keypad, rotary dial
 * (hook pulses), a mouthpiece that can play test tones, an earpiece that can be recorded, and a
 * ringer that notes ring bursts, their cadence and frequency.
 *
 * Audio runs in the line's PCM periods (`mouthpiece()` / `earpiece()`); timed actions (pulses,
 * flash) run on the injected clock. On-hook the mouthpiece is silent and the earpiece hears
 * nothing. One mouthpiece/hook activity at a time: starting another one throws 'busy'; putting
 * the phone on-hook (or off-hook) by hand cancels the running one, whose promise rejects.
 */
import type { Cancel, Clock } from '../../firmware/core/clock.js';
import { IllegalTransitionError, LocalError } from '../../firmware/core/errors.js';
import { DtmfGenerator } from '../../firmware/media/dtmf-generator.js';
import { ToneGenerator } from '../../firmware/media/tone-generator.js';
import type { ToneSpec } from '../../firmware/media/tone-spec.js';
import type { RigPhone } from '../rig/rig-session.js';
import type { LineTerminal, Polarity, SimLine } from './sim-line.js';

export type SimPhoneErrorCode = 'on-hook' | 'busy' | 'bad-argument' | 'cancelled';

export class SimPhoneError extends LocalError {
  declare readonly code: SimPhoneErrorCode;
  constructor(code: SimPhoneErrorCode, message: string) {
    super(code, message);
  }
}

/** A ring cycle ends once the line has been quiet this long after a burst (longer than any off period). */
export const RING_CYCLE_GAP_MS = 6500;
/** listen() gives up waiting for audio this long after its end time (e.g. no PCM stream running). */
const LISTEN_GRACE_MS = 100;

type Activity = 'idle' | 'dtmf' | 'tone' | 'pulse' | 'flash';
type ActivityEvent = 'start-dtmf' | 'start-tone' | 'start-pulse' | 'start-flash' | 'end';

const ACTIVITY_TABLE: Record<Activity, Partial<Record<ActivityEvent, Activity>>> = {
  idle: { 'start-dtmf': 'dtmf', 'start-tone': 'tone', 'start-pulse': 'pulse', 'start-flash': 'flash' },
  dtmf: { end: 'idle' },
  tone: { end: 'idle' },
  pulse: { end: 'idle' },
  flash: { end: 'idle' },
};

interface Job {
  resolve: () => void;
  reject: (e: Error) => void;
  /** Mouthpiece source for dtmf/tone. */
  fill?: (out: Int16Array) => boolean;
  timer?: Cancel;
}

interface Recorder {
  buf: Int16Array;
  filled: number;
  resolve: (s: Int16Array) => void;
  timer: Cancel;
}

export class SimPhone implements RigPhone, LineTerminal {
  readonly sampleRate: number;
  private readonly clock: Clock;
  private readonly line: SimLine;
  private offHook = false;
  private activity: Activity = 'idle';
  private job: Job | undefined;
  private recorders: Recorder[] = [];
  private burstStart: number | undefined;
  private lastStop: number | undefined;
  private lastOnMs: number | undefined;
  private lastOffMs: number | undefined;
  private cycle = false;
  private readonly ringListeners: Array<(ringing: boolean, at: number) => void> = [];
  private readonly polarityListeners: Array<(p: Polarity, at: number) => void> = [];

  constructor(o: { clock: Clock; line: SimLine; sampleRate?: number }) {
    this.clock = o.clock;
    this.line = o.line;
    this.sampleRate = o.sampleRate ?? 8000;
    this.line.connect(this);
    this.line.onRing((ringing, at) => this.onLineRing(ringing, at));
    this.line.onPolarity((p, at) => {
      for (const cb of [...this.polarityListeners]) cb(p, at);
    });
  }

  // ---- state ---------------------------------------------------------------------------------

  get isOffHook(): boolean {
    return this.offHook;
  }

  get isRinging(): boolean {
    return this.line.ringing;
  }

  /** Ringing now, or in the gap after a burst: until RING_CYCLE_GAP_MS of quiet or off-hook. */
  get inRingCycle(): boolean {
    if (this.line.ringing) return true;
    if (!this.cycle || this.offHook || this.lastStop === undefined) return false;
    return this.clock.now() - this.lastStop < RING_CYCLE_GAP_MS;
  }

  get polarity(): Polarity {
    return this.line.polarity;
  }

  /** The last complete ring-on and ring-off periods of the current/last ring cycle, rounded to 10 ms. */
  ringCadence(): { onMs: number; offMs: number } | undefined {
    if (this.lastOnMs === undefined || this.lastOffMs === undefined) return undefined;
    const r = (ms: number) => Math.round(ms / 10) * 10;
    return { onMs: r(this.lastOnMs), offMs: r(this.lastOffMs) };
  }

  ringFrequencyHz(): number | undefined {
    return this.line.ringFrequencyHz();
  }

  onRing(cb: (ringing: boolean, at: number) => void): void {
    this.ringListeners.push(cb);
  }

  onPolarity(cb: (polarity: Polarity, at: number) => void): void {
    this.polarityListeners.push(cb);
  }

  // ---- hook ----------------------------------------------------------------------------------

  hookOff(): void {
    this.cancelJob('cancelled', 'phone was put off-hook by hand');
    this.setHook(true);
  }

  hookOn(): void {
    this.cancelJob('on-hook', 'phone is on-hook');
    this.setHook(false);
  }

  /** On-hook for `ms`, then off-hook again. Needs off-hook. */
  async flash(ms = 500): Promise<void> {
    this.requireOffHook();
    if (!(ms > 0)) throw new SimPhoneError('bad-argument', `bad flash time ${ms}`);
    return this.startJob('start-flash', (job) => {
      this.setHook(false);
      job.timer = this.clock.at(this.clock.now() + ms, () => {
        this.setHook(true);
        this.finishJob();
      });
    });
  }

  /**
   * Rotary dialling: each digit is n breaks (on-hook) of breakPct % of a 1/pps period ('0' = 10),
   * separated by makes; interDigitMs of off-hook follows each digit, the last one included, so
   * back-to-back calls stay separate digits. Needs off-hook.
   */
  async pulse(digits: string, pps = 10, breakPct = 60, interDigitMs = 700): Promise<void> {
    this.requireOffHook();
    if (!/^[0-9]+$/.test(digits)) throw new SimPhoneError('bad-argument', `rotary digits must be 0-9, got '${digits}'`);
    if (!(pps > 0 && pps <= 50) || !(breakPct > 0 && breakPct < 100) || !(interDigitMs >= 0)) {
      throw new SimPhoneError('bad-argument', `bad pulse timing pps=${pps} break=${breakPct}% gap=${interDigitMs}`);
    }
    const periodMs = 1000 / pps;
    const breakMs = (periodMs * breakPct) / 100;
    const steps: Array<{ at: number; offHook: boolean }> = [];
    let t = this.clock.now();
    for (const d of digits) {
      const n = d === '0' ? 10 : Number(d);
      for (let p = 0; p < n; p++) {
        steps.push({ at: t, offHook: false });
        steps.push({ at: t + breakMs, offHook: true });
        t += p === n - 1 ? breakMs : periodMs;
      }
      t += interDigitMs;
    }
    return this.startJob('start-pulse', (job) => {
      let i = 0;
      const next = () => {
        const step = steps[i++];
        if (!step) {
          job.timer = this.clock.at(t, () => this.finishJob());
          return;
        }
        job.timer = this.clock.at(step.at, () => {
          this.setHook(step.offHook);
          next();
        });
      };
      next();
    });
  }

  // ---- mouthpiece ----------------------------------------------------------------------------

  /** DTMF from the keypad; resolves once the last digit's audio has gone out through the PCM path. */
  async dial(digits: string, onMs = 80, offMs = 80): Promise<void> {
    this.requireOffHook();
    if (!/^[0-9*#A-D]+$/i.test(digits)) throw new SimPhoneError('bad-argument', `DTMF digits must be 0-9 * # A-D, got '${digits}'`);
    if (!(onMs > 0) || !(offMs >= 0)) throw new SimPhoneError('bad-argument', `bad DTMF timing ${onMs}/${offMs}`);
    const gen = new DtmfGenerator({ sampleRate: this.sampleRate });
    gen.queue(digits.toUpperCase(), onMs, offMs);
    return this.startJob('start-dtmf', (job) => {
      job.fill = (out) => {
        gen.fill(out);
        return gen.idle;
      };
    });
  }

  /** A steady tone of one or more frequencies into the mouthpiece for `ms`. */
  async playTone(freqs: number[], ms: number, levelDbm0 = -10): Promise<void> {
    this.requireOffHook();
    if (freqs.length === 0 || freqs.some((f) => !(f > 0 && f < this.sampleRate / 2)) || !(ms > 0)) {
      throw new SimPhoneError('bad-argument', `bad tone ${freqs.join('+')} Hz for ${ms} ms`);
    }
    const spec: ToneSpec = {
      name: `phone ${freqs.join('+')}`,
      segments: [{ components: freqs.map((frequencyHz) => ({ frequencyHz, levelDbm0 })), durationMs: ms }],
      repeat: false,
    };
    const gen = new ToneGenerator(spec, this.sampleRate);
    return this.startJob('start-tone', (job) => {
      job.fill = (out) => {
        gen.fill(out);
        return gen.done;
      };
    });
  }

  /** Called by the line once per PCM period. */
  mouthpiece(out: Int16Array): void {
    if (!this.offHook) {
      out.fill(0);
      return;
    }
    const job = this.job;
    if (!job?.fill) return;
    if (job.fill(out)) this.finishJob();
  }

  // ---- earpiece ------------------------------------------------------------------------------

  /** Record what the earpiece hears during the next `ms` (silence while on-hook). */
  async listen(ms: number): Promise<Int16Array> {
    if (!(ms >= 0)) throw new SimPhoneError('bad-argument', `bad listen time ${ms}`);
    const n = Math.round((ms * this.sampleRate) / 1000);
    if (n === 0) return Promise.resolve(new Int16Array(0));
    return new Promise((resolve) => {
      const rec: Recorder = {
        buf: new Int16Array(n),
        filled: 0,
        resolve,
        timer: this.clock.at(this.clock.now() + ms + LISTEN_GRACE_MS, () => this.endRecording(rec)),
      };
      this.recorders.push(rec);
    });
  }

  /** Called by the line once per PCM period. */
  earpiece(frame: Int16Array): void {
    if (this.recorders.length === 0) return;
    for (const rec of [...this.recorders]) {
      const count = Math.min(frame.length, rec.buf.length - rec.filled);
      if (this.offHook) rec.buf.set(frame.subarray(0, count), rec.filled);
      rec.filled += count;
      if (rec.filled >= rec.buf.length) this.endRecording(rec);
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  private endRecording(rec: Recorder): void {
    const i = this.recorders.indexOf(rec);
    if (i < 0) return;
    this.recorders.splice(i, 1);
    rec.timer();
    rec.resolve(rec.buf);
  }

  private setHook(offHook: boolean): void {
    if (offHook === this.offHook) return;
    this.offHook = offHook;
    if (offHook) this.cycle = false;
    this.line.setOffHook(offHook);
  }

  private requireOffHook(): void {
    if (!this.offHook) throw new SimPhoneError('on-hook', 'phone is on-hook');
  }

  private startJob(event: ActivityEvent, begin: (job: Job) => void): Promise<void> {
    if (this.activity !== 'idle') throw new SimPhoneError('busy', `phone is busy (${this.activity})`);
    return new Promise<void>((resolve, reject) => {
      const job: Job = { resolve, reject };
      this.transition(event);
      this.job = job;
      begin(job);
    });
  }

  private finishJob(): void {
    const job = this.job;
    if (!job) return;
    this.job = undefined;
    job.timer?.();
    this.transition('end');
    job.resolve();
  }

  private cancelJob(code: SimPhoneErrorCode, message: string): void {
    const job = this.job;
    if (!job) return;
    this.job = undefined;
    job.timer?.();
    this.transition('end');
    job.reject(new SimPhoneError(code, message));
  }

  private onLineRing(ringing: boolean, at: number): void {
    if (ringing) {
      const newCycle = !this.cycle || this.lastStop === undefined || at - this.lastStop >= RING_CYCLE_GAP_MS;
      if (newCycle) {
        this.lastOnMs = undefined;
        this.lastOffMs = undefined;
      } else {
        this.lastOffMs = at - (this.lastStop as number);
      }
      this.cycle = !this.offHook;
      this.burstStart = at;
    } else {
      if (this.burstStart !== undefined) this.lastOnMs = at - this.burstStart;
      this.burstStart = undefined;
      this.lastStop = at;
    }
    for (const cb of [...this.ringListeners]) cb(ringing, at);
  }

  private transition(event: ActivityEvent): void {
    const next = ACTIVITY_TABLE[this.activity][event];
    if (!next) throw new IllegalTransitionError('sim-phone', this.activity, event);
    this.activity = next;
  }
}
