/**
 * Framing SIP over a byte stream (TCP/TLS, RFC 3261 §18.3): each message is its head plus
 * Content-Length octets (Content-Length is required). Between messages, RFC 5626 §4.4.1
 * keep-alives are reported: CRLFCRLF is a `ping`, a lone CRLF a `pong` (a CRLF that ends a chunk
 * is taken as a pong: pings arrive as one 4-octet write in practice).
 *
 * Buffering is bounded by `maxBytes` per message, and work per push is proportional to the new
 * octets (the search for the end of the head resumes where it stopped), so a peer trickling
 * octets one by one cannot make framing quadratic.
 *
 * After a throw the stream cannot be resynchronised: the framer keeps throwing the same error and
 * the caller should close the connection (after answering `error.partial` when present).
 */
import { SipParseError } from './errors.js';
import { buildMessage, parseHead, parseStartLine, withPartial, type Head } from './head.js';
import type { SipMessage } from './types.js';

export type FramedItem = SipMessage | { keepalive: 'ping' | 'pong' };

export interface SipStreamFramerOptions {
  /** Most octets buffered for one message (head + body). Default 64 KiB. */
  maxBytes?: number;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

export class SipStreamFramer {
  /** Storage; octets [0, #used) are pending. */
  #data: Buffer = Buffer.alloc(1024);
  #used = 0;
  #max: number;
  #failed?: SipParseError;
  /** Line-end style of the message being read, known once its start line is complete. */
  #terminator?: Buffer;
  /** Where the search for the end of the start line, then of the head, resumes. */
  #searchFrom = 0;
  /** The first SP of the start line has been seen (the method or version before it was checked). */
  #sawSpace = false;
  /** Head of the message whose body is still arriving. */
  #pending?: { head: Head; bodyStart: number; total: number };

  constructor(options: SipStreamFramerOptions = {}) {
    this.#max = options.maxBytes ?? 64 * 1024;
  }

  /** Octets received but not yet framed. */
  get buffered(): number {
    return this.#used;
  }

  push(chunk: Buffer): FramedItem[] {
    if (this.#failed) throw this.#failed;
    this.#append(chunk);
    const out: FramedItem[] = [];
    try {
      for (;;) {
        const item = this.#next();
        if (item === undefined) break;
        out.push(item);
      }
    } catch (e) {
      this.#failed = e as SipParseError;
      this.#used = 0;
      throw e;
    }
    return out;
  }

  #append(chunk: Buffer): void {
    const need = this.#used + chunk.length;
    if (need > this.#data.length) {
      const grown = Buffer.alloc(Math.max(need, this.#data.length * 2));
      this.#data.copy(grown, 0, 0, this.#used);
      this.#data = grown;
    }
    chunk.copy(this.#data, this.#used);
    this.#used = need;
  }

  #consume(n: number): void {
    if (n < this.#used) this.#data.copyWithin(0, n, this.#used);
    this.#used -= n;
    this.#terminator = undefined;
    this.#searchFrom = 0;
    this.#sawSpace = false;
  }

  #next(): FramedItem | undefined {
    const buf = this.#data.subarray(0, this.#used);
    if (this.#pending === undefined) {
      if (buf.length === 0) return undefined;
      if (buf[0] === 13) {
        if (buf.length < 2) return undefined;
        if (buf[1] !== 10) throw garbage();
        if (buf.length >= 4 && buf[2] === 13 && buf[3] === 10) {
          this.#consume(4);
          return { keepalive: 'ping' };
        }
        if (buf.length === 3) return undefined; // "\r\n\r": wait for the rest of a ping
        this.#consume(2);
        return { keepalive: 'pong' };
      }
      const frame = this.#findHeadEnd(buf);
      if (frame === undefined) {
        if (buf.length > this.#max) throw new SipParseError('too-large', 513, 'Message Too Large');
        return undefined;
      }
      const head = parseHead(buf.toString('utf8', 0, frame.headEnd));
      if (head.error !== undefined) throw withPartial(head.error, head, Buffer.alloc(0));
      if (head.contentLength === undefined) {
        throw withPartial(new SipParseError('missing-header', 400, 'Missing Content-Length'), head, Buffer.alloc(0));
      }
      const total = frame.bodyStart + head.contentLength;
      if (total > this.#max) throw withPartial(new SipParseError('too-large', 513, 'Message Too Large'), head, Buffer.alloc(0));
      this.#pending = { head, bodyStart: frame.bodyStart, total };
    }
    const p = this.#pending;
    if (buf.length < p.total) return undefined;
    this.#pending = undefined;
    const body = Buffer.from(buf.subarray(p.bodyStart, p.total));
    this.#consume(p.total);
    return buildMessage(p.head, body);
  }

  /** End of the head, resuming the search where the previous push stopped; checks the start line once complete. */
  #findHeadEnd(buf: Buffer): { headEnd: number; bodyStart: number } | undefined {
    if (this.#terminator === undefined) {
      const nl = buf.indexOf(10, this.#searchFrom);
      if (nl === -1) {
        if (!this.#sawSpace) this.#sawSpace = checkMethodPrefix(buf, this.#searchFrom);
        this.#searchFrom = buf.length;
        return undefined;
      }
      const crlf = nl > 0 && buf[nl - 1] === 13;
      checkStartLine(buf.toString('utf8', 0, crlf ? nl - 1 : nl));
      this.#terminator = crlf ? CRLFCRLF : LFLF;
      this.#searchFrom = crlf ? nl - 1 : nl;
    }
    const t = this.#terminator;
    const at = buf.indexOf(t, this.#searchFrom);
    if (at === -1) {
      this.#searchFrom = Math.max(this.#searchFrom, buf.length - t.length + 1);
      return undefined;
    }
    return { headEnd: at, bodyStart: at + t.length };
  }
}

function garbage(): SipParseError {
  return new SipParseError('bad-start-line', 400, 'Bad Start Line', { detail: 'unexpected octets between messages' });
}

/** Before the first line is complete: a method token or "SIP/2.0" must come first. True once its SP is seen. */
function checkMethodPrefix(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 32) return true;
    if (c < 33 || c > 126) throw garbage();
  }
  return false;
}

function checkStartLine(line: string): void {
  try {
    parseStartLine(line);
  } catch (e) {
    throw new SipParseError('bad-start-line', 400, 'Bad Start Line', { cause: e, detail: line.slice(0, 80) });
  }
}
