/**
 * DTMF in SIP INFO (`Content-Type: application/dtmf-relay`, the de-facto format of Cisco and most
 * ATAs): a body of `Signal=5\r\nDuration=160\r\n` (Duration in ms). Pure functions; the UA sends
 * and receives the INFO. `application/dtmf` (a body of just the key) is parsed too.
 */
import { RemoteError } from '../core/errors.js';
import { normaliseDtmfDigit } from './dtmf.js';

export const DTMF_RELAY_CONTENT_TYPE = 'application/dtmf-relay';
export const DTMF_CONTENT_TYPE = 'application/dtmf';

export interface DtmfRelay {
  digit: string;
  /** Tone duration, ms (undefined if the body has none). */
  durationMs?: number;
}

/** An INFO body that does not carry a DTMF key. */
export class DtmfRelayParseError extends RemoteError {
  constructor(message: string, body: string) {
    super('bad-dtmf-relay', message, { context: { body: body.slice(0, 200) } });
  }
}

/** `Signal=<key>\r\nDuration=<ms>\r\n` (throws DtmfDigitError for a bad key). */
export function buildDtmfRelay(digit: string, durationMs = 160): string {
  const d = normaliseDtmfDigit(digit);
  if (!Number.isInteger(durationMs) || durationMs <= 0) throw new RangeError(`duration ${durationMs} ms`);
  return `Signal=${d}\r\nDuration=${durationMs}\r\n`;
}

const NUMERIC_KEYS = '0123456789*#ABCD';

function key(value: string, body: string): string {
  const v = value.trim();
  // Some senders use the RFC 4733 event numbers 10–15 for * # A–D.
  if (/^1[0-5]$/.test(v)) return NUMERIC_KEYS[Number(v)] as string;
  const d = v.toUpperCase();
  if (d.length !== 1 || !NUMERIC_KEYS.includes(d)) throw new DtmfRelayParseError(`'${v}' is not a DTMF key`, body);
  return d;
}

/** Parse an `application/dtmf-relay` body (keys case-insensitive, any line ending, spaces allowed). */
export function parseDtmfRelay(body: string): DtmfRelay {
  let digit: string | undefined;
  let durationMs: number | undefined;
  for (const line of body.split(/\r\n|\r|\n/)) {
    const m = /^\s*([A-Za-z-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const name = (m[1] as string).toLowerCase();
    if (name === 'signal') digit = key(m[2] as string, body);
    else if (name === 'duration') {
      const n = Number(m[2]);
      if (!Number.isFinite(n) || n < 0) throw new DtmfRelayParseError(`bad Duration '${m[2]}'`, body);
      durationMs = n;
    }
  }
  if (digit === undefined) throw new DtmfRelayParseError('no Signal line', body);
  return durationMs === undefined ? { digit } : { digit, durationMs };
}

/** Parse an `application/dtmf` body (just the key). */
export function parseDtmfBody(body: string): DtmfRelay {
  return { digit: key(body, body) };
}
