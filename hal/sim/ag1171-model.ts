/**
 * The Silvertel Ag1171 ringing SLIC as seen through its pins (Ag1171 datasheet, sections 5.3, 5.9):
 *
 *  - RM  (chip input = our GPIO output): high = ring mode. The host must keep it low except while ringing.
 *  - F/R (chip input = our GPIO output): high = forward (Ring negative w.r.t. Tip), low = reverse.
 *        While RM is high the host toggles it at the ring frequency; the toggling makes the AC ring signal.
 *  - SHK (chip output = our GPIO input): high = off-hook (loop current flowing).
 *
 * The model turns pin activity into what a telephone on the line experiences: ring voltage present
 * (RM high and F/R toggling; it ends at RM low, or 60 ms after the last toggle), the ring frequency
 * measured from the toggles, and battery polarity changes (F/R while RM is low). The phone drives
 * the hook with `setOffHook()`; a change may bounce for `hookBounceMs` (contact bounce, 1 ms steps)
 * except a ring trip (off-hook while ring voltage is present), which raises SHK at once.
 *
 * Audio: the model is the PCM endpoint of its line and passes audio between the bus and the phone
 * in both hook states (the Ag1171 does on-hook transmission with its bias resistor fitted; the phone
 * decides what it hears). While RM is high the line carries ring voltage and no audio.
 */
import type { Cancel, Clock } from '../../firmware/core/clock.js';
import { IllegalTransitionError } from '../../firmware/core/errors.js';
import type { Ag1171Pins } from '../../board/types.js';
import type { GpioValue } from '../gpio.js';
import type { PcmEndpoint } from './pcm-sim.js';
import type { LineTerminal, Polarity, SimLine } from './sim-line.js';
import type { SimGpio } from './gpio-sim.js';

/** F/R level meaning forward polarity. */
export const AG1171_FR_FORWARD: GpioValue = 1;
/** Ringing is considered stopped this long after the last F/R toggle (RM still high). */
export const RING_SILENCE_MS = 60;

type RingState = 'idle' | 'ringing';
type RingEvent = 'toggle' | 'silence' | 'rm-low';

const RING_TABLE: Record<RingState, Partial<Record<RingEvent, RingState>>> = {
  idle: { toggle: 'ringing' },
  ringing: { toggle: 'ringing', silence: 'idle', 'rm-low': 'idle' },
};

/** How many recent toggles the frequency estimate averages over. */
const FREQ_WINDOW = 16;

export class Ag1171Model implements SimLine, PcmEndpoint {
  private readonly gpio: SimGpio;
  private readonly pins: Ag1171Pins;
  private readonly clock: Clock;
  private ringState: RingState = 'idle';
  private rmHigh = false;
  private pol: Polarity = 'forward';
  private toggles: number[] = [];
  private measuredHz: number | undefined;
  private silenceTimer: Cancel | undefined;
  private hookTarget = false;
  private bounceTimers: Cancel[] = [];
  private bounceMs: number;
  private terminal: LineTerminal | undefined;
  private readonly ringListeners: Array<(ringing: boolean, at: number) => void> = [];
  private readonly polarityListeners: Array<(polarity: Polarity, at: number) => void> = [];
  private silentFrame = new Int16Array(0);

  constructor(o: { gpio: SimGpio; pins: Ag1171Pins; clock: Clock; hookBounceMs?: number }) {
    this.gpio = o.gpio;
    this.pins = o.pins;
    this.clock = o.clock;
    this.bounceMs = o.hookBounceMs ?? 0;
    this.rmHigh = this.gpio.outputValue(this.pins.rm) === 1;
    this.gpio.onOutputChange(this.pins.rm, (v, at) => this.onRm(v, at));
    this.gpio.onOutputChange(this.pins.fr, (v, at) => this.onFr(v, at));
    this.gpio.driveInput(this.pins.shk, 0);
  }

  // ---- SimLine -------------------------------------------------------------------------------

  get ringing(): boolean {
    return this.ringState === 'ringing';
  }

  get polarity(): Polarity {
    return this.pol;
  }

  /** The loop state the phone asked for (SHK may still be bouncing). */
  get offHook(): boolean {
    return this.hookTarget;
  }

  /** RM pin is high (ring mode). */
  get ringMode(): boolean {
    return this.rmHigh;
  }

  ringFrequencyHz(): number | undefined {
    return this.measuredHz;
  }

  onRing(cb: (ringing: boolean, at: number) => void): void {
    this.ringListeners.push(cb);
  }

  onPolarity(cb: (polarity: Polarity, at: number) => void): void {
    this.polarityListeners.push(cb);
  }

  connect(terminal: LineTerminal): void {
    this.terminal = terminal;
  }

  /** Contact bounce applied to later hook changes (0 = clean switch). */
  setHookBounce(ms: number): void {
    this.bounceMs = Math.max(0, ms);
  }

  setOffHook(offHook: boolean): void {
    for (const c of this.bounceTimers) c();
    this.bounceTimers = [];
    const previous = this.hookTarget;
    this.hookTarget = offHook;
    const target: GpioValue = offHook ? 1 : 0;
    const other: GpioValue = offHook ? 0 : 1;
    this.gpio.driveInput(this.pins.shk, target);
    // Ring trip is detected by the chip at once; a clean switch (or no change) does not bounce.
    if (previous === offHook || this.bounceMs < 2 || (offHook && this.ringing)) return;
    const start = this.clock.now();
    const steps = Math.floor(this.bounceMs);
    for (let k = 1; k < steps; k++) {
      const level = k % 2 === 1 ? other : target;
      this.bounceTimers.push(this.clock.at(start + k, () => this.gpio.driveInput(this.pins.shk, level)));
    }
    this.bounceTimers.push(this.clock.at(start + this.bounceMs, () => this.gpio.driveInput(this.pins.shk, target)));
  }

  // ---- PcmEndpoint ---------------------------------------------------------------------------

  capture(out: Int16Array): void {
    if (this.rmHigh || !this.terminal) return;
    this.terminal.mouthpiece(out);
  }

  playout(frame: Int16Array): void {
    if (!this.terminal) return;
    if (this.rmHigh) {
      if (this.silentFrame.length !== frame.length) this.silentFrame = new Int16Array(frame.length);
      this.terminal.earpiece(this.silentFrame);
      return;
    }
    this.terminal.earpiece(frame);
  }

  // ---- pin watching --------------------------------------------------------------------------

  private onRm(level: GpioValue, at: number): void {
    const high = level === 1;
    if (high === this.rmHigh) return;
    this.rmHigh = high;
    if (high) return;
    if (this.ringing) this.stopRinging('rm-low', at);
    // The host restores F/R right after dropping RM; judge polarity once it has done so.
    queueMicrotask(() => this.checkPolarity(at));
  }

  private onFr(_level: GpioValue, at: number): void {
    if (!this.rmHigh) {
      this.checkPolarity(at);
      return;
    }
    if (!this.ringing) {
      this.toggles = [];
      this.transition('toggle');
      this.emitRing(true, at);
    } else {
      this.transition('toggle');
    }
    this.toggles.push(at);
    if (this.toggles.length > FREQ_WINDOW) this.toggles.shift();
    this.measure();
    this.silenceTimer?.();
    this.silenceTimer = this.clock.at(at + RING_SILENCE_MS, () => {
      this.silenceTimer = undefined;
      const last = this.toggles[this.toggles.length - 1] ?? at;
      const half = this.measuredHz ? 500 / this.measuredHz : 0;
      this.stopRinging('silence', Math.min(this.clock.now(), last + half));
    });
  }

  private stopRinging(event: RingEvent, at: number): void {
    this.silenceTimer?.();
    this.silenceTimer = undefined;
    this.transition(event);
    this.emitRing(false, at);
  }

  private measure(): void {
    const n = this.toggles.length;
    if (n < 2) return;
    const first = this.toggles[0] as number;
    const last = this.toggles[n - 1] as number;
    const halfPeriod = (last - first) / (n - 1);
    if (halfPeriod > 0) this.measuredHz = Math.round((1000 / (2 * halfPeriod)) * 100) / 100;
  }

  private checkPolarity(at: number): void {
    if (this.rmHigh) return;
    const p: Polarity = this.gpio.outputValue(this.pins.fr) === AG1171_FR_FORWARD ? 'forward' : 'reverse';
    if (p === this.pol) return;
    this.pol = p;
    for (const cb of [...this.polarityListeners]) cb(p, at);
  }

  private emitRing(ringing: boolean, at: number): void {
    for (const cb of [...this.ringListeners]) cb(ringing, at);
  }

  private transition(event: RingEvent): void {
    const next = RING_TABLE[this.ringState][event];
    if (!next) throw new IllegalTransitionError('ag1171-model', this.ringState, event);
    this.ringState = next;
  }
}
