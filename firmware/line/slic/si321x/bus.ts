/**
 * The one bus primitive: read or write one direct register over SPI. A ProSLIC access is a
 * command byte then a data byte, each in its own chip-select frame (CS rises between bytes); both
 * go in one `transfer()` so no other access can come between them.
 */
import type { SpiDevice } from '../../../../hal/spi.js';
import { SlicConfigError } from './errors.js';
import { SPI_COMMAND } from './registers.js';

const BYTE_MAX = 0xff;

export class ProslicBus {
  constructor(private readonly spi: SpiDevice) {}

  async read(address: number): Promise<number> {
    const rx = await this.access(SPI_COMMAND.READ, address, 0);
    return rx;
  }

  async write(address: number, value: number): Promise<void> {
    if (!Number.isInteger(value) || value < 0 || value > BYTE_MAX) {
      throw new SlicConfigError('bad-argument', `register value ${value} is not a byte`, { address, value });
    }
    await this.access(SPI_COMMAND.WRITE, address, value);
  }

  /** Read-modify-write of the bits in `mask`. */
  async update(address: number, mask: number, value: number): Promise<number> {
    const old = await this.read(address);
    const next = (old & ~mask & BYTE_MAX) | (value & mask);
    await this.write(address, next);
    return next;
  }

  private async access(command: number, address: number, data: number): Promise<number> {
    if (!Number.isInteger(address) || address < 0 || address > SPI_COMMAND.ADDRESS_MASK) {
      throw new SlicConfigError('bad-argument', `bad ProSLIC register address ${address}`, { address });
    }
    const [, reply] = await this.spi.transfer([
      { sendBuffer: Buffer.from([command | address]), byteLength: 1 },
      { sendBuffer: Buffer.from([data]), byteLength: 1 },
    ]);
    return reply?.[0] ?? BYTE_MAX;
  }
}
