/**
 * Ringing generator arithmetic for the ProSLIC (Si3210 datasheet 2.4.2 "Sinusoidal Ringing"):
 *
 *   coeff = cos(2π·f / 1000 Hz)                RCO (RING_OSC) = coeff · 2^15
 *   RNGX (RING_X) = ¼ · √((1 − coeff)/(1 + coeff)) · (Vpk / 96 V) · 2^15,  RNGY = 0 (sine phase)
 *
 * The peak must exceed the on-hook voltage VOC (register 72, 48 V at reset) for the line to ring
 * from the active state, and the high battery (register 74, 1.5 V/LSB) must exceed the peak plus
 * the transistors' overhead. Pure functions, shared by the driver and the simulated chip.
 */
import { ON_HOOK_VOLTAGE, RING_TRIP_TABLE, VBAT } from './registers.js';

/** The ringing oscillator's update rate. */
export const RING_OSC_RATE_HZ = 1000;
/** Full scale of RING_X, volts peak. */
export const RING_FULL_SCALE_V = 96;
const Q15 = 1 << 15;
/** Headroom kept between the peak ring voltage and the high battery, volts. */
export const RING_HEADROOM_V = 5;
/** Ring frequencies the chip makes (datasheet Table 28), Hz. */
export const RING_HZ_RANGE = { min: 15, max: 100 } as const;
/**
 * Ring voltages the driver accepts, V peak: above the reset on-hook voltage (48 V), and what a
 * 94.5 V battery leaves after the headroom.
 */
export const RING_VPK_RANGE = {
  min: ON_HOOK_VOLTAGE.RESET * ON_HOOK_VOLTAGE.VOLTS_PER_LSB + 2,
  max: VBAT.HIGH_MAX * VBAT.VOLTS_PER_LSB - RING_HEADROOM_V,
} as const;

function coefficient(frequencyHz: number): number {
  return Math.cos((2 * Math.PI * frequencyHz) / RING_OSC_RATE_HZ);
}

/** RING_OSC register value for a ring frequency. */
export function ringOscCoefficient(frequencyHz: number): number {
  return Math.round(coefficient(frequencyHz) * Q15);
}

/** The ring frequency a RING_OSC value produces, Hz (undefined when it cannot oscillate). */
export function ringFrequencyFromCoefficient(rco: number): number | undefined {
  const c = rco / Q15;
  if (!(c > -1 && c < 1)) return undefined;
  return (Math.acos(c) * RING_OSC_RATE_HZ) / (2 * Math.PI);
}

function amplitudeScale(c: number): number {
  return 0.25 * Math.sqrt((1 - c) / (1 + c)) * Q15;
}

/** RING_X register value for a peak ring voltage at a frequency. */
export function ringAmplitude(frequencyHz: number, voltsPeak: number): number {
  return Math.round(amplitudeScale(coefficient(frequencyHz)) * (voltsPeak / RING_FULL_SCALE_V));
}

/** The peak voltage that RING_X and RING_OSC produce (before the battery limits it). */
export function ringVoltageFromRegisters(rco: number, ringX: number): number | undefined {
  const c = rco / Q15;
  if (!(c > -1 && c < 1)) return undefined;
  const scale = amplitudeScale(c);
  return scale > 0 ? (ringX / scale) * RING_FULL_SCALE_V : undefined;
}

/** Register 74 code for a ring voltage: enough battery for the peak plus headroom, never below reset. */
export function highBatteryCode(ringVoltsPeak: number): number {
  const needed = Math.ceil((ringVoltsPeak + RING_HEADROOM_V) / VBAT.VOLTS_PER_LSB);
  return Math.min(VBAT.HIGH_MAX, Math.max(VBAT.HIGH_RESET, needed));
}

/** Ring trip filter and debounce for a frequency: the table row at or below it. */
export function ringTripSettings(frequencyHz: number): { filter: number; debounce: number } {
  let row = RING_TRIP_TABLE[0]!;
  for (const r of RING_TRIP_TABLE) if (r.hz <= frequencyHz + 1e-9) row = r;
  return { filter: row.filter, debounce: row.debounce };
}
