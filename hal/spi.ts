/** SPI contract (types only). Real backend: npm `spi-device`; simulated: hal/sim/spi-sim.ts. */
export interface SpiOpenOptions {
  mode?: 0 | 1 | 2 | 3;
  maxSpeedHz?: number;
}

export interface SpiMessage {
  /** Bytes to clock out; omitted means zeros. */
  sendBuffer?: Buffer;
  /** Number of bytes to clock (in and out). */
  byteLength: number;
  speedHz?: number;
  /** Deassert chip select after this message (default true). */
  chipSelectChange?: boolean;
}

export interface SpiDevice {
  readonly bus: number;
  readonly device: number;
  /** One full-duplex transfer of several messages; resolves with the bytes received per message. */
  transfer(messages: SpiMessage[]): Promise<Buffer[]>;
  close(): Promise<void>;
}

export interface SpiBackend {
  open(bus: number, device: number, options?: SpiOpenOptions): Promise<SpiDevice>;
}
