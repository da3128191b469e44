/**
 * GPIO on Linux's sysfs interface through npm `onoff` (edge interrupts via epoll).
 *
 * - Pin numbers are the board's (BCM on a Raspberry Pi); the sysfs base of the header's GPIO
 *   controller is added (see gpio-sysfs-base.ts) unless `sysfsBase` is given.
 * - activeLow is the kernel's `active_low` (reads, writes and edges are logical values; an output
 *   opened 'high' is logically high, i.e. physically low when active-low).
 * - Edges come from the kernel through onoff's epoll poller, so callbacks are always delivered
 *   on a later event-loop turn than the write that caused them. Only values matching the selected
 *   edge are delivered (a 'rising' watcher never sees 0).
 * - Debounce runs on the injected clock (not onoff's lodash timer): the kernel is asked for both
 *   edges, every edge re-arms a `debounceMs` timer, and when the level has been stable that long
 *   it is reported if it differs from the last report and matches the selected edge.
 * - Edges apply to inputs only (ignored for outputs, as in the simulated backend).
 * - A pin can be opened once per process ('busy' otherwise); close() unexports it.
 */
import type { Gpio as OnoffGpioClass, BinaryValue } from 'onoff';
import type { Cancel, Clock } from '../../firmware/core/clock.js';
import type { Logger } from '../../firmware/core/log.js';
import { silentLogger } from '../../firmware/core/log.js';
import type { GpioBackend, GpioDirection, GpioEdge, GpioOpenOptions, GpioPin, GpioValue } from '../gpio.js';
import { HalError } from '../errors.js';
import { sysfsGpioBase } from './gpio-sysfs-base.js';
import { cjsExports, lazyAddon } from './load-addon.js';
import type { Loader } from './load-addon.js';
import { toHalError, errnoOf } from './os-errors.js';

export interface OnoffModule {
  Gpio: typeof OnoffGpioClass;
}

export interface OnoffGpioOptions {
  clock: Clock;
  log?: Logger;
  /** Added to board GPIO numbers to get sysfs numbers; detected from sysfs when omitted. */
  sysfsBase?: number;
  /** The sysfs GPIO folder (default /sys/class/gpio). */
  sysfsRoot?: string;
  /** How to load onoff (default: `import('onoff')`). */
  load?: Loader<OnoffModule>;
}

const EDGES: readonly GpioEdge[] = ['none', 'rising', 'falling', 'both'];
const DIRECTIONS: readonly GpioDirection[] = ['in', 'out', 'high', 'low'];

/** sysfs numbers open in this process, across backend instances (sysfs itself does not refuse a second user). */
const openInProcess = new Set<number>();

function edgeSelected(edge: GpioEdge, value: GpioValue): boolean {
  return edge === 'both' || (edge === 'rising' && value === 1) || (edge === 'falling' && value === 0);
}

export class OnoffGpio implements GpioBackend {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly sysfsRoot: string;
  private readonly load: Loader<OnoffModule>;
  private base: number | undefined;

  constructor(o: OnoffGpioOptions) {
    this.clock = o.clock;
    this.log = o.log ?? silentLogger;
    this.sysfsRoot = o.sysfsRoot ?? '/sys/class/gpio';
    this.base = o.sysfsBase;
    this.load = lazyAddon('onoff', o.load ?? (async () => cjsExports<OnoffModule>(await import('onoff'))));
  }

  async open(pin: number, options: GpioOpenOptions): Promise<GpioPin> {
    const device = `gpio${pin}`;
    if (!Number.isInteger(pin) || pin < 0) throw new HalError('bad-argument', `bad GPIO number ${pin}`, { device });
    if (!DIRECTIONS.includes(options.direction)) throw new HalError('bad-argument', `bad direction '${String(options.direction)}'`, { device });
    const edge = options.edge ?? 'none';
    if (!EDGES.includes(edge)) throw new HalError('bad-argument', `bad edge '${String(edge)}'`, { device });
    const debounceMs = options.debounceMs ?? 0;
    if (!(debounceMs >= 0)) throw new HalError('bad-argument', `bad debounce ${debounceMs}`, { device });
    const input = options.direction === 'in';

    const { Gpio } = await this.load();
    this.base ??= await sysfsGpioBase(this.sysfsRoot);
    const sysfs = this.base + pin;
    if (openInProcess.has(sysfs)) throw new HalError('busy', `GPIO ${pin} is already open`, { device });
    // Debouncing needs to see every edge; the selected edge is applied afterwards.
    const kernelEdge: GpioEdge = input ? (debounceMs > 0 && edge !== 'none' ? 'both' : edge) : 'none';
    const activeLow = options.activeLow ?? false;
    // sysfs applies 'high'/'low' to the raw line, ignoring active_low (gpiolib-sysfs direction_store):
    // the HAL's 'high' is the logical level, so an active-low pin starts physically low.
    const direction: GpioDirection =
      activeLow && options.direction === 'high' ? 'low' : activeLow && options.direction === 'low' ? 'high' : options.direction;
    let gpio: OnoffGpioClass;
    try {
      gpio = input
        ? new Gpio(sysfs, 'in', kernelEdge, { activeLow })
        : new Gpio(sysfs, direction, 'none', { activeLow });
    } catch (e) {
      throw this.openError(e, pin, sysfs);
    }
    openInProcess.add(sysfs);
    this.log.debug('gpio open', { pin, sysfs, direction: options.direction, edge, activeLow: options.activeLow ?? false, debounceMs });
    return new OnoffPin({ pin, sysfs, gpio, input, edge, debounceMs, clock: this.clock, log: this.log, release: () => openInProcess.delete(sysfs) });
  }

  private openError(e: unknown, pin: number, sysfs: number): HalError {
    const device = `gpio${pin}`;
    const errno = errnoOf(e);
    const reason = e instanceof Error ? e.message : String(e);
    if (errno === 'ENOENT' && /\/export/.test(reason)) {
      return new HalError('unsupported', `this kernel has no sysfs GPIO interface (${this.sysfsRoot}/export missing)`, { device, cause: e });
    }
    if (errno === 'EINVAL') return new HalError('no-device', `no GPIO ${pin} (sysfs ${sysfs}) on this system: ${reason}`, { device, cause: e });
    if (errno === 'EBUSY') return new HalError('busy', `GPIO ${pin} (sysfs ${sysfs}) is claimed by a kernel driver or another program`, { device, cause: e });
    return toHalError(e, 'cannot open GPIO', `${device} (sysfs ${sysfs})`);
  }
}

interface PinSetup {
  pin: number;
  sysfs: number;
  gpio: OnoffGpioClass;
  input: boolean;
  edge: GpioEdge;
  debounceMs: number;
  clock: Clock;
  log: Logger;
  release: () => void;
}

class OnoffPin implements GpioPin {
  readonly pin: number;
  private closed = false;
  private watchers: Array<(value: GpioValue) => void> = [];
  private reported: GpioValue = 0;
  private debounce: Cancel | undefined;
  private readonly listener = (err: Error | null | undefined, value: BinaryValue) => this.onInterrupt(err, value);

  constructor(private readonly s: PinSetup) {
    this.pin = s.pin;
  }

  async read(): Promise<GpioValue> {
    this.check();
    try {
      return (await this.s.gpio.read()) as GpioValue;
    } catch (e) {
      throw toHalError(e, 'cannot read', this.device);
    }
  }

  async write(value: GpioValue): Promise<void> {
    this.check();
    if (value !== 0 && value !== 1) throw new HalError('bad-argument', `bad GPIO value ${String(value)}`, { device: this.device });
    if (this.s.input) throw new HalError('bad-argument', `GPIO ${this.pin} is an input`, { device: this.device });
    try {
      await this.s.gpio.write(value);
    } catch (e) {
      throw toHalError(e, 'cannot write', this.device);
    }
  }

  watch(callback: (value: GpioValue) => void): void {
    this.check();
    this.watchers.push(callback);
    if (this.watchers.length > 1 || this.s.edge === 'none' || !this.s.input) return;
    try {
      this.reported = this.s.gpio.readSync() as GpioValue;
      this.s.gpio.watch(this.listener);
    } catch (e) {
      this.watchers = [];
      throw toHalError(e, 'cannot watch', this.device);
    }
  }

  unwatchAll(): void {
    this.check();
    this.stopWatching();
  }

  async close(): Promise<void> {
    this.check();
    this.closed = true;
    this.stopWatching();
    try {
      this.s.gpio.unexport();
    } catch (e) {
      this.s.log.warn('gpio unexport failed', { pin: this.pin, err: e });
    } finally {
      this.s.release();
    }
  }

  private get device(): string {
    return `gpio${this.pin}`;
  }

  private stopWatching(): void {
    this.debounce?.();
    this.debounce = undefined;
    if (this.watchers.length > 0 && this.s.input && this.s.edge !== 'none') this.s.gpio.unwatch(this.listener);
    this.watchers = [];
  }

  private onInterrupt(err: Error | null | undefined, value: BinaryValue): void {
    if (this.closed) return;
    if (err) {
      this.s.log.warn('gpio interrupt error', { pin: this.pin, err });
      return;
    }
    if (this.s.debounceMs > 0) {
      this.debounce?.();
      this.debounce = this.s.clock.at(this.s.clock.now() + this.s.debounceMs, () => this.settled());
      return;
    }
    this.report(value as GpioValue);
  }

  private settled(): void {
    this.debounce = undefined;
    if (this.closed) return;
    let now: GpioValue;
    try {
      now = this.s.gpio.readSync() as GpioValue;
    } catch (e) {
      this.s.log.warn('gpio read after debounce failed', { pin: this.pin, err: e });
      return;
    }
    if (now === this.reported) return;
    this.report(now);
  }

  private report(value: GpioValue): void {
    this.reported = value;
    if (!edgeSelected(this.s.edge, value)) return;
    for (const w of [...this.watchers]) w(value);
  }

  private check(): void {
    if (this.closed) throw new HalError('closed', `GPIO ${this.pin} is closed`, { device: this.device });
  }
}
