/**
 * Probe steps: hardware reset, identification and bus sanity. Each step is a named function that
 * throws a coded SlicError when the chip fails it (the DAHDI `wctdm_proslic_insane` checks and the
 * AN35 control-interface check, written against the register map).
 */
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { GpioPin } from '../../../../hal/gpio.js';
import type { ProslicBus } from './bus.js';
import { SlicError } from './errors.js';
import type { IndirectAccess } from './indirect.js';
import { AUDIO_LOOPBACK, DR, HYBRID, LF, PART_ID, PCM_MODE, SPI_MODE } from './registers.js';
import type { ChipFamily } from './registers.js';
import { sleep } from './wait.js';

/** What every bring-up step works with. */
export interface ChipContext {
  bus: ProslicBus;
  indirect: IndirectAccess;
  clock: Clock;
  log: Logger;
}

/** RESET is held low this long, then the chip gets this long to start (PLL lock on PCLK). */
export const RESET_HOLD_MS = 10;
export const RESET_SETTLE_MS = 20;
/** A harmless register and pattern for the write/read-back check (AN35 step 8). */
const READBACK_REGISTER = DR.PCM_RX_START_LO;
const READBACK_PATTERN = 0x5a;
const READBACK_RESTORE = 0x00;

export interface ChipIdentity {
  family: ChipFamily;
  /** e.g. 'Si3215', 'Si3210M'. */
  part: string;
  /** Revision nibble (1 = A, 2 = B, ...). */
  revision: number;
  revisionLetter: string;
}

const SI3210_PARTS = ['Si3210', 'Si3211', 'Si3212', 'Si3210M'] as const;
const SI3215_PARTS: Record<number, string> = {
  [PART_ID.SI3215]: 'Si3215',
  [PART_ID.SI3215M]: 'Si3215M',
  [PART_ID.SI3216]: 'Si3216',
  [PART_ID.SI3216M]: 'Si3216M',
};

/** Pulse the (active-low) RESET line: every register returns to its reset value. */
export async function resetChip(ctx: ChipContext, reset: GpioPin): Promise<void> {
  await reset.write(0);
  await sleep(ctx.clock, RESET_HOLD_MS);
  await reset.write(1);
  await sleep(ctx.clock, RESET_SETTLE_MS);
  ctx.log.debug('si321x reset', { holdMs: RESET_HOLD_MS, settleMs: RESET_SETTLE_MS });
}

/**
 * Read revision and family and check the reset values the datasheet gives (register 8 = 0x02,
 * 64 = 0x00, 11 = 0x33). Tells the Si3215 family from the Si3210 by register 1 bit 7.
 */
export async function identifyChip(ctx: ChipContext, expect?: ChipFamily): Promise<ChipIdentity> {
  const r0 = await ctx.bus.read(DR.SPI_MODE);
  const revision = r0 & SPI_MODE.REVISION_MASK;
  if (revision === SPI_MODE.REVISION_NONE_LOW || revision === SPI_MODE.REVISION_NONE_HIGH) {
    throw new SlicError('no-chip', `no ProSLIC answers (register 0 reads 0x${hex(r0)})`, { register0: r0 });
  }
  const revisionLetter = String.fromCharCode('A'.charCodeAt(0) + revision - 1);
  if (revision < SPI_MODE.REVISION_MIN) {
    throw new SlicError('unsupported-revision', `ProSLIC revision ${revisionLetter} is too old`, { revision });
  }
  for (const [register, expected] of [
    [DR.AUDIO_LOOPBACK, AUDIO_LOOPBACK.RESET],
    [DR.LINEFEED, LF.OPEN],
    [DR.HYBRID, HYBRID.RESET],
  ] as const) {
    const value = await ctx.bus.read(register);
    if (value !== expected) {
      throw new SlicError('insane', `ProSLIC register ${register} reads 0x${hex(value)} after reset, expected 0x${hex(expected)}`, {
        register,
        value,
        expected,
      });
    }
  }
  const r1 = await ctx.bus.read(DR.PCM_MODE);
  const family: ChipFamily = r1 & PCM_MODE.FAMILY_3215 ? 'si3215' : 'si3210';
  let part: string;
  if (family === 'si3215') {
    const id = (await ctx.bus.read(DR.PART_ID)) & PART_ID.MASK;
    part = SI3215_PARTS[id] ?? 'Si3215';
  } else {
    part = SI3210_PARTS[(r0 & SPI_MODE.PART_MASK) >> SPI_MODE.PART_SHIFT] ?? 'Si3210';
  }
  if (expect && expect !== family) {
    throw new SlicError('wrong-chip', `found a ${part} (${family} family), the board says ${expect}`, { found: family, expected: expect, part });
  }
  ctx.indirect.family = family;
  const identity = { family, part, revision, revisionLetter };
  ctx.log.info('si321x found', { ...identity });
  return identity;
}

/** Write a pattern to a harmless register and read it back: the bus works both ways. */
export async function checkSpiReadback(ctx: ChipContext): Promise<void> {
  await ctx.bus.write(READBACK_REGISTER, READBACK_PATTERN);
  const got = await ctx.bus.read(READBACK_REGISTER);
  await ctx.bus.write(READBACK_REGISTER, READBACK_RESTORE);
  if (got !== READBACK_PATTERN) {
    throw new SlicError('spi-readback', `register ${READBACK_REGISTER} reads 0x${hex(got)} after writing 0x${hex(READBACK_PATTERN)}`, {
      register: READBACK_REGISTER,
      wrote: READBACK_PATTERN,
      read: got,
    });
  }
}

export function hex(v: number): string {
  return v.toString(16).padStart(2, '0');
}
