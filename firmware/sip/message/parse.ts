/**
 * Parsing one SIP message from a datagram (RFC 3261 §7, §18.3, §25). Leading CRLFs are skipped;
 * the body is the first Content-Length octets after the empty line (trailing octets are ignored);
 * without Content-Length the body is the rest of the datagram. The body is a view of `data`, not
 * decoded. Header values are not interpreted beyond framing: `validateRequest` / `validateResponse`
 * (validate.ts) check them.
 */
import { SipParseError } from './errors.js';
import { buildMessage, findHeadEnd, parseHead, withPartial } from './head.js';
import type { SipMessage } from './types.js';

export { SipStreamFramer } from './stream-framer.js';
export type { FramedItem, SipStreamFramerOptions } from './stream-framer.js';

/** Largest UDP payload. */
export const DEFAULT_MAX_DATAGRAM = 65535;

export interface ParseOptions {
  /** Larger inputs are rejected with 513 (Message Too Large). Default 65535. */
  maxBytes?: number;
}

export function parseMessage(data: Buffer, options: ParseOptions = {}): SipMessage {
  const max = options.maxBytes ?? DEFAULT_MAX_DATAGRAM;
  if (data.length > max) {
    throw new SipParseError('too-large', 513, 'Message Too Large', { context: { bytes: data.length, max } });
  }
  let start = 0;
  while (start < data.length && (data[start] === 13 || data[start] === 10)) start++;
  if (start >= data.length) throw new SipParseError('incomplete', 400, 'Empty Message');

  const frame = findHeadEnd(data, start);
  let headEnd: number;
  let bodyStart: number;
  if (frame) {
    headEnd = frame.headEnd;
    bodyStart = frame.bodyStart;
  } else {
    // No empty line: tolerate a datagram that simply ends after the last header line.
    headEnd = data.length;
    while (headEnd > start && (data[headEnd - 1] === 13 || data[headEnd - 1] === 10)) headEnd--;
    bodyStart = data.length;
  }
  const head = parseHead(data.toString('utf8', start, headEnd));
  let bodyEnd = data.length;
  if (head.contentLength !== undefined && head.error === undefined) {
    bodyEnd = bodyStart + head.contentLength;
    if (bodyEnd > data.length) {
      const err = new SipParseError('bad-content-length', 400, 'Content-Length Exceeds Message', {
        context: { contentLength: head.contentLength, available: data.length - bodyStart },
      });
      throw withPartial(err, head, data.subarray(bodyStart));
    }
  }
  return buildMessage(head, data.subarray(bodyStart, bodyEnd));
}
