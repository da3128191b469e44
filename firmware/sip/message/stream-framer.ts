/**
 * Framing SIP over a byte stream (TCP/TLS, RFC 3261 §18.3): each message is its head plus
 * Content-Length octets (Content-Length is required). Between messages, RFC 5626 §4.4.1
 * keep-alives are reported: CRLFCRLF is a `ping`, a lone CRLF a `pong` (a CRLF that ends a chunk
 * is taken as a pong: pings arrive as one 4-octet write in practice).
 *
 * After a throw the stream cannot be resynchronised: the framer keeps throwing the same error and
 * the caller should close the connection (after answering `error.partial` when present).
 */
import { SipParseError } from './errors.js';
import { buildMessage, findHeadEnd, parseHead, parseStartLine, withPartial, type Head } from './head.js';
import type { SipMessage } from './types.js';

export type FramedItem = SipMessage | { keepalive: 'ping' | 'pong' };

export interface SipStreamFramerOptions {
  /** Most octets buffered for one message (head + body). Default 64 KiB. */
  maxBytes?: number;
}

const EMPTY = Buffer.alloc(0);

export class SipStreamFramer {
  #buf: Buffer = EMPTY;
  #max: number;
  #failed?: SipParseError;
  /** Head of the message whose body is still arriving. */
  #pending?: { head: Head; bodyStart: number; total: number };

  constructor(options: SipStreamFramerOptions = {}) {
    this.#max = options.maxBytes ?? 64 * 1024;
  }

  /** Octets received but not yet framed. */
  get buffered(): number {
    return this.#buf.length;
  }

  push(chunk: Buffer): FramedItem[] {
    if (this.#failed) throw this.#failed;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: FramedItem[] = [];
    try {
      for (;;) {
        const item = this.#next();
        if (item === undefined) break;
        out.push(item);
      }
    } catch (e) {
      this.#failed = e as SipParseError;
      this.#buf = EMPTY;
      throw e;
    }
    return out;
  }

  #consume(n: number): void {
    this.#buf = n >= this.#buf.length ? EMPTY : this.#buf.subarray(n);
  }

  #next(): FramedItem | undefined {
    const buf = this.#buf;
    if (this.#pending === undefined) {
      if (buf.length === 0) return undefined;
      if (buf[0] === 13) {
        if (buf.length < 2) return undefined;
        if (buf[1] !== 10) throw this.#garbage();
        if (buf.length >= 4 && buf[2] === 13 && buf[3] === 10) {
          this.#consume(4);
          return { keepalive: 'ping' };
        }
        if (buf.length === 3) return undefined; // "\r\n\r": wait for the rest of a ping
        this.#consume(2);
        return { keepalive: 'pong' };
      }
      const frame = findHeadEnd(buf, 0);
      if (frame === null) {
        this.#checkStartLine(buf);
        if (buf.length > this.#max) throw new SipParseError('too-large', 513, 'Message Too Large');
        return undefined;
      }
      const head = parseHead(buf.toString('utf8', 0, frame.headEnd));
      if (head.error !== undefined) throw withPartial(head.error, head, EMPTY);
      if (head.contentLength === undefined) {
        throw withPartial(new SipParseError('missing-header', 400, 'Missing Content-Length'), head, EMPTY);
      }
      const total = frame.bodyStart + head.contentLength;
      if (total > this.#max) throw withPartial(new SipParseError('too-large', 513, 'Message Too Large'), head, EMPTY);
      this.#pending = { head, bodyStart: frame.bodyStart, total };
    }
    const p = this.#pending;
    if (buf.length < p.total) return undefined;
    this.#pending = undefined;
    const body = Buffer.from(buf.subarray(p.bodyStart, p.total));
    this.#consume(p.total);
    return buildMessage(p.head, body);
  }

  /** Fail early on a first line that cannot start a SIP message. */
  #checkStartLine(buf: Buffer): void {
    const nl = buf.indexOf(10);
    if (nl === -1) {
      // Not even a line yet: something other than a method token or "SIP/" is garbage already.
      for (let i = 0; i < buf.length; i++) {
        const c = buf[i]!;
        if (c === 32) return;
        if (c < 33 || c > 126) throw this.#garbage();
      }
      return;
    }
    const line = buf.toString('utf8', 0, nl > 0 && buf[nl - 1] === 13 ? nl - 1 : nl);
    try {
      parseStartLine(line);
    } catch (e) {
      throw new SipParseError('bad-start-line', 400, 'Bad Start Line', { cause: e, detail: line.slice(0, 80) });
    }
  }

  #garbage(): SipParseError {
    return new SipParseError('bad-start-line', 400, 'Bad Start Line', { detail: 'unexpected octets between messages' });
  }
}
