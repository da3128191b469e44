/**
 * Build the simulated hardware for a board definition: the sim backends plus, per line, a chip
 * model (Ag1171 on the line's pins, or Si3215 on the line's SPI bus with its RESET and INT pins)
 * on the line's PCM channel, with a simulated phone plugged in.
 * `lines[i].index` is the 0-based index of the line in `board.lines`.
 */
import type { Clock } from '../../firmware/core/clock.js';
import type { BoardDefinition, LineDefinition } from '../../board/types.js';
import type { Hal } from '../hal.js';
import { HalError } from '../errors.js';
import { Ag1171Model } from './ag1171-model.js';
import { SimGpio } from './gpio-sim.js';
import { SimPcm } from './pcm-sim.js';
import { Si3215Model } from './si3215-model.js';
import { SimPhone } from './sim-phone.js';
import { SimSerial } from './serial-sim.js';
import { SimSpi } from './spi-sim.js';

export type SimSlicModel = Ag1171Model | Si3215Model;

export interface SimLineRig {
  index: number;
  phone: SimPhone;
  slic: SimSlicModel;
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
  const usedSpi = new Set<string>();
  const claimPins = (pins: number[]) => {
    for (const p of pins) {
      if (usedPins.has(p)) throw new HalError('busy', `GPIO ${p} is used twice on board '${board.name}'`, { device: `gpio${p}` });
      usedPins.add(p);
    }
  };
  const buildSlic = (def: LineDefinition): SimSlicModel => {
    const slic = def.slic;
    if (slic.chip === 'ag1171') {
      claimPins([slic.pins.rm, slic.pins.fr, slic.pins.shk]);
      return new Ag1171Model({ gpio, pins: { ...slic.pins }, clock, hookBounceMs: o.hookBounceMs ?? 0 });
    }
    claimPins([slic.resetPin, slic.interruptPin]);
    const spiKey = `${slic.spi.bus}.${slic.spi.device}`;
    if (usedSpi.has(spiKey)) throw new HalError('busy', `SPI ${spiKey} is used twice on board '${board.name}'`, { device: `spidev${spiKey}` });
    usedSpi.add(spiKey);
    const model = new Si3215Model({
      clock,
      gpio,
      resetPin: slic.resetPin,
      interruptPin: slic.interruptPin,
      timeslot: slic.timeslot,
      hookBounceMs: o.hookBounceMs ?? 0,
    });
    spi.attach(slic.spi.bus, slic.spi.device, model);
    return model;
  };
  const lines: SimLineRig[] = board.lines.map((def, index) => {
    const pcmKey = `${def.pcm.device}#${def.pcm.channel}`;
    if (usedPcm.has(pcmKey)) throw new HalError('busy', `PCM ${pcmKey} is used twice on board '${board.name}'`, { device: pcmKey });
    usedPcm.add(pcmKey);
    const slic = buildSlic(def);
    const phone = new SimPhone({ clock, line: slic });
    pcm.attach(def.pcm.device, def.pcm.channel, slic);
    return { index, phone, slic };
  });
  return { hal: { kind: 'sim', gpio, spi, serial, pcm }, lines, gpio, spi, serial, pcm };
}
