import type { BoardDefinition } from './types.js';

/**
 * The simulated board: two Ag1171 lines on the simulated HAL (hal/sim), each with a simulated
 * telephone. The pin numbers only name wires between the driver and the chip model; they are
 * the same BCM numbers as the Raspberry Pi board for line 1 so the two stay interchangeable.
 */
export const simBoard: BoardDefinition = {
  name: 'sim',
  description: 'Simulated 2-line ATA: Ag1171 models with simulated phones on the simulated HAL',
  backend: 'sim',
  lines: [
    { slic: { chip: 'ag1171', pins: { rm: 17, fr: 27, shk: 22 } }, pcm: { device: 'sim', channel: 0 } },
    { slic: { chip: 'ag1171', pins: { rm: 23, fr: 24, shk: 25 } }, pcm: { device: 'sim', channel: 1 } },
  ],
};
