/**
 * Configuration steps after bring-up: PCM timeslot and companding, loop closure debounce and
 * current limit, the ringing generator, interrupts, and a checked linefeed write.
 */
import { SlicConfigError, SlicError } from './errors.js';
import { lfName, lfOf } from './linefeed.js';
import type { ChipContext } from './probe.js';
import { hex } from './probe.js';
import {
  COMMON_MODE_VOLTAGE,
  DEBOUNCE,
  DR,
  IRQ_CLEAR_ALL,
  LOOP_CURRENT_LIMIT,
  PCM_MODE,
  PCM_START,
  RING_OSC_CONTROL,
  RING_TIMER,
} from './registers.js';
import type { IndirectName, LfCode } from './registers.js';
import { verifyIndirect } from './bring-up.js';
import { DRIVER_IRQ_ENABLES } from './interrupts.js';
import { highBatteryCode, ringAmplitude, ringOscCoefficient, ringTripSettings } from './ringing.js';

export type PcmFormat = 'ulaw' | 'alaw' | 'linear16';

const FORMAT_CODE: Record<PcmFormat, number> = {
  ulaw: PCM_MODE.FORMAT_ULAW,
  alaw: PCM_MODE.FORMAT_ALAW,
  linear16: PCM_MODE.FORMAT_LINEAR16,
};

/** PCM on, in `format`, transmitting and receiving in byte timeslot `timeslot`. */
export async function configurePcm(ctx: ChipContext, o: { timeslot: number; format: PcmFormat }): Promise<void> {
  const count = o.timeslot * PCM_START.BITS_PER_SLOT;
  if (!Number.isInteger(o.timeslot) || o.timeslot < 0 || count > PCM_START.MAX) {
    throw new SlicConfigError('bad-argument', `bad PCM timeslot ${o.timeslot}`, { timeslot: o.timeslot });
  }
  const lo = count & PCM_START.LO_MASK;
  const hi = (count >> PCM_START.HI_SHIFT) & PCM_START.HI_MASK;
  const { bus } = ctx;
  await bus.write(DR.PCM_TX_START_LO, lo);
  await bus.write(DR.PCM_TX_START_HI, hi);
  await bus.write(DR.PCM_RX_START_LO, lo);
  await bus.write(DR.PCM_RX_START_HI, hi);
  await bus.write(DR.PCM_MODE, PCM_MODE.PCM_ENABLE | (FORMAT_CODE[o.format] << PCM_MODE.FORMAT_SHIFT));
}

/** Debounce interval register value for `ms` (1.25 ms steps, 7 bits). */
export function debounceCode(ms: number): number {
  const code = Math.round(ms / DEBOUNCE.MS_PER_LSB);
  if (!(code >= 1 && code <= DEBOUNCE.MASK)) {
    throw new SlicConfigError('bad-argument', `debounce ${ms} ms outside 1.25..${DEBOUNCE.MASK * DEBOUNCE.MS_PER_LSB} ms`, { ms });
  }
  return code;
}

/** Loop current limit register value for `mA` (20..41 mA in 3 mA steps). */
export function loopCurrentCode(mA: number): number {
  const code = Math.round((mA - LOOP_CURRENT_LIMIT.BASE_MA) / LOOP_CURRENT_LIMIT.MA_PER_LSB);
  if (!(code >= 0 && code <= LOOP_CURRENT_LIMIT.MASK)) {
    throw new SlicConfigError('bad-argument', `loop current ${mA} mA outside 20..41 mA`, { mA });
  }
  return code;
}

/** Loop closure debounce, loop current limit and common-mode voltage. */
export async function configureLoop(ctx: ChipContext, o: { debounceMs: number; loopCurrentMa: number }): Promise<void> {
  await ctx.bus.write(DR.LOOP_DEBOUNCE, debounceCode(o.debounceMs));
  await ctx.bus.write(DR.LOOP_CURRENT_LIMIT, loopCurrentCode(o.loopCurrentMa));
  await ctx.bus.write(DR.COMMON_MODE_VOLTAGE, COMMON_MODE_VOLTAGE.OPERATING);
}

export interface RingProgram {
  frequencyHz: number;
  voltsPeak: number;
}

/**
 * Program the ringing oscillator for a frequency and peak voltage (sinusoid, no DC offset, no
 * chip cadence timers: the line state machine makes the cadence by switching the linefeed), the
 * high battery it needs, and the ring trip filter/debounce for the frequency; read the indirect
 * registers back.
 */
export async function programRingGenerator(ctx: ChipContext, ring: RingProgram): Promise<void> {
  const { bus, indirect } = ctx;
  const trip = ringTripSettings(ring.frequencyHz);
  const values: Partial<Record<IndirectName, number>> = {
    RING_OSC: ringOscCoefficient(ring.frequencyHz),
    RING_X: ringAmplitude(ring.frequencyHz, ring.voltsPeak),
    RING_Y: 0,
    RING_V_OFF: 0,
    RING_TRIP_FILTER: trip.filter,
  };
  await bus.write(DR.RING_OSC_CONTROL, RING_OSC_CONTROL.HOST_CADENCE);
  for (const r of [DR.RING_ACTIVE_TIMER_LO, DR.RING_ACTIVE_TIMER_HI, DR.RING_INACTIVE_TIMER_LO, DR.RING_INACTIVE_TIMER_HI]) {
    await bus.write(r, RING_TIMER.OFF);
  }
  await bus.write(DR.VBAT_HIGH, highBatteryCode(ring.voltsPeak));
  await bus.write(DR.RING_TRIP_DEBOUNCE, trip.debounce);
  for (const [name, value] of Object.entries(values) as Array<[IndirectName, number]>) await indirect.write(name, value);
  await verifyIndirect(ctx, values);
}

/** Clear every pending interrupt, then enable the ones the driver handles. */
export async function enableInterrupts(ctx: ChipContext): Promise<void> {
  const { bus } = ctx;
  await bus.write(DR.IRQ_STATUS_1, IRQ_CLEAR_ALL);
  await bus.write(DR.IRQ_STATUS_2, IRQ_CLEAR_ALL);
  await bus.write(DR.IRQ_STATUS_3, IRQ_CLEAR_ALL);
  await bus.write(DR.IRQ_ENABLE_1, DRIVER_IRQ_ENABLES.status1);
  await bus.write(DR.IRQ_ENABLE_2, DRIVER_IRQ_ENABLES.status2);
  await bus.write(DR.IRQ_ENABLE_3, DRIVER_IRQ_ENABLES.status3);
}

/** Write the linefeed and read it back (LF bits): the chip must have taken the state. */
export async function writeLinefeedChecked(ctx: ChipContext, code: LfCode): Promise<void> {
  await ctx.bus.write(DR.LINEFEED, code);
  const back = await ctx.bus.read(DR.LINEFEED);
  if (lfOf(back) !== code) {
    throw new SlicError('linefeed-readback', `linefeed ${lfName(code)} written, register 64 reads 0x${hex(back)}`, { wrote: code, read: back });
  }
}
