/**
 * Power-up steps, in the order AN35 and DAHDI's `wctdm_init_proslic` use: quiet the chip, load
 * the indirect registers (filters flushed), power the DC-DC and check the battery, test for
 * leakage with the converter off, power up again, calibrate (retried once), calibrate the DC-DC,
 * restore the filters and verify every indirect register. Each step throws a coded SlicError.
 */
import { SlicError } from './errors.js';
import type { ChipContext } from './probe.js';
import {
  AUTO_MANUAL,
  AUDIO_LOOPBACK,
  CALIBRATION,
  DCDC,
  DCDC_PEAK_CAL,
  DR,
  ENHANCEMENT,
  FILTER_FLUSH,
  FLUSHED_FILTERS,
  INDIRECT_DEFAULTS,
  IRQ_NONE,
  LF,
  POWER_DOWN_1,
  VBAT,
  VOLTAGE_SENSE,
} from './registers.js';
import type { IndirectName } from './registers.js';
import { pollUntil } from './wait.js';

/** The battery must reach the programmed high battery minus this margin, volts (Si321x API). */
export const VBAT_MARGIN_V = 6;
export const DCDC_POWERUP_TIMEOUT_MS = 500;
export const VBAT_POLL_MS = 10;
/** Leak test: with the DC-DC off the battery must stay above this many counts for this long. */
export const LEAK_TEST_MS = 500;
export const LEAK_MIN_COUNTS = 6;
export const LEAK_POLL_MS = 50;
export const CALIBRATION_TIMEOUT_MS = 2000;
export const CALIBRATION_POLL_MS = 10;
export const DCDC_CALIBRATION_TIMEOUT_MS = 200;

const volts = (counts: number) => Math.round(counts * VOLTAGE_SENSE.VOLTS_PER_LSB * 10) / 10;

/** DC-DC off, interrupts off, loopback off, line open, safe automatic modes. */
export async function prepareForPowerUp(ctx: ChipContext): Promise<void> {
  const { bus } = ctx;
  await bus.write(DR.POWER_DOWN_1, POWER_DOWN_1.DCDC_OFF);
  await bus.write(DR.IRQ_ENABLE_1, IRQ_NONE);
  await bus.write(DR.IRQ_ENABLE_2, IRQ_NONE);
  await bus.write(DR.IRQ_ENABLE_3, IRQ_NONE);
  await bus.write(DR.LINEFEED, LF.OPEN);
  await bus.write(DR.AUDIO_LOOPBACK, AUDIO_LOOPBACK.NONE);
  await bus.write(DR.ENHANCEMENT, ENHANCEMENT.RECOMMENDED);
  await bus.write(DR.AUTO_MANUAL, AUTO_MANUAL.RESET & ~AUTO_MANUAL.AUTO_BATTERY_SWITCH);
}

/** Write the recommended indirect values, then flush the filters (restored after calibration). */
export async function loadIndirectRegisters(ctx: ChipContext): Promise<void> {
  for (const [name, value] of Object.entries(INDIRECT_DEFAULTS) as Array<[IndirectName, number]>) {
    await ctx.indirect.write(name, value);
  }
  for (const name of FLUSHED_FILTERS) await ctx.indirect.write(name, FILTER_FLUSH);
}

/** Start the DC-DC slowly and wait for the battery to reach the programmed high battery. */
export async function powerUpDcDc(ctx: ChipContext): Promise<{ volts: number; ms: number }> {
  const { bus } = ctx;
  await bus.write(DR.DCDC_PWM_PERIOD, DCDC.PWM_PERIOD_SLOW);
  const vbath = ((await bus.read(DR.VBAT_HIGH)) & VBAT.MASK) * VBAT.VOLTS_PER_LSB;
  const target = Math.ceil((vbath - VBAT_MARGIN_V) / VOLTAGE_SENSE.VOLTS_PER_LSB);
  await bus.write(DR.POWER_DOWN_1, POWER_DOWN_1.ALL_ON);
  const r = await pollUntil(ctx.clock, () => bus.read(DR.VBAT_SENSE_1), (v) => v >= target, {
    intervalMs: VBAT_POLL_MS,
    timeoutMs: DCDC_POWERUP_TIMEOUT_MS,
  });
  if (!r.ok) {
    await bus.write(DR.POWER_DOWN_1, POWER_DOWN_1.DCDC_OFF);
    throw new SlicError('dcdc-timeout', `battery reached only ${volts(r.value)} V of ${vbath} V in ${r.elapsedMs} ms`, {
      measuredV: volts(r.value),
      targetV: volts(target),
      programmedV: vbath,
      elapsedMs: r.elapsedMs,
    });
  }
  await bus.write(DR.DCDC_SWITCH_DELAY, DCDC.SWITCH_DELAY_ENGAGED);
  ctx.log.debug('si321x battery up', { volts: volts(r.value), ms: r.elapsedMs });
  return { volts: volts(r.value), ms: r.elapsedMs };
}

/**
 * Leak test: line open, DC-DC off; a healthy battery capacitor holds its charge for the test
 * time. A fast discharge means a short or leak on the battery rail (DAHDI's power-leak test).
 * The DC-DC is left off; power it up again afterwards.
 */
export async function powerLeakTest(ctx: ChipContext): Promise<void> {
  const { bus } = ctx;
  await bus.write(DR.LINEFEED, LF.OPEN);
  await bus.write(DR.POWER_DOWN_1, POWER_DOWN_1.DCDC_OFF);
  const r = await pollUntil(ctx.clock, () => bus.read(DR.VBAT_SENSE_1), (v) => v < LEAK_MIN_COUNTS, {
    intervalMs: LEAK_POLL_MS,
    timeoutMs: LEAK_TEST_MS,
  });
  if (r.ok) {
    throw new SlicError('power-leak', `battery fell to ${volts(r.value)} V within ${r.elapsedMs} ms with the DC-DC off: short or leak on the battery rail`, {
      measuredV: volts(r.value),
      elapsedMs: r.elapsedMs,
    });
  }
  ctx.log.debug('si321x leak test passed', { voltsAfter: volts(r.value), ms: r.elapsedMs });
}

/** One full calibration (line open, interrupts off); register 96 reads 0 when it is done. */
export async function calibrate(ctx: ChipContext): Promise<number> {
  const { bus } = ctx;
  await bus.write(DR.LINEFEED, LF.OPEN);
  await bus.write(DR.CALIBRATION_2, CALIBRATION.SELECT_ALL_2);
  await bus.write(DR.CALIBRATION_1, CALIBRATION.START | CALIBRATION.SELECT_ALL_1);
  const r = await pollUntil(ctx.clock, () => bus.read(DR.CALIBRATION_1), (v) => v === CALIBRATION.DONE, {
    intervalMs: CALIBRATION_POLL_MS,
    timeoutMs: CALIBRATION_TIMEOUT_MS,
  });
  if (!r.ok) {
    throw new SlicError('calibration-timeout', `calibration not finished after ${r.elapsedMs} ms (register 96 = 0x${r.value.toString(16)})`, {
      register96: r.value,
      elapsedMs: r.elapsedMs,
    });
  }
  return r.elapsedMs;
}

/** Calibrate; on a timeout, once more (DAHDI does the same). */
export async function calibrateWithRetry(ctx: ChipContext): Promise<void> {
  try {
    const ms = await calibrate(ctx);
    ctx.log.debug('si321x calibrated', { ms });
  } catch (first) {
    if (!(first instanceof SlicError)) throw first;
    ctx.log.warn('si321x calibration failed; retrying once', { error: first.message });
    try {
      const ms = await calibrate(ctx);
      ctx.log.info('si321x calibrated on the second attempt', { ms });
    } catch (second) {
      if (second instanceof SlicError) {
        throw new SlicError('calibration-timeout', `calibration failed twice: ${second.message}`, { ...second.context, attempts: 2 });
      }
      throw second;
    }
  }
}

/** DC-DC peak-current calibration; an implausible result is replaced by the mid value. */
export async function calibrateDcDc(ctx: ChipContext): Promise<void> {
  const { bus } = ctx;
  await bus.write(DR.DCDC_SWITCH_DELAY, DCDC.SWITCH_DELAY_ENGAGED | DCDC.CALIBRATE);
  const r = await pollUntil(ctx.clock, () => bus.read(DR.DCDC_SWITCH_DELAY), (v) => (v & DCDC.CALIBRATE) === 0, {
    intervalMs: CALIBRATION_POLL_MS,
    timeoutMs: DCDC_CALIBRATION_TIMEOUT_MS,
  });
  if (!r.ok) throw new SlicError('dcdc-calibration-timeout', `DC-DC calibration not finished after ${r.elapsedMs} ms`, { elapsedMs: r.elapsedMs });
  const peak = await bus.read(DR.DCDC_PEAK_CAL);
  if (peak < DCDC_PEAK_CAL.MIN || peak > DCDC_PEAK_CAL.MAX) {
    ctx.log.warn('si321x DC-DC calibration result out of range; using the mid value', { register107: peak });
    await bus.write(DR.DCDC_PEAK_CAL, DCDC_PEAK_CAL.FALLBACK);
  }
}

/** Put the flushed filters back and read every loaded indirect register back. */
export async function restoreFiltersAndVerify(ctx: ChipContext): Promise<void> {
  for (const name of FLUSHED_FILTERS) await ctx.indirect.write(name, INDIRECT_DEFAULTS[name] as number);
  await verifyIndirect(ctx, INDIRECT_DEFAULTS);
}

/** Read each register in `expected` back; throws 'indirect-verify' listing every mismatch. */
export async function verifyIndirect(ctx: ChipContext, expected: Readonly<Partial<Record<IndirectName, number>>>): Promise<void> {
  const bad: Array<{ register: IndirectName; address: number; read: number; expected: number }> = [];
  for (const [name, value] of Object.entries(expected) as Array<[IndirectName, number]>) {
    const read = await ctx.indirect.read(name);
    if (read !== value) bad.push({ register: name, address: ctx.indirect.addressOf(name), read, expected: value });
  }
  if (bad.length) {
    const first = bad[0]!;
    throw new SlicError(
      'indirect-verify',
      `${bad.length} indirect register(s) did not read back, first ${first.register} (${first.address}) = 0x${first.read.toString(16)}, expected 0x${first.expected.toString(16)}`,
      { mismatches: bad },
    );
  }
}
