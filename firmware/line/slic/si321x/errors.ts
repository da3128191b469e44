/**
 * Errors of the Si321x driver. `SlicError` is the chip's fault (it does not answer, fails a
 * check, or takes the line down): a RemoteError via DeviceFaultError. `SlicConfigError` is ours
 * (a bad argument, a call in the wrong state): a LocalError.
 */
import { LocalError } from '../../../core/errors.js';
import { DeviceFaultError } from '../../../../hal/errors.js';

export type SlicErrorCode =
  | 'no-chip' // nothing answers on the bus (reads all 0x00 or 0xFF)
  | 'spi-readback' // a register written does not read back
  | 'unsupported-revision'
  | 'wrong-chip' // a different ProSLIC than the board says
  | 'insane' // reset values are not what the datasheet gives
  | 'indirect-timeout' // the indirect access busy bit never cleared
  | 'indirect-verify' // indirect registers did not read back as written
  | 'dcdc-timeout' // the battery did not reach its target in time
  | 'power-leak' // the battery discharged too fast with the DC-DC off
  | 'calibration-timeout' // calibration did not finish (after one retry)
  | 'dcdc-calibration-timeout'
  | 'linefeed-readback' // the linefeed register did not take the state written
  | 'line-down'; // the line was taken down by an alarm

export class SlicError extends DeviceFaultError {
  declare readonly code: SlicErrorCode;
  constructor(code: SlicErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(code, message, context);
  }
}

export type SlicConfigErrorCode = 'bad-argument' | 'not-initialised';

export class SlicConfigError extends LocalError {
  declare readonly code: SlicConfigErrorCode;
  constructor(code: SlicConfigErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(code, message, { context });
  }
}

export function isSlicError(e: unknown): e is SlicError {
  return e instanceof SlicError;
}
