/** DTMF signalling frequencies (ITU-T Q.23) and the keypad layout. */
import { LocalError } from '../core/errors.js';

export const DTMF_ROW_HZ: readonly number[] = Object.freeze([697, 770, 852, 941]);
export const DTMF_COL_HZ: readonly number[] = Object.freeze([1209, 1336, 1477, 1633]);
/** Keys row by row: index = row * 4 + column. */
export const DTMF_KEYS = '123A456B789C*0#D';

/** A character that is not a DTMF key. */
export class DtmfDigitError extends LocalError {
  constructor(digit: string) {
    super('bad-dtmf-digit', `'${digit}' is not a DTMF key (0-9 * # A-D)`, { context: { digit } });
  }
}

/** Normalise a key ('a' → 'A'); throws DtmfDigitError for anything else. */
export function normaliseDtmfDigit(digit: string): string {
  const d = digit.toUpperCase();
  if (d.length !== 1 || !DTMF_KEYS.includes(d)) throw new DtmfDigitError(digit);
  return d;
}

/** Row and column index of a key. */
export function dtmfPosition(digit: string): { row: number; col: number } {
  const i = DTMF_KEYS.indexOf(normaliseDtmfDigit(digit));
  return { row: i >> 2, col: i & 3 };
}

/** [low (row), high (column)] frequencies of a key, Hz. */
export function dtmfFrequencies(digit: string): [number, number] {
  const { row, col } = dtmfPosition(digit);
  return [DTMF_ROW_HZ[row] as number, DTMF_COL_HZ[col] as number];
}

/** The key at a row and column index. */
export function dtmfKey(row: number, col: number): string {
  return DTMF_KEYS[row * 4 + col] as string;
}
