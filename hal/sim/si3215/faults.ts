/**
 * Faults a test can inject into the simulated Si3215. Conditions stay until cleared; events
 * (power alarm, thermal shutdown, self reset) happen once, when injected.
 */
export type Si3215Fault =
  /** No chip on the bus: every read returns `reads` (0xFF floating high by default, or 0x00). */
  | { kind: 'absent'; reads?: 0x00 | 0xff }
  /** The next `times` calibrations never finish (all of them when omitted). */
  | { kind: 'calibration-stuck'; times?: number }
  /** The DC-DC cannot get the battery above `maxVolts`. */
  | { kind: 'dcdc-weak'; maxVolts: number }
  /** A leak on the battery rail: with the DC-DC off it discharges with this time constant. */
  | { kind: 'battery-leak'; timeConstantMs?: number }
  /** The indirect access engine never finishes (busy bit stuck). */
  | { kind: 'indirect-stuck' }
  /** Indirect register `address` reads back XOR `xor` (stuck RAM bits). */
  | { kind: 'indirect-corrupt'; address: number; xor: number }
  /** Event: transistor Q`transistor` exceeds its power limit (register 19 alarm bit; auto-open if AOPN). */
  | { kind: 'power-alarm'; transistor: 1 | 2 | 3 | 4 | 5 | 6 }
  /** Event: the chip opens the line by itself with no alarm bit (protective shutdown). */
  | { kind: 'thermal-shutdown' }
  /** Loop current sense reads this many mA while the loop is closed (a foreign voltage). */
  | { kind: 'loop-overcurrent'; mA: number }
  /** Event: the chip resets itself (brown-out): every register back to its reset value. */
  | { kind: 'self-reset' };

export type Si3215FaultKind = Si3215Fault['kind'];

/** Faults that are conditions (stored until cleared) rather than one-off events. */
export const CONDITION_FAULTS: readonly Si3215FaultKind[] = [
  'absent',
  'calibration-stuck',
  'dcdc-weak',
  'battery-leak',
  'indirect-stuck',
  'indirect-corrupt',
  'loop-overcurrent',
];
