/**
 * Simulated GPIO: a test instrument that behaves like a sysfs/`onoff` GPIO bank.
 *
 * Levels are physical (what is on the wire). The firmware side sees logical values (inverted when
 * a pin is opened `activeLow`). The outside world (a chip model, a test) drives inputs with
 * `driveInput()` and observes outputs with `outputValue()`, `onOutputChange()` and `history()`.
 *
 * Like the real backend, watch callbacks are asynchronous: they are delivered in a microtask (or,
 * with `debounceMs`, on the injected clock), never inside the call that caused the edge.
 * Output-change listeners are instrument hooks and run synchronously inside `write()`, stamped
 * with the clock time, so a chip model sees the exact timing of what the firmware did.
 */
import type { Cancel, Clock } from '../../firmware/core/clock.js';
import type { GpioBackend, GpioEdge, GpioOpenOptions, GpioPin, GpioValue } from '../gpio.js';
import { HalError } from '../errors.js';

export interface GpioChange {
  value: GpioValue;
  at: number;
}

export type OutputListener = (value: GpioValue, at: number) => void;

interface OpenState {
  handle: SimGpioPin;
  output: boolean;
  activeLow: boolean;
  edge: GpioEdge;
  debounceMs: number;
  watchers: Array<(value: GpioValue) => void>;
  /** Last logical value reported to watchers (for debounce and edge filtering). */
  reported: GpioValue;
  debounce?: Cancel;
}

const EDGES: readonly GpioEdge[] = ['none', 'rising', 'falling', 'both'];

function invert(v: GpioValue): GpioValue {
  return v === 1 ? 0 : 1;
}

export class SimGpio implements GpioBackend {
  private readonly clock: Clock;
  private readonly levels = new Map<number, GpioValue>();
  private readonly histories = new Map<number, GpioChange[]>();
  private readonly listeners = new Map<number, OutputListener[]>();
  private readonly opened = new Map<number, OpenState>();

  constructor(o: { clock: Clock }) {
    this.clock = o.clock;
  }

  async open(pin: number, options: GpioOpenOptions): Promise<GpioPin> {
    if (!Number.isInteger(pin) || pin < 0) throw new HalError('bad-argument', `bad GPIO number ${pin}`, { device: `gpio${pin}` });
    if (this.opened.has(pin)) throw new HalError('busy', `GPIO ${pin} is already open`, { device: `gpio${pin}` });
    const edge = options.edge ?? 'none';
    if (!EDGES.includes(edge)) throw new HalError('bad-argument', `bad edge '${String(edge)}'`, { device: `gpio${pin}` });
    const debounceMs = options.debounceMs ?? 0;
    if (!(debounceMs >= 0)) throw new HalError('bad-argument', `bad debounce ${debounceMs}`, { device: `gpio${pin}` });
    const activeLow = options.activeLow ?? false;
    const output = options.direction !== 'in';
    const handle = new SimGpioPin(this, pin);
    const state: OpenState = { handle, output, activeLow, edge, debounceMs, watchers: [], reported: 0 };
    this.opened.set(pin, state);
    if (output) {
      const logical: GpioValue = options.direction === 'high' ? 1 : 0;
      this.applyOutput(pin, activeLow ? invert(logical) : logical);
    }
    state.reported = this.logical(state, this.level(pin));
    return handle;
  }

  // ---- instrument controls -------------------------------------------------------------------

  /** The outside world sets the physical level of an input (works before the pin is opened too). */
  driveInput(pin: number, value: GpioValue): void {
    const state = this.opened.get(pin);
    if (state?.output) throw new HalError('bad-argument', `GPIO ${pin} is an output; the world cannot drive it`, { device: `gpio${pin}` });
    if (this.level(pin) === value) return;
    this.setLevel(pin, value);
    if (state) this.inputChanged(state, value);
  }

  /** The physical level of a pin (an output as written, or an input as driven). */
  outputValue(pin: number): GpioValue {
    return this.level(pin);
  }

  /** Listen to physical level changes of an output, stamped with clock time. Returns an unsubscribe. */
  onOutputChange(pin: number, cb: OutputListener): () => void {
    const list = this.listeners.get(pin) ?? [];
    list.push(cb);
    this.listeners.set(pin, list);
    return () => {
      const i = list.indexOf(cb);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Every physical level change of the pin (outputs and driven inputs), oldest first. */
  history(pin: number): GpioChange[] {
    return [...(this.histories.get(pin) ?? [])];
  }

  /** Whether a pin is currently open by the firmware. */
  isOpen(pin: number): boolean {
    return this.opened.has(pin);
  }

  /** Forget everything: levels, histories, listeners; open pins become closed. */
  reset(): void {
    for (const state of this.opened.values()) {
      state.debounce?.();
      state.handle.markClosed();
    }
    this.opened.clear();
    this.levels.clear();
    this.histories.clear();
    this.listeners.clear();
  }

  // ---- used by SimGpioPin --------------------------------------------------------------------

  /** @internal */
  stateOf(pin: number, handle: SimGpioPin): OpenState {
    const state = this.opened.get(pin);
    if (!state || state.handle !== handle) throw new HalError('closed', `GPIO ${pin} is closed`, { device: `gpio${pin}` });
    return state;
  }

  /** @internal */
  readLogical(state: OpenState, pin: number): GpioValue {
    return this.logical(state, this.level(pin));
  }

  /** @internal */
  writeLogical(state: OpenState, pin: number, value: GpioValue): void {
    if (value !== 0 && value !== 1) throw new HalError('bad-argument', `bad GPIO value ${String(value)}`, { device: `gpio${pin}` });
    if (!state.output) throw new HalError('bad-argument', `GPIO ${pin} is an input`, { device: `gpio${pin}` });
    this.applyOutput(pin, state.activeLow ? invert(value) : value);
  }

  /** @internal */
  release(pin: number, state: OpenState): void {
    state.debounce?.();
    state.debounce = undefined;
    state.watchers = [];
    this.opened.delete(pin);
  }

  // ---- internals -----------------------------------------------------------------------------

  private level(pin: number): GpioValue {
    return this.levels.get(pin) ?? 0;
  }

  private applyOutput(pin: number, level: GpioValue): void {
    if (this.level(pin) === level && this.histories.has(pin)) return;
    this.setLevel(pin, level);
    const at = this.clock.now();
    for (const cb of [...(this.listeners.get(pin) ?? [])]) cb(level, at);
  }

  private setLevel(pin: number, value: GpioValue): void {
    this.levels.set(pin, value);
    const h = this.histories.get(pin) ?? [];
    h.push({ value, at: this.clock.now() });
    this.histories.set(pin, h);
  }

  private logical(state: OpenState, level: GpioValue): GpioValue {
    return state.activeLow ? invert(level) : level;
  }

  private edgeSelected(edge: GpioEdge, value: GpioValue): boolean {
    return edge === 'both' || (edge === 'rising' && value === 1) || (edge === 'falling' && value === 0);
  }

  private inputChanged(state: OpenState, level: GpioValue): void {
    if (state.edge === 'none') return;
    const value = this.logical(state, level);
    if (state.debounceMs > 0) {
      // Report the level once it has been stable for debounceMs, if it differs from the last report.
      state.debounce?.();
      state.debounce = this.clock.at(this.clock.now() + state.debounceMs, () => {
        state.debounce = undefined;
        if (this.opened.get(state.handle.pin) !== state) return;
        const now = this.readLogical(state, state.handle.pin);
        if (now === state.reported) return;
        state.reported = now;
        if (this.edgeSelected(state.edge, now)) this.deliver(state, now);
      });
      return;
    }
    state.reported = value;
    if (this.edgeSelected(state.edge, value)) this.deliver(state, value);
  }

  private deliver(state: OpenState, value: GpioValue): void {
    queueMicrotask(() => {
      if (this.opened.get(state.handle.pin) !== state) return;
      for (const w of [...state.watchers]) w(value);
    });
  }
}

/** The firmware's handle on one simulated pin. */
class SimGpioPin implements GpioPin {
  private closed = false;

  constructor(
    private readonly sim: SimGpio,
    readonly pin: number,
  ) {}

  async read(): Promise<GpioValue> {
    return this.sim.readLogical(this.state(), this.pin);
  }

  async write(value: GpioValue): Promise<void> {
    this.sim.writeLogical(this.state(), this.pin, value);
  }

  watch(callback: (value: GpioValue) => void): void {
    this.state().watchers.push(callback);
  }

  unwatchAll(): void {
    this.state().watchers = [];
  }

  async close(): Promise<void> {
    const state = this.state();
    this.sim.release(this.pin, state);
    this.closed = true;
  }

  /** @internal */
  markClosed(): void {
    this.closed = true;
  }

  private state(): OpenState {
    if (this.closed) throw new HalError('closed', `GPIO ${this.pin} is closed`, { device: `gpio${this.pin}` });
    return this.sim.stateOf(this.pin, this);
  }
}
