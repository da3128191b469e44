/**
 * Serial ports through npm `serialport` (its native binding `@serialport/bindings-cpp`).
 *
 * Ports are opened exclusively (`lock: true`: flock; a second open anywhere is 'busy'). Received
 * chunks are delivered from the stream's 'data' events, so always on a later event-loop turn;
 * data arriving before the first onData() callback waits in the stream (paused) and the OS buffer.
 * A port that disappears (USB unplugged) is marked closed: later calls throw 'closed'.
 */
import type { SerialPort as SerialPortClass } from 'serialport';
import type { Logger } from '../../firmware/core/log.js';
import { silentLogger } from '../../firmware/core/log.js';
import type { SerialBackend, SerialOpenOptions, SerialPort, SerialPortInfo } from '../serial.js';
import { HalError } from '../errors.js';
import { cjsExports, lazyAddon } from './load-addon.js';
import type { Loader } from './load-addon.js';
import { toHalError } from './os-errors.js';
import { listSerialFromDev } from './serial-list.js';

export interface SerialportModule {
  SerialPort: typeof SerialPortClass;
}

export interface SerialportSerialOptions {
  log?: Logger;
  /** How to load serialport (default: `import('serialport')`). */
  load?: Loader<SerialportModule>;
  /** Where the udev-less lister looks (default /dev). */
  devRoot?: string;
}

const openInProcess = new Set<string>();

export class SerialportSerial implements SerialBackend {
  private readonly log: Logger;
  private readonly load: Loader<SerialportModule>;
  private readonly devRoot: string;

  constructor(o: SerialportSerialOptions = {}) {
    this.log = o.log ?? silentLogger;
    this.devRoot = o.devRoot ?? '/dev';
    this.load = lazyAddon('serialport', o.load ?? (async () => cjsExports<SerialportModule>(await import('serialport'))));
  }

  async list(): Promise<SerialPortInfo[]> {
    try {
      const { SerialPort } = await this.load();
      const ports = await SerialPort.list();
      return ports.map((p) => (p.manufacturer ? { path: p.path, manufacturer: p.manufacturer } : { path: p.path }));
    } catch (e) {
      this.log.debug('serial list through udev failed; reading /dev', { err: e });
      return listSerialFromDev(this.devRoot);
    }
  }

  async open(path: string, options: SerialOpenOptions): Promise<SerialPort> {
    if (typeof path !== 'string' || path === '') throw new HalError('bad-argument', 'a serial port path is needed', { device: String(path) });
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
      throw new HalError('bad-argument', `bad baud rate ${options.baudRate}`, { device: path });
    }
    const { SerialPort } = await this.load();
    if (openInProcess.has(path)) throw new HalError('busy', `serial port ${path} is already open`, { device: path });
    let port: SerialPortClass;
    try {
      port = new SerialPort({ path, baudRate: options.baudRate, autoOpen: false, lock: true });
    } catch (e) {
      throw toHalError(e, 'bad options for serial port', path, 'bad-argument');
    }
    openInProcess.add(path);
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      openInProcess.delete(path);
      throw toHalError(e, 'cannot open serial port', path);
    }
    this.log.debug('serial open', { path, baudRate: options.baudRate });
    return new RealSerialPort(path, port, this.log, () => openInProcess.delete(path));
  }
}

class RealSerialPort implements SerialPort {
  private closed = false;
  private readonly callbacks: Array<(chunk: Buffer) => void> = [];

  constructor(
    readonly path: string,
    private readonly port: SerialPortClass,
    private readonly log: Logger,
    private readonly release: () => void,
  ) {
    port.on('error', (e: Error) => this.log.warn('serial port error', { path, err: e }));
    port.on('close', (e: (Error & { disconnected?: boolean }) | null) => {
      if (this.closed) return;
      this.closed = true;
      this.release();
      this.log.warn('serial port went away', { path, err: e ?? undefined });
    });
  }

  async write(data: Buffer | string): Promise<void> {
    this.check();
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    await new Promise<void>((resolve, reject) => {
      this.port.write(chunk, (err: Error | null | undefined) => (err ? reject(toHalError(err, 'cannot write to', this.path)) : resolve()));
    });
  }

  onData(callback: (chunk: Buffer) => void): void {
    this.check();
    this.callbacks.push(callback);
    if (this.callbacks.length > 1) return;
    this.port.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      for (const cb of [...this.callbacks]) cb(Buffer.from(chunk));
    });
  }

  async close(): Promise<void> {
    this.check();
    this.closed = true;
    try {
      await new Promise<void>((resolve, reject) => this.port.close((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      if (!/not open/i.test(e instanceof Error ? e.message : String(e))) throw toHalError(e, 'cannot close', this.path);
    } finally {
      this.release();
    }
  }

  private check(): void {
    if (this.closed) throw new HalError('closed', `serial port ${this.path} is closed`, { device: this.path });
  }
}
