/**
 * Simulated serial ports. A test creates ports with `createPort()`, plays the device with
 * `emitData()` (delivered asynchronously to `onData` callbacks; buffered until the first callback
 * is registered, like a paused stream) and reads what the firmware sent with `written()` or
 * `onWrite()`.
 */
import type { SerialBackend, SerialOpenOptions, SerialPort, SerialPortInfo } from '../serial.js';
import { HalError } from '../errors.js';

interface PortState {
  info: SerialPortInfo;
  written: Buffer[];
  writeListeners: Array<(data: Buffer) => void>;
  open?: SimSerialPort;
}

export class SimSerial implements SerialBackend {
  private readonly ports = new Map<string, PortState>();

  /** Plug in a device at `path`. */
  createPort(path: string, info: { manufacturer?: string } = {}): void {
    if (this.ports.has(path)) throw new HalError('busy', `serial port ${path} already exists`, { device: path });
    const portInfo: SerialPortInfo = { path };
    if (info.manufacturer !== undefined) portInfo.manufacturer = info.manufacturer;
    this.ports.set(path, { info: portInfo, written: [], writeListeners: [] });
  }

  /**
   * The device sends `data`. Returns false (and drops it) when the port is not open, like a real
   * UART whose receiver is off.
   */
  emitData(path: string, data: Buffer | string): boolean {
    const port = this.port(path);
    if (!port.open) return false;
    port.open.receive(Buffer.from(data));
    return true;
  }

  /** Every chunk the firmware wrote to `path`, oldest first. */
  written(path: string): Buffer[] {
    return this.port(path).written.map((b) => Buffer.from(b));
  }

  /** Called synchronously with each chunk the firmware writes (a device model can answer). */
  onWrite(path: string, cb: (data: Buffer) => void): void {
    this.port(path).writeListeners.push(cb);
  }

  async list(): Promise<SerialPortInfo[]> {
    return [...this.ports.values()].map((p) => ({ ...p.info }));
  }

  async open(path: string, options: SerialOpenOptions): Promise<SerialPort> {
    const port = this.ports.get(path);
    if (!port) throw new HalError('no-device', `no serial port ${path}`, { device: path });
    if (port.open) throw new HalError('busy', `serial port ${path} is already open`, { device: path });
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
      throw new HalError('bad-argument', `bad baud rate ${options.baudRate}`, { device: path });
    }
    const handle = new SimSerialPort(path, port, () => {
      port.open = undefined;
    });
    port.open = handle;
    return handle;
  }

  private port(path: string): PortState {
    const port = this.ports.get(path);
    if (!port) throw new HalError('no-device', `no serial port ${path}`, { device: path });
    return port;
  }
}

class SimSerialPort implements SerialPort {
  private closed = false;
  private readonly callbacks: Array<(chunk: Buffer) => void> = [];
  private readonly pending: Buffer[] = [];

  constructor(
    readonly path: string,
    private readonly state: PortState,
    private readonly onClose: () => void,
  ) {}

  async write(data: Buffer | string): Promise<void> {
    this.check();
    const chunk = Buffer.from(data);
    this.state.written.push(chunk);
    for (const cb of [...this.state.writeListeners]) cb(Buffer.from(chunk));
  }

  onData(callback: (chunk: Buffer) => void): void {
    this.check();
    this.callbacks.push(callback);
    if (this.callbacks.length === 1 && this.pending.length > 0) {
      const backlog = this.pending.splice(0);
      for (const chunk of backlog) this.deliver(chunk);
    }
  }

  async close(): Promise<void> {
    this.check();
    this.closed = true;
    this.onClose();
  }

  /** @internal */
  receive(chunk: Buffer): void {
    if (this.callbacks.length === 0) this.pending.push(chunk);
    else this.deliver(chunk);
  }

  private deliver(chunk: Buffer): void {
    queueMicrotask(() => {
      if (this.closed) return;
      for (const cb of [...this.callbacks]) cb(Buffer.from(chunk));
    });
  }

  private check(): void {
    if (this.closed) throw new HalError('closed', `serial port ${this.path} is closed`, { device: this.path });
  }
}
