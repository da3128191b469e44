/**
 * Opening and releasing the ProSLIC's hardware: the SPI device (mode 3), RESET (output, opened
 * low so the chip is held in reset until the bring-up releases it) and INT (input, falling edge).
 */
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { Si3215Slic } from '../../../../board/types.js';
import type { GpioBackend, GpioPin } from '../../../../hal/gpio.js';
import type { SpiBackend, SpiDevice } from '../../../../hal/spi.js';
import { ProslicBus } from './bus.js';
import { IndirectAccess } from './indirect.js';
import type { ChipContext } from './probe.js';
import { DR, LF, POWER_DOWN_1, PROSLIC_SPI_MODE } from './registers.js';

export interface Si321xHardware {
  spi: SpiDevice;
  reset: GpioPin;
  int: GpioPin;
  ctx: ChipContext;
}

export async function openHardware(o: { spi: SpiBackend; gpio: GpioBackend; slic: Si3215Slic; clock: Clock; log: Logger }): Promise<Si321xHardware> {
  const opened: Array<{ close(): Promise<void> }> = [];
  try {
    const spi = await o.spi.open(o.slic.spi.bus, o.slic.spi.device, { mode: PROSLIC_SPI_MODE, maxSpeedHz: o.slic.spi.speedHz });
    opened.push(spi);
    const reset = await o.gpio.open(o.slic.resetPin, { direction: 'low' });
    opened.push(reset);
    const int = await o.gpio.open(o.slic.interruptPin, { direction: 'in', edge: 'falling' });
    opened.push(int);
    const bus = new ProslicBus(spi);
    return { spi, reset, int, ctx: { bus, indirect: new IndirectAccess(bus, o.clock), clock: o.clock, log: o.log } };
  } catch (e) {
    for (const h of opened.reverse()) await h.close().catch(() => undefined);
    throw e;
  }
}

/** Line open and DC-DC off (best effort: the chip may be gone), then every handle closed. */
export async function closeHardware(hw: Si321xHardware): Promise<void> {
  hw.int.unwatchAll();
  await hw.ctx.bus.write(DR.LINEFEED, LF.OPEN).catch(() => undefined);
  await hw.ctx.bus.write(DR.POWER_DOWN_1, POWER_DOWN_1.DCDC_OFF).catch(() => undefined);
  for (const h of [hw.int, hw.reset, hw.spi]) await h.close().catch(() => undefined);
}
