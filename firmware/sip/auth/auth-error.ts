/** Errors of digest authentication caused by what the peer sent (a bad challenge or credentials header). */
import { RemoteError } from '../../core/errors.js';

export type AuthErrorCode =
  | 'not-digest'
  | 'malformed-challenge'
  | 'missing-realm'
  | 'missing-nonce'
  | 'unsupported-algorithm'
  | 'unsupported-qop'
  | 'no-usable-challenge';

export class AuthError extends RemoteError {
  declare readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}
