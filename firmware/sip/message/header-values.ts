/**
 * Parsers and formatters for the values of individual headers: CSeq, parameters, Content-Type,
 * WWW-Authenticate/Authorization, Retry-After and the integer headers (Max-Forwards, Expires ...).
 * All of them throw `SipParseError` (400) on bad input.
 */
import { SipParseError } from './errors.js';
import { parseParamsAt } from './params.js';
import { Ch, isDigit, isWsp, quote, scanDigits, scanQuoted, scanToken, skipWs, trimWs, unescapeQuotedPairs } from './syntax.js';
import type { CSeq, Params } from './types.js';

export { formatParams, parseParams } from './params.js';
export { quote, unquote } from './syntax.js';

const MAX_CSEQ = 2 ** 31 - 1; // RFC 3261 §8.1.1.5: less than 2**31
const MAX_UINT32 = 2 ** 32 - 1;

/** Value of a run of digits, or -1 when above `max` (leading zeros allowed). */
function digitsValue(s: string, start: number, end: number, max: number): number {
  while (start < end - 1 && s.charCodeAt(start) === 48) start++;
  if (end - start > 10) return -1;
  const v = Number(s.slice(start, end));
  return v > max ? -1 : v;
}

/** `1*DIGIT LWS Method`; the number must be below 2**31. */
export function parseCSeq(text: string): CSeq {
  const n = text.length;
  const i = skipWs(text, 0);
  const d = scanDigits(text, i, n);
  if (d === i) throw new SipParseError('bad-cseq', 400, 'Bad CSeq', { detail: 'no sequence number', context: { text } });
  const seq = digitsValue(text, i, d, MAX_CSEQ);
  if (seq < 0) throw new SipParseError('bad-cseq', 400, 'Bad CSeq', { detail: 'sequence number too large', context: { text } });
  const m = skipWs(text, d, n);
  const end = scanToken(text, m, n);
  if (m === d || end === m || skipWs(text, end, n) !== n) {
    throw new SipParseError('bad-cseq', 400, 'Bad CSeq', { detail: 'bad method', context: { text } });
  }
  return { seq, method: text.slice(m, end) };
}

export function formatCSeq(c: CSeq): string {
  return `${c.seq} ${c.method}`;
}

/** Max-Forwards (0..255) and delta-seconds headers such as Expires, Min-Expires, Min-SE (0..2**32-1). */
export function parseIntHeader(text: string, name: string): number {
  const t = trimWs(text);
  const end = scanDigits(t, 0);
  const max = name.toLowerCase() === 'max-forwards' ? 255 : MAX_UINT32;
  const v = end === 0 || end !== t.length ? -1 : digitsValue(t, 0, end, max);
  if (v < 0) throw new SipParseError('bad-value', 400, `Bad ${name}`, { context: { text } });
  return v;
}

/** `type "/" subtype *( SEMI m-parameter )`; type and subtype lower-cased. */
export function parseContentType(text: string): { type: string; subtype: string; params: Params } {
  const n = text.length;
  let i = skipWs(text, 0);
  const t = scanToken(text, i, n);
  let j = skipWs(text, t, n);
  if (t === i || j >= n || text.charCodeAt(j) !== Ch.Slash) {
    throw new SipParseError('bad-content-type', 400, 'Bad Content-Type', { context: { text } });
  }
  const type = text.slice(i, t).toLowerCase();
  i = skipWs(text, j + 1, n);
  j = scanToken(text, i, n);
  if (j === i) throw new SipParseError('bad-content-type', 400, 'Bad Content-Type', { context: { text } });
  const subtype = text.slice(i, j).toLowerCase();
  try {
    return { type, subtype, params: parseParamsAt(text, j, n) };
  } catch (e) {
    throw new SipParseError('bad-content-type', 400, 'Bad Content-Type', { cause: e, context: { text } });
  }
}

function badAuth(detail: string, text: string): SipParseError {
  return new SipParseError('bad-auth', 400, 'Bad Authentication Header', { detail, context: { text } });
}

/**
 * `scheme auth-param *(COMMA auth-param)` as in WWW-Authenticate, Authorization and their Proxy-
 * forms. Names are lower-cased; quoted values are unquoted and unescaped. A parameter without "="
 * (e.g. a token68 credential) is stored under its own text with the value "".
 */
export function parseAuthParams(text: string): { scheme: string; params: Map<string, string> } {
  const n = text.length;
  let i = skipWs(text, 0);
  const s = scanToken(text, i, n);
  if (s === i) throw badAuth('missing scheme', text);
  const scheme = text.slice(i, s);
  if (s < n && !isWsp(text.charCodeAt(s))) throw badAuth('bad scheme', text);
  const params = new Map<string, string>();
  i = s;
  for (;;) {
    while (i < n && (isWsp(text.charCodeAt(i)) || text.charCodeAt(i) === Ch.Comma)) i++;
    if (i >= n) break;
    const nameStart = i;
    const nameEnd = scanToken(text, i, n);
    if (nameEnd === i) throw badAuth(`unexpected '${text[i]}'`, text);
    const rawName = text.slice(nameStart, nameEnd);
    i = skipWs(text, nameEnd, n);
    if (i >= n || text.charCodeAt(i) !== Ch.Eq) {
      // token68 (e.g. "Basic dXNlcg==") or a bare flag.
      let end = nameEnd;
      while (end < n && text.charCodeAt(end) === Ch.Eq) end++;
      params.set(text.slice(nameStart, end), '');
      i = end;
      if (i < n && !isWsp(text.charCodeAt(i)) && text.charCodeAt(i) !== Ch.Comma) throw badAuth(`unexpected '${text[i]}'`, text);
      continue;
    }
    i = skipWs(text, i + 1, n);
    let value: string;
    if (i < n && text.charCodeAt(i) === Ch.Quote) {
      const q = scanQuoted(text, i, n);
      if (q === -1) throw badAuth('unterminated quoted string', text);
      value = unescapeQuotedPairs(text.slice(i + 1, q - 1));
      i = q;
    } else {
      const v = i;
      while (i < n && !isWsp(text.charCodeAt(i)) && text.charCodeAt(i) !== Ch.Comma && text.charCodeAt(i) !== Ch.Quote) i++;
      if (v === i) throw badAuth(`empty value for '${rawName}'`, text);
      value = text.slice(v, i);
    }
    const name = rawName.toLowerCase();
    if (!params.has(name)) params.set(name, value);
    i = skipWs(text, i, n);
    if (i < n && text.charCodeAt(i) !== Ch.Comma) throw badAuth(`expected ',' after '${rawName}'`, text);
  }
  return { scheme, params };
}

/** `Digest realm="x", nonce="y", algorithm=MD5`; `quoted` entries are written as quoted strings. */
export function formatAuthParams(scheme: string, entries: Array<[name: string, value: string, quoted: boolean]>): string {
  const parts = entries.map(([name, value, quoted]) => `${name}=${quoted ? quote(value) : value}`);
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`;
}

export interface RetryAfter {
  seconds: number;
  comment?: string;
  /** Parameters such as `duration` (lower-cased names). */
  params: Params;
}

/** `delta-seconds [ comment ] *( SEMI retry-param )` (RFC 3261 §20.33). */
export function parseRetryAfter(text: string): RetryAfter {
  const n = text.length;
  let i = skipWs(text, 0);
  const d = scanDigits(text, i, n);
  const seconds = d === i ? -1 : digitsValue(text, i, d, MAX_UINT32);
  if (seconds < 0) throw new SipParseError('bad-value', 400, 'Bad Retry-After', { context: { text } });
  const out: RetryAfter = { seconds, params: new Map() };
  i = skipWs(text, d, n);
  if (i < n && text.charCodeAt(i) === 40 /* ( */) {
    let depth = 0;
    let j = i;
    for (; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === Ch.Backslash) j++;
      else if (c === 40) depth++;
      else if (c === 41 && --depth === 0) break;
    }
    if (j >= n) throw new SipParseError('bad-value', 400, 'Bad Retry-After', { detail: 'unterminated comment', context: { text } });
    out.comment = trimWs(text.slice(i + 1, j));
    i = j + 1;
  }
  try {
    parseParamsAt(text, i, n, out.params);
  } catch (e) {
    throw new SipParseError('bad-value', 400, 'Bad Retry-After', { cause: e, context: { text } });
  }
  return out;
}

/** True for a string of digits only (no sign, no spaces). */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}
