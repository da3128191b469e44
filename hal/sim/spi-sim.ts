/**
 * Simulated SPI: chip models are attached per (bus, device). A transfer of several messages is
 * split into chip-select frames (a frame ends after a message whose `chipSelectChange` is not
 * false, and at the end of the transfer); each frame is one `model.transfer(tx)` call. Every frame
 * is recorded for tests.
 */
import type { Clock } from '../../firmware/core/clock.js';
import type { SpiBackend, SpiDevice, SpiMessage, SpiOpenOptions } from '../spi.js';
import { HalError } from '../errors.js';

/** A chip on the bus, seen through one chip-select-framed exchange at a time. */
export interface SpiDeviceModel {
  /** Return exactly as many bytes as were clocked out (missing bytes read as 0, extra ones are dropped). */
  transfer(tx: Buffer): Buffer;
}

export interface SpiTransferRecord {
  bus: number;
  device: number;
  tx: Buffer;
  rx: Buffer;
  /** Clock time of the exchange, if the sim was given a clock. */
  at?: number;
  speedHz?: number;
}

const key = (bus: number, device: number): string => `${bus}.${device}`;

export class SimSpi implements SpiBackend {
  private readonly models = new Map<string, SpiDeviceModel>();
  private readonly openDevices = new Set<string>();
  private readonly records: SpiTransferRecord[] = [];
  private readonly clock: Clock | undefined;

  constructor(o: { clock?: Clock } = {}) {
    this.clock = o.clock;
  }

  /** Put a chip model on (bus, device). Replaces any model already there. */
  attach(bus: number, device: number, model: SpiDeviceModel): void {
    this.models.set(key(bus, device), model);
  }

  detach(bus: number, device: number): void {
    this.models.delete(key(bus, device));
  }

  /** Every chip-select frame exchanged so far, oldest first. */
  get transfers(): readonly SpiTransferRecord[] {
    return this.records;
  }

  clearTransfers(): void {
    this.records.length = 0;
  }

  async open(bus: number, device: number, options: SpiOpenOptions = {}): Promise<SpiDevice> {
    const k = key(bus, device);
    const name = `spidev${k}`;
    if (!this.models.has(k)) throw new HalError('no-device', `no SPI device at ${name}`, { device: name });
    if (this.openDevices.has(k)) throw new HalError('busy', `${name} is already open`, { device: name });
    if (options.mode !== undefined && ![0, 1, 2, 3].includes(options.mode)) {
      throw new HalError('bad-argument', `bad SPI mode ${String(options.mode)}`, { device: name });
    }
    this.openDevices.add(k);
    let closed = false;
    const sim = this;
    return {
      bus,
      device,
      async transfer(messages: SpiMessage[]): Promise<Buffer[]> {
        if (closed) throw new HalError('closed', `${name} is closed`, { device: name });
        return sim.exchange(bus, device, name, messages, options.maxSpeedHz);
      },
      async close(): Promise<void> {
        if (closed) throw new HalError('closed', `${name} is closed`, { device: name });
        closed = true;
        sim.openDevices.delete(k);
      },
    };
  }

  private exchange(bus: number, device: number, name: string, messages: SpiMessage[], defaultSpeed?: number): Buffer[] {
    const model = this.models.get(key(bus, device));
    if (!model) throw new HalError('no-device', `SPI device ${name} went away`, { device: name });
    for (const m of messages) {
      if (!Number.isInteger(m.byteLength) || m.byteLength < 0) {
        throw new HalError('bad-argument', `bad byteLength ${m.byteLength}`, { device: name });
      }
      if (m.sendBuffer && m.sendBuffer.length > m.byteLength) {
        throw new HalError('bad-argument', `sendBuffer longer than byteLength`, { device: name });
      }
    }
    const replies: Buffer[] = [];
    let frame: SpiMessage[] = [];
    const flush = () => {
      if (frame.length === 0) return;
      const tx = Buffer.alloc(frame.reduce((n, m) => n + m.byteLength, 0));
      let off = 0;
      for (const m of frame) {
        m.sendBuffer?.copy(tx, off);
        off += m.byteLength;
      }
      const raw = model.transfer(Buffer.from(tx));
      const rx = Buffer.alloc(tx.length);
      raw.copy(rx, 0, 0, Math.min(raw.length, rx.length));
      const record: SpiTransferRecord = { bus, device, tx, rx: Buffer.from(rx) };
      if (this.clock) record.at = this.clock.now();
      const speed = frame[0]?.speedHz ?? defaultSpeed;
      if (speed !== undefined) record.speedHz = speed;
      this.records.push(record);
      off = 0;
      for (const m of frame) {
        replies.push(Buffer.from(rx.subarray(off, off + m.byteLength)));
        off += m.byteLength;
      }
      frame = [];
    };
    for (const m of messages) {
      frame.push(m);
      if (m.chipSelectChange !== false) flush();
    }
    flush();
    return replies;
  }
}
