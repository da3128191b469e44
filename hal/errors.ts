import { LocalError, RemoteError } from '../firmware/core/errors.js';

export type HalErrorCode =
  | 'not-open'
  | 'closed'
  | 'busy'
  | 'no-device'
  | 'bad-argument'
  | 'io'
  | 'unsupported';

/** A HAL call failed. `device` names the pin, bus or port. */
export class HalError extends LocalError {
  declare readonly code: HalErrorCode;
  constructor(code: HalErrorCode, message: string, options: { device?: string; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, context: { device: options.device } });
  }
}

/** The hardware (or the simulated chip) reported something out of spec. */
export class DeviceFaultError extends RemoteError {
  constructor(code: string, message: string, context: Record<string, unknown> = {}) {
    super(code, message, { context });
  }
}

export function isHalError(e: unknown): e is HalError {
  return e instanceof HalError;
}
