/**
 * Build the simulated hardware for a board definition: the sim backends plus, per line, an
 * Ag1171 chip model on the line's pins and PCM channel with a simulated phone plugged in.
 * `lines[i].index` is the 0-based index of the line in `board.lines`.
 */
import type { Clock } from '../../firmware/core/clock.js';
import type { BoardDefinition } from '../../board/types.js';
import type { Hal } from '../hal.js';
import { HalError } from '../errors.js';
import { Ag1171Model } from './ag1171-model.js';
import { SimGpio } from './gpio-sim.js';
import { SimPcm } from './pcm-sim.js';
import { SimPhone } from './sim-phone.js';
import { SimSerial } from './serial-sim.js';
import { SimSpi } from './spi-sim.js';

export interface SimLineRig {
  index: number;
  phone: SimPhone;
  slic: Ag1171Model;
}

export interface SimHal {
  hal: Hal;
  lines: SimLineRig[];
  gpio: SimGpio;
  spi: SimSpi;
  serial: SimSerial;
  pcm: SimPcm;
}

export function createSimHal(o: { clock: Clock; board: BoardDefinition; hookBounceMs?: number }): SimHal {
  const { clock, board } = o;
  const gpio = new SimGpio({ clock });
  const spi = new SimSpi({ clock });
  const serial = new SimSerial();
  const pcm = new SimPcm({ clock });
  const usedPins = new Set<number>();
  const usedPcm = new Set<string>();
  const lines: SimLineRig[] = board.lines.map((def, index) => {
    if (def.slic.chip !== 'ag1171') {
      throw new HalError('unsupported', `the simulated HAL has no ${def.slic.chip} model yet (line ${index + 1})`, { device: def.slic.chip });
    }
    const pins = def.slic.pins;
    for (const p of [pins.rm, pins.fr, pins.shk]) {
      if (usedPins.has(p)) throw new HalError('busy', `GPIO ${p} is used twice on board '${board.name}'`, { device: `gpio${p}` });
      usedPins.add(p);
    }
    const pcmKey = `${def.pcm.device}#${def.pcm.channel}`;
    if (usedPcm.has(pcmKey)) throw new HalError('busy', `PCM ${pcmKey} is used twice on board '${board.name}'`, { device: pcmKey });
    usedPcm.add(pcmKey);
    const slic = new Ag1171Model({ gpio, pins: { ...pins }, clock, hookBounceMs: o.hookBounceMs ?? 0 });
    const phone = new SimPhone({ clock, line: slic });
    pcm.attach(def.pcm.device, def.pcm.channel, slic);
    return { index, phone, slic };
  });
  return { hal: { kind: 'sim', gpio, spi, serial, pcm }, lines, gpio, spi, serial, pcm };
}
