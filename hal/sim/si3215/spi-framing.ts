/**
 * ProSLIC SPI framing as the chip sees it: every byte is its own chip-select frame; a command byte
 * (bit 7 = read, bits 6:0 = address) is followed by one data byte, which the chip drives for a
 * read and takes for a write. A frame of any other length is a framing error: counted, answered
 * with a floating bus (0xFF), and the access in progress is dropped.
 */
import { SPI_COMMAND } from '../../../firmware/line/slic/si321x/registers.js';

const FLOATING = 0xff;

export interface RegisterPort {
  read(address: number): number;
  write(address: number, value: number): void;
  /** Not answering at all: every byte reads this value (no chip, or held in reset). */
  silentValue(): number | undefined;
}

export class SpiFraming {
  private pending: { read: boolean; address: number } | undefined;
  frames = 0;
  framingErrors = 0;

  constructor(private readonly port: RegisterPort) {}

  frame(tx: Buffer): Buffer {
    this.frames += 1;
    const rx = Buffer.alloc(tx.length, FLOATING);
    const silent = this.port.silentValue();
    if (silent !== undefined) {
      this.pending = undefined;
      return rx.fill(silent);
    }
    if (tx.length !== 1) {
      this.framingErrors += 1;
      this.pending = undefined;
      return rx;
    }
    const byte = tx[0] as number;
    const p = this.pending;
    if (!p) {
      this.pending = { read: (byte & SPI_COMMAND.READ) !== 0, address: byte & SPI_COMMAND.ADDRESS_MASK };
      return rx;
    }
    this.pending = undefined;
    if (p.read) rx[0] = this.port.read(p.address);
    else this.port.write(p.address, byte);
    return rx;
  }

  /** Chip reset: a half-done access is forgotten. */
  reset(): void {
    this.pending = undefined;
  }
}
