/** Shared set-up for the Si321x tests: a simulated Si3215 on a sim SPI bus and GPIOs, a phone, a driver. */
import * as assert from 'uvu/assert';
import type { Si3215Slic } from '../../../board/types.js';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { Si321xDriver } from '../../../firmware/line/slic/si321x/driver.js';
import type { Si321xDriverOptions } from '../../../firmware/line/slic/si321x/driver.js';
import { SlicError } from '../../../firmware/line/slic/si321x/errors.js';
import type { SlicAlarm } from '../../../firmware/line/slic/types.js';
import { runUntil } from '../../../hal/sim/drive-clock.js';
import { SimGpio } from '../../../hal/sim/gpio-sim.js';
import { SimPcm } from '../../../hal/sim/pcm-sim.js';
import { Si3215Model } from '../../../hal/sim/si3215-model.js';
import type { Si3215ModelOptions } from '../../../hal/sim/si3215-model.js';
import { SimPhone } from '../../../hal/sim/sim-phone.js';
import { SimSpi } from '../../../hal/sim/spi-sim.js';

export const SLIC: Si3215Slic = {
  chip: 'si3215',
  spi: { bus: 0, device: 1, speedHz: 4_000_000 },
  resetPin: 25,
  interruptPin: 24,
  timeslot: 2,
};

export interface RigOptions {
  model?: Partial<Omit<Si3215ModelOptions, 'clock' | 'gpio'>>;
  driver?: Partial<Omit<Si321xDriverOptions, 'spi' | 'gpio' | 'clock' | 'log'>>;
}

export function rig(o: RigOptions = {}) {
  const clock = new FakeClock(1000);
  const gpio = new SimGpio({ clock });
  const spi = new SimSpi({ clock });
  const model = new Si3215Model({
    clock,
    gpio,
    resetPin: SLIC.resetPin,
    interruptPin: SLIC.interruptPin,
    timeslot: SLIC.timeslot,
    ...o.model,
  });
  spi.attach(SLIC.spi.bus, SLIC.spi.device, model);
  const pcm = new SimPcm({ clock });
  pcm.attach('sim', 0, model);
  const phone = new SimPhone({ clock, line: model });
  const log = memoryLogger();
  const driver = new Si321xDriver({ spi, gpio, clock, log, slic: SLIC, ...o.driver });
  const hooks: Array<{ offHook: boolean; at: number; reportedAt: number }> = [];
  driver.onHook((offHook, at) => hooks.push({ offHook, at, reportedAt: clock.now() }));
  const alarms: Array<SlicAlarm & { at: number }> = [];
  driver.onAlarm((a) => alarms.push({ ...a, at: clock.now() }));
  return { clock, gpio, spi, pcm, model, phone, log, driver, hooks, alarms };
}

export type Rig = ReturnType<typeof rig>;

/** Run init to completion on the fake clock. */
export async function initDriver(r: Rig): Promise<void> {
  await runUntil(r.clock, r.driver.init(), 20_000);
}

/** Milliseconds between each ring-on/off edge the phone saw, starting with the first burst. */
export function ringPeriods(events: Array<[boolean, number]>): number[] {
  const out: number[] = [];
  for (let i = 1; i < events.length; i++) out.push(Math.round((events[i]![1] - events[i - 1]![1]) * 10) / 10);
  return out;
}

/** Run a promise on the fake clock and expect a SlicError with `code`. */
export async function expectSlicError(r: Rig, p: Promise<unknown>, code: string): Promise<SlicError> {
  try {
    await runUntil(r.clock, p, 20_000);
  } catch (e) {
    assert.instance(e, SlicError, `expected a SlicError '${code}', got ${String(e)}`);
    assert.is((e as SlicError).code, code);
    return e as SlicError;
  }
  assert.unreachable(`expected SlicError '${code}'`);
  throw new Error('unreachable');
}
