/**
 * A stand-in for npm `onoff` over a pretend sysfs, so the onoff backend's own logic (number
 * mapping, edge filtering, debounce on the injected clock, busy/closed handling) runs through the
 * GPIO conformance suite here, without a Raspberry Pi. It follows onoff 6's behaviour: the
 * constructor exports the pin (EINVAL for a GPIO that does not exist), `active_low` inverts reads,
 * writes and edges but not the raw level set by direction 'high'/'low' (as in the kernel), interrupts arrive on a later event-loop turn (epoll) and the value passed to
 * watchers is read at that time and filtered by the configured edge.
 */
import type { BinaryValue, Direction, Edge, Options, ValueCallback } from 'onoff';
import type { OnoffModule } from '../../../../hal/real/gpio-onoff.js';

interface Line {
  level: BinaryValue; // physical
  exported: boolean;
  gpio?: FakeGpioBase;
}

export class FakeSysfs {
  readonly lines = new Map<number, Line>();
  exports = 0;
  unexports = 0;

  constructor(readonly first: number, readonly count: number) {
    for (let n = first; n < first + count; n++) this.lines.set(n, { level: 0, exported: false });
  }

  line(n: number): Line {
    const l = this.lines.get(n);
    if (!l) throw Object.assign(new Error(`EINVAL: invalid argument, write '/sys/class/gpio/export' (${n})`), { code: 'EINVAL' });
    return l;
  }

  /** The outside world sets a physical level (a loopback wire, a test). */
  setLevel(n: number, level: BinaryValue): void {
    const l = this.line(n);
    if (l.level === level) return;
    l.level = level;
    l.gpio?.physicalChanged();
  }

  module(): OnoffModule {
    const sysfs = this;
    class Gpio extends FakeGpioBase {
      constructor(n: number, direction: Direction, edge?: Edge, options?: Options) {
        super(sysfs, n, direction, edge, options);
      }
    }
    return { Gpio: Gpio as unknown as OnoffModule['Gpio'] };
  }
}

class FakeGpioBase {
  private readonly line: Line;
  private readonly activeLowFlag: boolean;
  private readonly dir: 'in' | 'out';
  private readonly rising: boolean;
  private readonly falling: boolean;
  private listeners: ValueCallback[] = [];
  private pendingInterrupt = false;

  constructor(
    private readonly sysfs: FakeSysfs,
    private readonly n: number,
    direction: Direction,
    edge: Edge | undefined,
    options: Options | undefined,
  ) {
    this.line = sysfs.line(n);
    this.line.exported = true;
    this.line.gpio = this;
    sysfs.exports++;
    this.activeLowFlag = options?.activeLow ?? false;
    this.dir = direction === 'in' ? 'in' : 'out';
    const e = direction === 'in' ? (edge ?? 'none') : 'none';
    this.rising = e === 'rising' || e === 'both';
    this.falling = e === 'falling' || e === 'both';
    // like gpiolib-sysfs: 'high'/'low'/'out' set the raw (physical) level, whatever active_low says
    if (direction === 'high') this.line.level = 1;
    else if (direction === 'low' || direction === 'out') this.line.level = 0;
  }

  private toPhysical(v: BinaryValue): BinaryValue {
    return (this.activeLowFlag ? 1 - v : v) as BinaryValue;
  }

  readSync(): BinaryValue {
    return this.toPhysical(this.line.level);
  }

  read(): Promise<BinaryValue> {
    return new Promise((resolve) => setImmediate(() => resolve(this.readSync())));
  }

  writeSync(value: BinaryValue): void {
    if (this.dir !== 'out') throw Object.assign(new Error('EPERM: operation not permitted, write'), { code: 'EPERM' });
    this.sysfs.setLevel(this.n, this.toPhysical(value));
  }

  write(value: BinaryValue): Promise<void> {
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          this.writeSync(value);
          resolve();
        } catch (e) {
          reject(e);
        }
      }),
    );
  }

  watch(callback: ValueCallback): void {
    this.listeners.push(callback);
  }

  unwatch(callback?: ValueCallback): void {
    this.listeners = callback ? this.listeners.filter((l) => l !== callback) : [];
  }

  unwatchAll(): void {
    this.unwatch();
  }

  unexport(): void {
    this.unwatchAll();
    this.line.exported = false;
    this.line.gpio = undefined;
    this.sysfs.unexports++;
  }

  /** @internal the line's physical level changed: raise an interrupt if the edge is enabled. */
  physicalChanged(): void {
    if (this.dir !== 'in' || this.listeners.length === 0) return;
    const logical = this.readSync();
    if (!((logical === 1 && this.rising) || (logical === 0 && this.falling))) return;
    if (this.pendingInterrupt) return; // epoll reports one event until the value is read
    this.pendingInterrupt = true;
    setImmediate(() => {
      this.pendingInterrupt = false;
      const value = this.readSync();
      if ((value === 0 && this.falling) || (value === 1 && this.rising)) {
        for (const l of [...this.listeners]) l(null, value);
      }
    });
  }
}
