/**
 * Level convention for all media code: 0 dBm0 is a sine of peak amplitude 22756 in 16-bit linear
 * PCM (so the µ-law overload point, +3.17 dBm0, is about 32767). The RMS of that sine is
 * `DBM0_REF_RMS` = 22756 / √2.
 */
export const DBM0_PEAK = 22756;

/** RMS value of a 0 dBm0 sine, in 16-bit linear units. */
export const DBM0_REF_RMS = DBM0_PEAK / Math.SQRT2;

/** Level returned for an all-zero signal (there is no -Infinity in our reports). */
export const SILENCE_DBM0 = -120;

/** Peak amplitude of a sine at `dbm0`. */
export function dbm0ToAmplitude(dbm0: number): number {
  return DBM0_PEAK * Math.pow(10, dbm0 / 20);
}

/** Level in dBm0 of a signal with this RMS value (for a sine, rms = peak / √2). */
export function rmsToDbm0(rms: number): number {
  if (!(rms > 0)) return SILENCE_DBM0;
  return Math.max(SILENCE_DBM0, 20 * Math.log10(rms / DBM0_REF_RMS));
}

/** Level in dBm0 of a mean-square value (power), e.g. a Goertzel output. */
export function powerToDbm0(meanSquare: number): number {
  if (!(meanSquare > 0)) return SILENCE_DBM0;
  return Math.max(SILENCE_DBM0, 10 * Math.log10(meanSquare / (DBM0_REF_RMS * DBM0_REF_RMS)));
}

/** Mean-square value (power) of a sine at `dbm0`. */
export function dbm0ToPower(dbm0: number): number {
  return DBM0_REF_RMS * DBM0_REF_RMS * Math.pow(10, dbm0 / 10);
}

/** Level in dBm0 of `count` samples of `samples` from `start` (RMS over the range). */
export function levelOf(samples: ArrayLike<number>, start = 0, count = samples.length - start): number {
  if (count <= 0) return SILENCE_DBM0;
  let sum = 0;
  for (let i = start; i < start + count; i++) {
    const s = samples[i] as number;
    sum += s * s;
  }
  return rmsToDbm0(Math.sqrt(sum / count));
}
