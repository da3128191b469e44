/**
 * Errors of the SRTP/SDES layer. What a peer sends that fails a check is a `RemoteError`
 * (`SrtpError`, `SdesError`); a bad key or misuse on our side is a `LocalError` (`SrtpKeyError`).
 */
import { LocalError, RemoteError } from '../core/errors.js';

export type SrtpErrorCode =
  | 'srtp-too-short'
  | 'srtp-bad-header'
  | 'srtp-auth-failed'
  | 'srtp-replay'
  | 'srtp-too-old'
  | 'srtp-mki-mismatch'
  | 'srtp-key-expired';

/** A received SRTP or SRTCP packet was refused. Count these; never answer them. */
export class SrtpError extends RemoteError {
  declare readonly code: SrtpErrorCode;
  constructor(code: SrtpErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(code, message, { context });
  }
}

export type SrtpKeyErrorCode = 'srtp-bad-key' | 'srtp-bad-packet' | 'srtp-index-exhausted' | 'srtp-unsupported';

/** Our own keying or packet was unusable (wrong key length, malformed packet handed to protect). */
export class SrtpKeyError extends LocalError {
  declare readonly code: SrtpKeyErrorCode;
  constructor(code: SrtpKeyErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(code, message, { context });
  }
}

export type SdesErrorCode = 'sdes-malformed' | 'sdes-no-common-suite' | 'sdes-required' | 'sdes-bad-answer' | 'sdes-unsupported-profile';

/** The peer's SDES (a=crypto) offer or answer cannot be used. `status` is the SIP status to answer an offer with. */
export class SdesError extends RemoteError {
  declare readonly code: SdesErrorCode;
  readonly status: number;
  constructor(code: SdesErrorCode, message: string, status = 488, context: Record<string, unknown> = {}) {
    super(code, message, { context });
    this.status = status;
  }
}
