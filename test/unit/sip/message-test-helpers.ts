/** Shared builders for the message-* tests. */
import * as assert from 'uvu/assert';
import { isSipParseError, type SipParseError } from '../../../firmware/sip/message/errors.js';
import { parseMessage } from '../../../firmware/sip/message/parse.js';
import type { SipRequest } from '../../../firmware/sip/message/types.js';

export const CRLF = '\r\n';

export function wire(lines: string[], body = ''): Buffer {
  return Buffer.from(lines.join(CRLF) + CRLF + CRLF + body, 'utf8');
}

export const BASIC = [
  'Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@example.com>',
  'From: Alice <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 INVITE',
];

export function invite(extra: string[] = [], body = '', withLength = true): Buffer {
  const lines = ['INVITE sip:bob@example.com SIP/2.0', ...BASIC, ...extra];
  if (withLength) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return wire(lines, body);
}

export function parseRequest(data: Buffer): SipRequest {
  const m = parseMessage(data);
  assert.is(m.kind, 'request');
  return m as SipRequest;
}

export function parseError(fn: () => unknown): SipParseError {
  try {
    fn();
  } catch (e) {
    assert.ok(isSipParseError(e), `expected SipParseError, got ${String(e)}`);
    return e as SipParseError;
  }
  assert.unreachable('expected a SipParseError');
  throw new Error('unreachable');
}
