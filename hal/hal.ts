import type { GpioBackend } from './gpio.js';
import type { PcmBackend } from './pcm.js';
import type { SerialBackend } from './serial.js';
import type { SpiBackend } from './spi.js';

/** The hardware seen by the firmware: one backend per interface, real or simulated. */
export interface Hal {
  readonly kind: 'real' | 'sim';
  gpio: GpioBackend;
  spi: SpiBackend;
  serial: SerialBackend;
  pcm: PcmBackend;
}
