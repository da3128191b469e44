/** Mapping between the line layer's linefeed states and the ProSLIC's LF codes (register 64). */
import type { Linefeed } from '../types.js';
import { LF, LINEFEED } from './registers.js';
import type { LfCode } from './registers.js';

export type Polarity = 'forward' | 'reverse';

/**
 * The LF code for a linefeed state. On-hook transmission keeps the polarity the line has (so a
 * reversal made before caller ID stays on while the data is sent, as ETSI/SIN 227 want).
 */
export function lfCodeFor(state: Linefeed, polarity: Polarity): LfCode {
  switch (state) {
    case 'open':
      return LF.OPEN;
    case 'forward-active':
      return LF.FORWARD_ACTIVE;
    case 'reverse-active':
      return LF.REVERSE_ACTIVE;
    case 'on-hook-transmission':
      return polarity === 'reverse' ? LF.REVERSE_OHT : LF.FORWARD_OHT;
    case 'ringing':
      return LF.RINGING;
  }
}

/** The talk (active) state with the given polarity: where ringing and ring trip return to. */
export function activeCodeFor(polarity: Polarity): LfCode {
  return polarity === 'reverse' ? LF.REVERSE_ACTIVE : LF.FORWARD_ACTIVE;
}

/** The polarity a state sets, or undefined when it leaves polarity as it was (open, ringing). */
export function polarityOf(state: Linefeed): Polarity | undefined {
  if (state === 'forward-active') return 'forward';
  if (state === 'reverse-active') return 'reverse';
  return undefined;
}

/** LF bits (what was written) of a register 64 value. */
export function lfOf(reg64: number): LfCode {
  return (reg64 & LINEFEED.LF_MASK) as LfCode;
}

/** LFS bits (the state the chip is actually in) of a register 64 value. */
export function lfsOf(reg64: number): LfCode {
  return ((reg64 & LINEFEED.LFS_MASK) >> LINEFEED.LFS_SHIFT) as LfCode;
}

/** Register 64 value with both LF and LFS set to `code` (what a settled chip reads). */
export function reg64Of(lf: LfCode, lfs: LfCode = lf): number {
  return (lf & LINEFEED.LF_MASK) | ((lfs << LINEFEED.LFS_SHIFT) & LINEFEED.LFS_MASK);
}

const NAMES: Record<LfCode, string> = {
  [LF.OPEN]: 'open',
  [LF.FORWARD_ACTIVE]: 'forward-active',
  [LF.FORWARD_OHT]: 'forward-oht',
  [LF.TIP_OPEN]: 'tip-open',
  [LF.RINGING]: 'ringing',
  [LF.REVERSE_ACTIVE]: 'reverse-active',
  [LF.REVERSE_OHT]: 'reverse-oht',
  [LF.RING_OPEN]: 'ring-open',
};

export function lfName(code: LfCode): string {
  return NAMES[code];
}
