import type { BoardDefinition } from './types.js';

/**
 * Raspberry Pi 4 + a Silicon Labs Si3215 ProSLIC FXS module (Si3215 + its linefeed transistors or
 * Si3201 linefeed IC, as on the common TDM400P-style FXS modules), one line. Full wiring and power
 * notes: docs/hardware.md, "Raspberry Pi + Si3215 (ProSLIC) module".
 *
 * BCM GPIO numbers, physical header pins in brackets, 3.3 V logic:
 *   SPI0 (mode 3, 4 MHz): SCLK GPIO11 [23], SDI <- MOSI GPIO10 [19], SDO -> MISO GPIO9 [21], CS <- CE0 GPIO8 [24]
 *   RESET <- GPIO25 [22]  (active low, output)
 *   INT   -> GPIO24 [18]  (active low, open drain: input with pull-up)
 *   PCM (the Pi is clock and frame master): PCLK <- PCM_CLK GPIO18 [12], FSYNC <- PCM_FS GPIO19 [35],
 *         DTX -> PCM_DIN GPIO20 [38], DRX <- PCM_DOUT GPIO21 [40]; 16-bit linear samples in slot 0
 */
export const rpiSi3215Board: BoardDefinition = {
  name: 'rpi-si3215',
  description: 'Raspberry Pi 4 + Si3215 ProSLIC FXS module on SPI0 and the PCM/I2S port (1 line)',
  backend: 'real',
  lines: [
    {
      slic: {
        chip: 'si3215',
        spi: { bus: 0, device: 0, speedHz: 4_000_000 },
        resetPin: 25,
        interruptPin: 24,
        timeslot: 0,
        pcmFormat: 'linear16',
      },
      pcm: { device: 'hw:CARD=proslic,DEV=0', channel: 0 },
    },
  ],
};
