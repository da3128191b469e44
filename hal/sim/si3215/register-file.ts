/**
 * The direct register file of the simulated ProSLIC: reset values, read-only bits, and a record
 * of every host write. Register behaviour (side effects, live status) lives in the model.
 */
import {
  AUDIO_LOOPBACK,
  AUTO_MANUAL,
  CALIBRATION,
  COMMON_MODE_VOLTAGE,
  DCDC,
  DCDC_PEAK_CAL,
  DEBOUNCE,
  DR,
  HYBRID,
  PCM_START,
  ON_HOOK_VOLTAGE,
  PCM_MODE,
  POWER_DOWN_1,
  SPI_MODE,
  VBAT,
} from '../../../firmware/line/slic/si321x/registers.js';

export type Si321xVariant = 'si3215' | 'si3210';

export interface DirectWriteRecord {
  address: number;
  value: number;
  at: number;
}

export const REGISTER_COUNT = 128;
/** Switching delay at reset (not given in the material at hand; any value without bit 7). */
const DCDC_SWITCH_DELAY_RESET = 0x14;

/** Reset values of the registers the model gives meaning to (the rest reset to 0). */
export function resetValues(variant: Si321xVariant, revision: number, part3210 = 0): Map<number, number> {
  const family3215 = variant === 'si3215';
  return new Map<number, number>([
    [DR.SPI_MODE, (family3215 ? 0 : (part3210 << SPI_MODE.PART_SHIFT) & SPI_MODE.PART_MASK) | (revision & SPI_MODE.REVISION_MASK)],
    [DR.PCM_MODE, (family3215 ? PCM_MODE.FAMILY_3215 : 0) | (PCM_MODE.FORMAT_ULAW << PCM_MODE.FORMAT_SHIFT)],
    [DR.AUDIO_LOOPBACK, AUDIO_LOOPBACK.RESET],
    [DR.HYBRID, HYBRID.RESET],
    [DR.POWER_DOWN_1, POWER_DOWN_1.DCDC_OFF],
    [DR.AUTO_MANUAL, AUTO_MANUAL.RESET],
    [DR.LOOP_DEBOUNCE, DEBOUNCE.LOOP_RESET],
    [DR.RING_TRIP_DEBOUNCE, DEBOUNCE.RING_TRIP_RESET],
    [DR.ON_HOOK_VOLTAGE, ON_HOOK_VOLTAGE.RESET],
    [DR.COMMON_MODE_VOLTAGE, COMMON_MODE_VOLTAGE.RESET],
    [DR.VBAT_HIGH, VBAT.HIGH_RESET],
    [DR.VBAT_LOW, VBAT.LOW_RESET],
    [DR.DCDC_PWM_PERIOD, DCDC.PWM_PERIOD_SLOW],
    [DR.DCDC_SWITCH_DELAY, DCDC_SWITCH_DELAY_RESET],
    [DR.CALIBRATION_1, CALIBRATION.SELECT_ALL_1],
    [DR.CALIBRATION_2, CALIBRATION.SELECT_ALL_2],
    [DR.DCDC_PEAK_CAL, DCDC_PEAK_CAL.FALLBACK],
  ]);
}

/** Bits the host cannot change, per register (read-only registers are fully masked). */
function readOnlyMask(variant: Si321xVariant): Map<number, number> {
  const ro = new Map<number, number>([
    [DR.SPI_MODE, SPI_MODE.REVISION_MASK | SPI_MODE.PART_MASK],
    [DR.PCM_MODE, PCM_MODE.FAMILY_3215],
    [DR.LOOP_STATUS, 0xff],
    [DR.INDIRECT_STATUS, 0xff],
    [DR.LOOP_VOLTAGE_SENSE, 0xff],
    [DR.LOOP_CURRENT_SENSE, 0xff],
    [DR.TIP_VOLTAGE_SENSE, 0xff],
    [DR.RING_VOLTAGE_SENSE, 0xff],
    [DR.VBAT_SENSE_1, 0xff],
    [DR.VBAT_SENSE_2, 0xff],
  ]);
  if (variant === 'si3215') ro.set(DR.PART_ID, 0xff);
  return ro;
}

export class RegisterFile {
  private readonly regs = new Uint8Array(REGISTER_COUNT);
  private readonly ro: Map<number, number>;
  readonly writes: DirectWriteRecord[] = [];

  constructor(
    private readonly reset: () => Map<number, number>,
    variant: Si321xVariant,
  ) {
    this.ro = readOnlyMask(variant);
    this.resetAll();
  }

  resetAll(): void {
    this.regs.fill(0);
    for (const [a, v] of this.reset()) this.regs[a] = v;
  }

  get(address: number): number {
    return this.regs[address] ?? 0;
  }

  /** Set by the chip itself (ignores read-only masks). */
  set(address: number, value: number): void {
    this.regs[address] = value & 0xff;
  }

  /** PCM transmit/receive start counts (registers 2–5). */
  pcmStartCounts(): { tx: number; rx: number } {
    const count = (lo: number, hi: number) => this.get(lo) | ((this.get(hi) & PCM_START.HI_MASK) << PCM_START.HI_SHIFT);
    return { tx: count(DR.PCM_TX_START_LO, DR.PCM_TX_START_HI), rx: count(DR.PCM_RX_START_LO, DR.PCM_RX_START_HI) };
  }

  /** A host write: recorded; read-only bits keep their value. Returns the stored value. */
  hostWrite(address: number, value: number, at: number): number {
    this.writes.push({ address, value, at });
    const mask = this.ro.get(address) ?? 0;
    const stored = (this.get(address) & mask) | (value & ~mask & 0xff);
    this.regs[address] = stored;
    return stored;
  }
}
