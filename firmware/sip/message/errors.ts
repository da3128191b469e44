/**
 * Errors raised while reading SIP from the network. A `SipParseError` says which SIP status the
 * peer should get (400, 416, 505, 513 ...) and, when enough of a request could be read, carries it
 * as `partial` so that the caller can still build that response (RFC 3261 §8.2, §16.3).
 */
import { RemoteError } from '../../core/errors.js';
import type { SipRequest } from './types.js';

export type SipParseErrorCode =
  | 'bad-start-line'
  | 'bad-version'
  | 'bad-header'
  | 'missing-header'
  | 'bad-content-length'
  | 'bad-uri'
  | 'unsupported-uri-scheme'
  | 'bad-name-addr'
  | 'bad-via'
  | 'bad-cseq'
  | 'bad-param'
  | 'bad-auth'
  | 'bad-content-type'
  | 'bad-value'
  | 'incomplete'
  | 'too-large';

export class SipParseError extends RemoteError {
  declare readonly code: SipParseErrorCode;
  /** The SIP status to answer with (when the message is a request one may answer). */
  readonly status: number;
  /** A reason phrase for that status. */
  readonly reason: string;
  /** The request as far as it could be read (start line and headers), when Via/From/To/Call-ID/CSeq were present. */
  partial?: SipRequest;

  constructor(
    code: SipParseErrorCode,
    status: number,
    reason: string,
    options: { detail?: string; cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(code, options.detail ? `${reason}: ${options.detail}` : reason, options);
    this.status = status;
    this.reason = reason;
  }
}

export function isSipParseError(e: unknown): e is SipParseError {
  return e instanceof SipParseError;
}

/** Shorthand for the common 400 case. */
export function badRequest(code: SipParseErrorCode, reason: string, detail?: string): SipParseError {
  return new SipParseError(code, 400, reason, detail === undefined ? {} : { detail });
}
