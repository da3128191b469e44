/**
 * Errors of the update path. Every refusal carries a short `reason` (also in `code` as
 * `ota-<reason>`) so logs, `tipring update` and the state history say *why* an update was refused.
 */
import { LocalError, RemoteError } from '../core/errors.js';

/** Why an update (or a downloaded file, or a repository answer) was refused. */
export type RejectReason =
  | 'tampered' // hash or signature mismatch
  | 'too-long' // more bytes than the signed length (endless data)
  | 'bad-metadata' // unparseable, wrong type, wrong version sequence, unsigned
  | 'rollback' // metadata version lower than the trusted one
  | 'expired' // a role (or the final root) is past its expiry: freeze attack or stale repository
  | 'downgrade' // release counter below the anti-rollback floor
  | 'hardware-mismatch' // target not built for this board
  | 'bad-target-name' // path traversal or otherwise unsafe target name
  | 'clock-behind' // system time below the persisted clock floor (no RTC, no NTP yet)
  | 'slow-retrieval' // idle or overall timeout
  | 'known-bad' // this build failed its trial boot before
  | 'http' // unexpected HTTP status
  | 'network' // connection failed
  | 'bad-bundle' // bundle content does not match its manifest
  | 'not-found'; // no target for this board

/** The repository or the network gave us something we refuse. */
export class UpdateRejectedError extends RemoteError {
  readonly reason: RejectReason;
  constructor(reason: RejectReason, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(`ota-${reason}`, message, options);
    this.reason = reason;
  }
}

/** Something on the device is wrong (state file, slot layout, misuse). */
export class UpdateLocalError extends LocalError {
  constructor(code: string, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(`ota-${code}`, message, options);
  }
}

/** Reason text for any error, for logs and history. */
export function describeReason(e: unknown): { reason: string; message: string } {
  if (e instanceof UpdateRejectedError) return { reason: e.reason, message: e.message };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { reason: typeof code === 'string' ? code : e.name, message: e.message };
  }
  return { reason: 'unknown', message: String(e) };
}
