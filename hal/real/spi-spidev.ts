/**
 * SPI on Linux spidev (`/dev/spidev<bus>.<device>`) through npm `spi-device`.
 *
 * Chip select: the HAL's `chipSelectChange` (default true) means "deassert CS after this
 * message". spidev's `cs_change` means "toggle CS between this transfer and the next" in the
 * middle of a message, and "leave CS asserted" on the last one. So every message but the last
 * maps to `cs_change = chipSelectChange !== false`, and the last one to cs_change 0: CS is
 * always released at the end of a transfer, as in the simulated backend.
 * A device can be opened once per process ('busy' otherwise; spidev itself does not refuse).
 */
import type { SpiDevice as SpidevHandle, SpiMessage as SpidevMessage, SpiOptions as SpidevOptions } from 'spi-device';
import type { Logger } from '../../firmware/core/log.js';
import { silentLogger } from '../../firmware/core/log.js';
import type { SpiBackend, SpiDevice, SpiMessage, SpiOpenOptions } from '../spi.js';
import { HalError } from '../errors.js';
import { cjsExports, lazyAddon } from './load-addon.js';
import type { Loader } from './load-addon.js';
import { toHalError } from './os-errors.js';

export interface SpiDeviceModule {
  open(bus: number, device: number, options: SpidevOptions, cb: (err: Error | null | undefined) => void): SpidevHandle;
}

export interface SpidevSpiOptions {
  log?: Logger;
  /** How to load spi-device (default: `import('spi-device')`). */
  load?: Loader<SpiDeviceModule>;
}

const openInProcess = new Set<string>();

/** Translate HAL messages to spi-device transfers (validated; receive buffers allocated). */
export function toSpidevMessages(messages: SpiMessage[], device: string): SpidevMessage {
  if (!Array.isArray(messages)) throw new HalError('bad-argument', 'a transfer takes an array of messages', { device });
  return messages.map((m, i) => {
    if (!Number.isInteger(m.byteLength) || m.byteLength < 0) throw new HalError('bad-argument', `bad byteLength ${m.byteLength}`, { device });
    if (m.sendBuffer && m.sendBuffer.length > m.byteLength) throw new HalError('bad-argument', 'sendBuffer longer than byteLength', { device });
    if (m.speedHz !== undefined && !(Number.isInteger(m.speedHz) && m.speedHz > 0)) throw new HalError('bad-argument', `bad speedHz ${m.speedHz}`, { device });
    const sendBuffer = Buffer.alloc(m.byteLength);
    m.sendBuffer?.copy(sendBuffer);
    const last = i === messages.length - 1;
    const t: SpidevMessage[number] = {
      byteLength: m.byteLength,
      sendBuffer,
      receiveBuffer: Buffer.alloc(m.byteLength),
      chipSelectChange: last ? false : m.chipSelectChange !== false,
    };
    if (m.speedHz !== undefined) t.speedHz = m.speedHz;
    return t;
  });
}

export class SpidevSpi implements SpiBackend {
  private readonly log: Logger;
  private readonly load: Loader<SpiDeviceModule>;

  constructor(o: SpidevSpiOptions = {}) {
    this.log = o.log ?? silentLogger;
    this.load = lazyAddon('spi-device', o.load ?? (async () => cjsExports<SpiDeviceModule>(await import('spi-device'))));
  }

  async open(bus: number, device: number, options: SpiOpenOptions = {}): Promise<SpiDevice> {
    const name = `spidev${bus}.${device}`;
    if (!Number.isInteger(bus) || bus < 0 || !Number.isInteger(device) || device < 0) {
      throw new HalError('bad-argument', `bad SPI bus/device ${bus}.${device}`, { device: name });
    }
    if (options.mode !== undefined && ![0, 1, 2, 3].includes(options.mode)) {
      throw new HalError('bad-argument', `bad SPI mode ${String(options.mode)}`, { device: name });
    }
    if (options.maxSpeedHz !== undefined && !(Number.isInteger(options.maxSpeedHz) && options.maxSpeedHz > 0)) {
      throw new HalError('bad-argument', `bad SPI speed ${options.maxSpeedHz}`, { device: name });
    }
    const spi = await this.load();
    if (openInProcess.has(name)) throw new HalError('busy', `${name} is already open`, { device: name });
    const spiOptions: SpidevOptions = { mode: options.mode ?? 0 };
    if (options.maxSpeedHz !== undefined) spiOptions.maxSpeedHz = options.maxSpeedHz;
    openInProcess.add(name);
    let handle: SpidevHandle;
    try {
      handle = await new Promise<SpidevHandle>((resolve, reject) => {
        const h = spi.open(bus, device, spiOptions, (err) => (err ? reject(err) : resolve(h)));
      });
    } catch (e) {
      openInProcess.delete(name);
      const err = toHalError(e, 'cannot open SPI device', `/dev/${name}`);
      if (err.code === 'no-device') {
        throw new HalError('no-device', `${err.message} (is SPI enabled? Raspberry Pi: dtparam=spi=on)`, { device: name, cause: e });
      }
      throw err;
    }
    this.log.debug('spi open', { device: name, mode: spiOptions.mode, maxSpeedHz: options.maxSpeedHz });
    return new SpidevDevice(bus, device, name, handle, () => openInProcess.delete(name));
  }
}

class SpidevDevice implements SpiDevice {
  private closed = false;

  constructor(
    readonly bus: number,
    readonly device: number,
    private readonly name: string,
    private readonly handle: SpidevHandle,
    private readonly release: () => void,
  ) {}

  async transfer(messages: SpiMessage[]): Promise<Buffer[]> {
    this.check();
    const out = toSpidevMessages(messages, this.name);
    if (out.length === 0) return [];
    await new Promise<void>((resolve, reject) => {
      this.handle.transfer(out, (err) => (err ? reject(toHalError(err, 'SPI transfer failed on', this.name)) : resolve()));
    });
    return out.map((m) => m.receiveBuffer as Buffer);
  }

  async close(): Promise<void> {
    this.check();
    this.closed = true;
    try {
      await new Promise<void>((resolve, reject) => this.handle.close((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      throw toHalError(e, 'cannot close', this.name);
    } finally {
      this.release();
    }
  }

  private check(): void {
    if (this.closed) throw new HalError('closed', `${this.name} is closed`, { device: this.name });
  }
}
