/**
 * The message head: start line and header block (RFC 3261 §7.1, §7.2, §7.3, §25). Shared by the
 * datagram parser (parse.ts) and the stream framer (stream-framer.ts).
 *
 * The header block is scanned line by line with indexOf; folded lines (LWS continuation) are joined
 * with one SP; names are case-insensitive and compact forms are expanded. Header values are not
 * interpreted here, except Content-Length (framing).
 */
import { SipParseError, badRequest } from './errors.js';
import { Headers } from './headers.js';
import { Ch, isAlpha, isDigit, isSchemeChar, isToken, isWsp, trimWs } from './syntax.js';
import type { SipMessage, SipRequest } from './types.js';

export type StartLine =
  | { kind: 'request'; method: string; uri: string; version: string }
  | { kind: 'response'; status: number; reason: string; version: string };

export interface Head {
  start?: StartLine;
  /** A best-effort request line when `start` could not be read, to build `partial`. */
  guess?: { method: string; uri: string; version: string };
  headers: Headers;
  contentLength?: number;
  /** The first error met; the rest of the head was still read. */
  error?: SipParseError;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

/**
 * Where the head that starts at `from` ends: `headEnd` is the end of the last header line (before
 * its line break), `bodyStart` the first octet after the empty line. Line breaks are CRLF, or bare
 * LF when the start line ends with a bare LF. null when the empty line has not arrived.
 */
export function findHeadEnd(buf: Buffer, from: number): { headEnd: number; bodyStart: number } | null {
  const nl = buf.indexOf(Ch.Lf, from);
  if (nl === -1) return null;
  if (nl > from && buf[nl - 1] === Ch.Cr) {
    const at = buf.indexOf(CRLFCRLF, nl - 1);
    return at === -1 ? null : { headEnd: at, bodyStart: at + 4 };
  }
  const at = buf.indexOf(LFLF, nl);
  return at === -1 ? null : { headEnd: at, bodyStart: at + 2 };
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; returns the normalised form or undefined. */
function readVersion(s: string): string | undefined {
  if (s.length < 7 || s.slice(0, 4).toUpperCase() !== 'SIP/') return undefined;
  const dot = s.indexOf('.', 4);
  if (dot <= 4 || dot === s.length - 1) return undefined;
  for (let i = 4; i < s.length; i++) if (i !== dot && !isDigit(s.charCodeAt(i))) return undefined;
  return `SIP/${s.slice(4)}`;
}

function isUriShaped(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon <= 0 || !isAlpha(s.charCodeAt(0))) return false;
  for (let i = 1; i < colon; i++) if (!isSchemeChar(s.charCodeAt(i))) return false;
  for (let i = colon + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 127 || c === Ch.Lt || c === Ch.Gt || c === Ch.Quote) return false;
  }
  return true;
}

/** Request-Line or Status-Line. Exactly one SP between elements; no trailing SP on a Request-Line. */
export function parseStartLine(line: string): StartLine {
  if (line.length >= 4 && line.slice(0, 4).toUpperCase() === 'SIP/') {
    const sp = line.indexOf(' ');
    const version = sp === -1 ? undefined : readVersion(line.slice(0, sp));
    if (version === undefined) throw badRequest('bad-start-line', 'Bad Status-Line', line);
    const codeEnd = sp + 4;
    if (line.length < codeEnd || (line.length > codeEnd && line.charCodeAt(codeEnd) !== Ch.Space)) {
      throw badRequest('bad-start-line', 'Bad Status-Code', line);
    }
    for (let i = sp + 1; i < codeEnd; i++) if (!isDigit(line.charCodeAt(i))) throw badRequest('bad-start-line', 'Bad Status-Code', line);
    const status = Number(line.slice(sp + 1, codeEnd));
    if (status < 100 || status > 699) throw badRequest('bad-start-line', 'Bad Status-Code', line);
    return { kind: 'response', status, reason: line.slice(codeEnd + 1), version };
  }
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 === -1 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 === -1 || line.indexOf(' ', sp2 + 1) !== -1) throw badRequest('bad-start-line', 'Bad Request-Line', line);
  const method = line.slice(0, sp1);
  const uri = line.slice(sp1 + 1, sp2);
  const version = readVersion(line.slice(sp2 + 1));
  if (!isToken(method)) throw badRequest('bad-start-line', 'Bad Method', line);
  if (!isUriShaped(uri)) throw badRequest('bad-uri', 'Bad Request-URI', line);
  if (version === undefined) throw badRequest('bad-start-line', 'Bad SIP-Version', line);
  return { kind: 'request', method, uri, version };
}

function guessRequestLine(line: string): Head['guess'] {
  const parts = line.split(/[ \t]+/).filter((p) => p.length > 0);
  if (parts.length < 3 || !isToken(parts[0]!)) return undefined;
  const last = parts[parts.length - 1]!;
  if (last.slice(0, 4).toUpperCase() !== 'SIP/') return undefined;
  return { method: parts[0]!, uri: parts.slice(1, -1).join(' '), version: last };
}

const MAX_CONTENT_LENGTH = 2 ** 32 - 1;

/** Parse a head (start line + header lines, without the final empty line). Never throws: see `error`. */
export function parseHead(text: string): Head {
  const n = text.length;
  const headers = new Headers();
  const head: Head = { headers };
  const fail = (e: SipParseError) => {
    if (head.error === undefined) head.error = e;
  };

  let nl = text.indexOf('\n');
  let end = nl === -1 ? n : nl;
  const first = text.slice(0, end > 0 && text.charCodeAt(end - 1) === Ch.Cr ? end - 1 : end);
  try {
    head.start = parseStartLine(first);
  } catch (e) {
    fail(e as SipParseError);
    head.guess = guessRequestLine(first);
  }

  let name: string | undefined;
  let value = '';
  const flush = () => {
    if (name === undefined) return;
    const v = trimWs(value);
    headers.appendCanonical(name, v);
    if (name === 'Content-Length') {
      let len = v.length > 0 ? 0 : -1;
      for (let i = 0; i < v.length && len >= 0; i++) {
        const c = v.charCodeAt(i);
        len = isDigit(c) ? len * 10 + (c - 48) : -1;
        if (len > MAX_CONTENT_LENGTH) len = -1;
      }
      if (len < 0 || len > MAX_CONTENT_LENGTH) fail(badRequest('bad-content-length', 'Bad Content-Length', v));
      else if (head.contentLength !== undefined && head.contentLength !== len) fail(badRequest('bad-content-length', 'Conflicting Content-Length', v));
      else head.contentLength = len;
    }
    name = undefined;
  };

  let pos = end + 1;
  while (pos < n) {
    nl = text.indexOf('\n', pos);
    end = nl === -1 ? n : nl;
    const lineEnd = end > pos && text.charCodeAt(end - 1) === Ch.Cr ? end - 1 : end;
    const c0 = text.charCodeAt(pos);
    if (isWsp(c0)) {
      if (name === undefined) {
        if (lineEnd > pos && trimWs(text.slice(pos, lineEnd)).length > 0) fail(badRequest('bad-header', 'Bad Header', 'continuation line without a header'));
      } else {
        value = `${trimEndWs(value)} ${trimWs(text.slice(pos, lineEnd))}`;
      }
    } else {
      flush();
      const colon = text.indexOf(':', pos);
      if (colon === -1 || colon >= lineEnd) {
        if (lineEnd > pos) fail(badRequest('bad-header', 'Bad Header', text.slice(pos, lineEnd)));
      } else {
        let nameEnd = colon;
        while (nameEnd > pos && isWsp(text.charCodeAt(nameEnd - 1))) nameEnd--;
        const raw = text.slice(pos, nameEnd);
        if (!isToken(raw)) fail(badRequest('bad-header', 'Bad Header Name', raw));
        else {
          name = Headers.canonicalName(raw);
          value = text.slice(colon + 1, lineEnd);
        }
      }
    }
    pos = end + 1;
  }
  flush();
  return head;
}

function trimEndWs(s: string): string {
  let b = s.length;
  while (b > 0 && isWsp(s.charCodeAt(b - 1))) b--;
  return b === s.length ? s : s.slice(0, b);
}

const BASIC = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

/** Attach the request as far as it was read, when its line and the basic headers are known. */
export function withPartial(err: SipParseError, head: Head, body: Buffer): SipParseError {
  const line = head.start?.kind === 'request' ? head.start : head.guess;
  if (line === undefined || err.partial !== undefined) return err;
  for (const h of BASIC) if (!head.headers.has(h)) return err;
  const partial: SipRequest = { kind: 'request', method: line.method, uri: line.uri, version: line.version, headers: head.headers, body };
  err.partial = partial;
  return err;
}

/** Turn a parsed head and its body into a message, or throw the head's error (with `partial`). */
export function buildMessage(head: Head, body: Buffer): SipMessage {
  if (head.error !== undefined) throw withPartial(head.error, head, body);
  const start = head.start!;
  if (start.version !== 'SIP/2.0') {
    throw withPartial(new SipParseError('bad-version', 505, 'Version Not Supported', { detail: start.version }), head, body);
  }
  if (start.kind === 'request') {
    return { kind: 'request', method: start.method, uri: start.uri, version: start.version, headers: head.headers, body };
  }
  return { kind: 'response', status: start.status, reason: start.reason, version: start.version, headers: head.headers, body };
}
