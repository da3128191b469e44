/**
 * Driver for the Silvertel Ag1171 ringing SLIC, controlled by three GPIOs (no registers):
 *
 *  - RM  (output, high = ring mode; kept low except while ringing)
 *  - F/R (output, high = forward polarity; toggled at the ring frequency while RM is high, which
 *         is what makes the AC ring signal)
 *  - SHK (input, high = off-hook)
 *
 * Ringing toggles F/R on the injected clock on an absolute schedule (start + k/(2f)), the first
 * toggle at once, so a 20 Hz ring gives 40 F/R edges per second. Hook changes are debounced here
 * (the level must stay stable for `debounceMs`) and reported with the time the stable level began.
 * Going off-hook while ringing (ring trip) stops the ringing at once and is reported at once.
 *
 * The chip has no disconnect and no separate on-hook-transmission state (it passes audio on-hook
 * when its bias resistor is fitted): 'open' and 'on-hook-transmission' map to forward-active.
 * It has no fault output either, so `onAlarm` never fires, and nothing can tell whether it is
 * present: `init` only fails when the GPIOs cannot be opened.
 */
import type { Cancel, Clock } from '../../core/clock.js';
import { IllegalTransitionError, LocalError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { Ag1171Pins } from '../../../board/types.js';
import type { GpioBackend, GpioPin, GpioValue } from '../../../hal/gpio.js';
import type { Linefeed, RingSettings, SlicAlarm, SlicDriver } from './types.js';

/** F/R level for forward polarity (datasheet 5.9: logic high = forward). */
const FR_FORWARD: GpioValue = 1;
const FR_REVERSE: GpioValue = 0;
export const AG1171_DEFAULT_DEBOUNCE_MS = 20;
export const AG1171_DEFAULT_RING_HZ = 20;
/** Ring frequencies the driver accepts, Hz. */
export const AG1171_RING_HZ_RANGE = { min: 10, max: 100 } as const;

type DriverState = 'new' | 'idle' | 'ringing' | 'closed';
type DriverEvent = 'init' | 'ring' | 'feed' | 'ring-trip' | 'close';

const TABLE: Record<DriverState, Partial<Record<DriverEvent, DriverState>>> = {
  new: { init: 'idle', close: 'closed' },
  idle: { ring: 'ringing', feed: 'idle', close: 'closed' },
  ringing: { ring: 'ringing', feed: 'idle', 'ring-trip': 'idle', close: 'closed' },
  closed: {},
};

interface Pins {
  rm: GpioPin;
  fr: GpioPin;
  shk: GpioPin;
}

export class Ag1171Driver implements SlicDriver {
  readonly chip = 'ag1171';
  private readonly gpio: GpioBackend;
  private readonly pinNumbers: Ag1171Pins;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly debounceMs: number;
  private state: DriverState = 'new';
  private pins: Pins | undefined;
  private reverse = false;
  private ringHz = AG1171_DEFAULT_RING_HZ;
  private ringStart = 0;
  private ringStep = 0;
  private frLevel: GpioValue = FR_FORWARD;
  private ringTimer: Cancel | undefined;
  private offHook = false;
  private debounceTimer: Cancel | undefined;
  private readonly hookListeners: Array<(offHook: boolean, at: number) => void> = [];
  private readonly alarmListeners: Array<(alarm: SlicAlarm) => void> = [];
  private readonly mappedLogged = new Set<Linefeed>();

  constructor(o: { gpio: GpioBackend; pins: Ag1171Pins; clock: Clock; log: Logger; debounceMs?: number }) {
    this.gpio = o.gpio;
    this.pinNumbers = o.pins;
    this.clock = o.clock;
    this.log = o.log;
    this.debounceMs = o.debounceMs ?? AG1171_DEFAULT_DEBOUNCE_MS;
    if (!(this.debounceMs >= 0)) throw new LocalError('bad-argument', `bad debounceMs ${this.debounceMs}`);
  }

  async init(): Promise<void> {
    if (!TABLE[this.state].init) throw new IllegalTransitionError('ag1171-driver', this.state, 'init');
    const opened: GpioPin[] = [];
    try {
      const rm = await this.gpio.open(this.pinNumbers.rm, { direction: 'low' });
      opened.push(rm);
      const fr = await this.gpio.open(this.pinNumbers.fr, { direction: FR_FORWARD === 1 ? 'high' : 'low' });
      opened.push(fr);
      const shk = await this.gpio.open(this.pinNumbers.shk, { direction: 'in', edge: 'both' });
      opened.push(shk);
      this.pins = { rm, fr, shk };
      this.frLevel = FR_FORWARD;
      this.reverse = false;
      shk.watch((v) => this.onRawHook(v));
      const initial = (await shk.read()) === 1;
      if (!this.debounceTimer) this.offHook = initial;
    } catch (e) {
      this.pins = undefined;
      for (const p of opened) await p.close().catch(() => undefined);
      throw e;
    }
    this.transition('init');
    this.log.info('ag1171 ready', { pins: { ...this.pinNumbers }, offHook: this.offHook });
  }

  async setLinefeed(state: Linefeed): Promise<void> {
    if (state === 'ringing') {
      if (this.state === 'ringing') return;
      this.transition('ring');
      await this.startRinging();
      return;
    }
    let target = state;
    if (state === 'open' || state === 'on-hook-transmission') {
      if (!this.mappedLogged.has(state)) {
        this.mappedLogged.add(state);
        this.log.debug('ag1171 has no such linefeed; using forward-active', { requested: state });
      }
      target = 'forward-active';
    }
    const wasRinging = this.state === 'ringing';
    this.transition('feed');
    this.reverse = target === 'reverse-active';
    await this.applyFeed(wasRinging);
  }

  async configureRing(settings: RingSettings): Promise<void> {
    const f = settings.frequencyHz;
    if (!Number.isFinite(f) || f < AG1171_RING_HZ_RANGE.min || f > AG1171_RING_HZ_RANGE.max) {
      throw new LocalError('bad-argument', `ring frequency ${f} Hz out of range`, { context: { ...AG1171_RING_HZ_RANGE } });
    }
    if (settings.voltage !== undefined) this.log.debug('ag1171 ring voltage is fixed by the chip; ignored', { voltage: settings.voltage });
    this.ringHz = f;
    if (this.state === 'ringing') {
      // Re-phase the schedule on the new frequency from now.
      this.ringTimer?.();
      this.ringStart = this.clock.now();
      this.ringStep = 0;
      this.armToggle();
    }
  }

  onHook(callback: (offHook: boolean, at: number) => void): void {
    this.hookListeners.push(callback);
  }

  /** The Ag1171 has no fault output: never called. */
  onAlarm(callback: (alarm: SlicAlarm) => void): void {
    this.alarmListeners.push(callback);
  }

  isOffHook(): boolean {
    return this.offHook;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const pins = this.pins;
    const wasRinging = this.state === 'ringing';
    this.transition('close');
    this.ringTimer?.();
    this.ringTimer = undefined;
    this.debounceTimer?.();
    this.debounceTimer = undefined;
    this.pins = undefined;
    if (!pins) return;
    pins.shk.unwatchAll();
    if (wasRinging) await pins.rm.write(0);
    await Promise.all([pins.rm.close(), pins.fr.close(), pins.shk.close()]);
  }

  // ---- ringing -------------------------------------------------------------------------------

  private async startRinging(): Promise<void> {
    const pins = this.requirePins();
    this.ringStart = this.clock.now();
    this.ringStep = 0;
    const rm = pins.rm.write(1);
    // First toggle at once so ring voltage appears with RM; then every half period.
    this.toggleFr();
    this.armToggle();
    await rm;
  }

  private armToggle(): void {
    this.ringStep += 1;
    const at = this.ringStart + (this.ringStep * 500) / this.ringHz;
    this.ringTimer = this.clock.at(at, () => {
      if (this.state !== 'ringing') return;
      this.toggleFr();
      this.armToggle();
    });
  }

  private toggleFr(): void {
    const pins = this.requirePins();
    this.frLevel = this.frLevel === 1 ? 0 : 1;
    pins.fr.write(this.frLevel).catch((e: unknown) => this.log.error('ag1171 F/R write failed', { err: e }));
  }

  /** Drop RM (if ringing) and set F/R to the wanted polarity, issued together (RM first). */
  private async applyFeed(wasRinging: boolean): Promise<void> {
    const pins = this.requirePins();
    this.ringTimer?.();
    this.ringTimer = undefined;
    this.frLevel = this.reverse ? FR_REVERSE : FR_FORWARD;
    const writes: Array<Promise<void>> = [];
    if (wasRinging) writes.push(pins.rm.write(0));
    writes.push(pins.fr.write(this.frLevel));
    await Promise.all(writes);
  }

  // ---- hook ----------------------------------------------------------------------------------

  private onRawHook(value: GpioValue): void {
    if (this.state === 'closed') return;
    const now = this.clock.now();
    const off = value === 1;
    if (off && this.state === 'ringing') {
      this.debounceTimer?.();
      this.debounceTimer = undefined;
      this.transition('ring-trip');
      this.applyFeed(true).catch((e: unknown) => this.log.error('ag1171 ring trip write failed', { err: e }));
      this.log.info('ag1171 ring trip');
      if (!this.offHook) this.report(true, now);
      return;
    }
    this.debounceTimer?.();
    this.debounceTimer = undefined;
    if (off === this.offHook) return;
    if (this.debounceMs === 0) {
      this.report(off, now);
      return;
    }
    this.debounceTimer = this.clock.at(now + this.debounceMs, () => {
      this.debounceTimer = undefined;
      this.report(off, now);
    });
  }

  private report(offHook: boolean, at: number): void {
    this.offHook = offHook;
    for (const cb of [...this.hookListeners]) cb(offHook, at);
  }

  private requirePins(): Pins {
    if (!this.pins) throw new LocalError('not-initialised', 'ag1171 driver is not initialised');
    return this.pins;
  }

  private transition(event: DriverEvent): void {
    const next = TABLE[this.state][event];
    if (!next) throw new IllegalTransitionError('ag1171-driver', this.state, event);
    this.state = next;
  }
}
