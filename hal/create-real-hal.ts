/**
 * The real hardware backends, for boards with `backend: 'real'`: GPIO on sysfs (onoff), SPI on
 * spidev (spi-device), serial ports (serialport), PCM audio through ALSA (arecord/aplay).
 * Nothing native is loaded here: each backend imports its package on its first open(), so a board
 * that does not use SPI runs even where spi-device failed to build.
 */
import type { Clock } from '../firmware/core/clock.js';
import type { Logger } from '../firmware/core/log.js';
import type { Hal } from './hal.js';
import { OnoffGpio } from './real/gpio-onoff.js';
import { AlsaPcm } from './real/pcm-alsa.js';
import type { AlsaPcmOptions } from './real/pcm-alsa.js';
import { SerialportSerial } from './real/serial-serialport.js';
import { SpidevSpi } from './real/spi-spidev.js';

export interface RealHalOptions {
  clock: Clock;
  log: Logger;
  /** Added to board GPIO numbers for sysfs (default: detected; 512 on a Pi 4 with Linux >= 6.6). */
  gpioSysfsBase?: number;
  /** ALSA tuning and tool paths (see AlsaPcmOptions). */
  alsa?: Omit<AlsaPcmOptions, 'clock' | 'log'>;
}

export async function createRealHal(options: RealHalOptions): Promise<Hal> {
  const { clock, log } = options;
  const gpio = new OnoffGpio({ clock, log: log.child({ hal: 'gpio' }), ...(options.gpioSysfsBase !== undefined ? { sysfsBase: options.gpioSysfsBase } : {}) });
  const spi = new SpidevSpi({ log: log.child({ hal: 'spi' }) });
  const serial = new SerialportSerial({ log: log.child({ hal: 'serial' }) });
  const pcm = new AlsaPcm({ ...options.alsa, clock, log: log.child({ hal: 'pcm' }) });
  return { kind: 'real', gpio, spi, serial, pcm };
}
