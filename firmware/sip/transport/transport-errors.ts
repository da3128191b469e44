/**
 * Errors of the SIP transports. `TransportError` (remote): the peer or the network failed us
 * (refused, timed out, closed, certificate did not verify). `TransportUsageError` (local): we
 * asked for something impossible (no transport of that kind, transport closed, too large).
 */
import { LocalError, RemoteError } from '../../core/errors.js';
import type { Endpoint } from '../message/types.js';

export type TransportErrorCode =
  | 'connect-failed'
  | 'connect-timeout'
  | 'tls-verify-failed'
  | 'tls-handshake-failed'
  | 'connection-closed'
  | 'connection-error'
  | 'write-backlog'
  | 'framing-error';

export class TransportError extends RemoteError {
  declare readonly code: TransportErrorCode;
  readonly remote: Endpoint;

  constructor(code: TransportErrorCode, message: string, remote: Endpoint, options: { cause?: unknown } = {}) {
    super(code, message, { cause: options.cause, context: { remote: `${remote.transport}:${remote.address}:${remote.port}` } });
    this.remote = remote;
  }
}

export type TransportUsageErrorCode = 'no-transport' | 'transport-closed' | 'sip-too-large' | 'too-many-connections' | 'bad-tls-config' | 'listen-failed';

export class TransportUsageError extends LocalError {
  declare readonly code: TransportUsageErrorCode;
  constructor(code: TransportUsageErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

export function isTransportError(e: unknown): e is TransportError {
  return e instanceof TransportError;
}
