import type { BoardDefinition } from './types.js';

/**
 * Raspberry Pi 4 + a Silvertel Ag1171 SLIC module + a USB sound card for the audio path.
 *
 * Wiring (BCM GPIO numbers; physical pins of the 40-pin header in brackets), 3.3 V logic:
 *   RM  <- GPIO17 [11]  ring mode: output, high while ringing
 *   F/R <- GPIO27 [13]  forward/reverse: output, high = forward, toggled at the ring frequency
 *   SHK -> GPIO22 [15]  switch hook: input, high = off-hook
 *   Ag1171 VIN/VOUT <-> USB sound card line out / mic in (ALSA `plughw:1,0`, 8 kHz mono)
 *   Ag1171 supply: 5 V [2] and GND [6]; logic ground shared with the Pi.
 */
export const rpiAg1171Board: BoardDefinition = {
  name: 'rpi-ag1171',
  description: 'Raspberry Pi 4 + Ag1171 SLIC module + USB sound card (1 line)',
  backend: 'real',
  lines: [{ slic: { chip: 'ag1171', pins: { rm: 17, fr: 27, shk: 22 } }, pcm: { device: 'plughw:1,0', channel: 0 } }],
};
