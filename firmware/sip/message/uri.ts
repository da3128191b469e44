/**
 * SIP/SIPS/tel URIs (RFC 3261 §19.1, §25.1; RFC 3966). Any other scheme parses to `scheme` plus
 * the opaque rest in `host`, so that a UAS can answer 416 (Unsupported URI Scheme).
 * User, password, parameters and headers are %-unescaped; IPv6 hosts are stored without brackets.
 */
import { SipParseError } from './errors.js';
import { HEADER_CHARS, PARAM_CHARS, PASSWORD_CHARS, TEL_CHARS, USER_CHARS, escapePercent, unescapePercent } from './escape.js';
import { Ch, isAlpha, isDigit, isHostChar, isIpv6Char, isSchemeChar } from './syntax.js';
import type { Params, SipUri } from './types.js';

function badUri(detail: string, text: string): SipParseError {
  return new SipParseError('bad-uri', 400, 'Bad URI', { detail, context: { uri: text } });
}

/** Characters that never appear raw in a URI: controls, space, DEL, `"`, `<`, `>`, `\`, `{`, `}`, `|`, `^`, backtick. */
function isForbidden(c: number): boolean {
  return c <= 32 || c === 127 || c === Ch.Quote || c === Ch.Lt || c === Ch.Gt || c === Ch.Backslash || c === 123 || c === 125 || c === 124 || c === 94 || c === 96;
}

export function parseUri(text: string): SipUri {
  const colon = text.indexOf(':');
  if (colon <= 0) throw badUri('no scheme', text);
  if (!isAlpha(text.charCodeAt(0))) throw badUri('bad scheme', text);
  for (let i = 1; i < colon; i++) if (!isSchemeChar(text.charCodeAt(i))) throw badUri('bad scheme', text);
  for (let i = colon + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && isForbidden(c)) throw badUri(`character ${c} not allowed`, text);
  }
  const scheme = text.slice(0, colon).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, text, colon + 1);
  if (scheme === 'tel') return parseTelUri(text, colon + 1);
  if (colon + 1 >= text.length) throw badUri('empty URI', text);
  return { scheme, host: text.slice(colon + 1), params: new Map(), headers: new Map() };
}

function parseSipUri(scheme: string, text: string, start: number): SipUri {
  const uri: SipUri = { scheme, host: '', params: new Map(), headers: new Map() };
  const n = text.length;
  // An "@" can only be the userinfo delimiter: user, password, params and headers must escape it.
  const at = text.indexOf('@', start);
  let i = start;
  if (at !== -1) {
    const pw = text.indexOf(':', start);
    const userEnd = pw !== -1 && pw < at ? pw : at;
    if (userEnd === start) throw badUri('empty user', text);
    uri.user = unescapePercent(text.slice(start, userEnd));
    if (userEnd < at) uri.password = unescapePercent(text.slice(userEnd + 1, at));
    i = at + 1;
  }
  // hostport
  if (i < n && text.charCodeAt(i) === Ch.LBracket) {
    const close = text.indexOf(']', i);
    if (close === -1) throw badUri('unterminated IPv6 reference', text);
    for (let j = i + 1; j < close; j++) if (!isIpv6Char(text.charCodeAt(j))) throw badUri('bad IPv6 address', text);
    const firstColon = text.indexOf(':', i);
    if (firstColon === -1 || firstColon > close) throw badUri('bad IPv6 address', text);
    uri.host = text.slice(i + 1, close);
    i = close + 1;
  } else {
    const h = i;
    while (i < n && isHostChar(text.charCodeAt(i))) i++;
    if (i === h) throw badUri('empty host', text);
    uri.host = text.slice(h, i);
  }
  if (i < n && text.charCodeAt(i) === Ch.Colon) {
    const p = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === p || i - p > 5) throw badUri('bad port', text);
    const port = Number(text.slice(p, i));
    if (port > 65535) throw badUri('bad port', text);
    uri.port = port;
  }
  if (i < n && text.charCodeAt(i) !== Ch.Semi && text.charCodeAt(i) !== Ch.Question) {
    throw badUri(`unexpected '${text[i]}' after host`, text);
  }
  const q = text.indexOf('?', i);
  const paramsEnd = q === -1 ? n : q;
  if (i < paramsEnd) parseUriParams(text, i, paramsEnd, uri.params);
  if (q !== -1) parseUriHeaders(text, q + 1, uri.headers);
  return uri;
}

function parseTelUri(text: string, start: number): SipUri {
  const semi = text.indexOf(';', start);
  const end = semi === -1 ? text.length : semi;
  if (end === start) throw badUri('empty telephone number', text);
  const uri: SipUri = { scheme: 'tel', user: unescapePercent(text.slice(start, end)), host: '', params: new Map(), headers: new Map() };
  if (semi !== -1) parseUriParams(text, semi, text.length, uri.params);
  return uri;
}

/** `;name[=value]` pairs from text[start..end), text[start] === ';'. Names lower-cased, both unescaped. */
function parseUriParams(text: string, start: number, end: number, into: Params): void {
  let i = start;
  while (i < end) {
    const next = text.indexOf(';', i + 1);
    const stop = next === -1 || next > end ? end : next;
    const eq = text.indexOf('=', i + 1);
    if (eq !== -1 && eq < stop) {
      if (eq === i + 1) throw badUri('empty parameter name', text);
      if (eq + 1 === stop) throw badUri('empty parameter value', text);
      const name = unescapePercent(text.slice(i + 1, eq)).toLowerCase();
      if (!into.has(name)) into.set(name, unescapePercent(text.slice(eq + 1, stop)));
    } else {
      if (stop === i + 1) throw badUri('empty parameter', text);
      const name = unescapePercent(text.slice(i + 1, stop)).toLowerCase();
      if (!into.has(name)) into.set(name, null);
    }
    i = stop;
  }
}

function parseUriHeaders(text: string, start: number, into: Map<string, string>): void {
  if (start >= text.length) throw badUri('empty headers', text);
  for (const part of text.slice(start).split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw badUri('bad header', text);
    into.set(unescapePercent(part.slice(0, eq)), unescapePercent(part.slice(eq + 1)));
  }
}

function formatHost(host: string): string {
  return host.indexOf(':') !== -1 && host.charCodeAt(0) !== Ch.LBracket ? `[${host}]` : host;
}

function formatUriParams(p: Params): string {
  let out = '';
  for (const [k, v] of p) {
    out += ';' + escapePercent(k, PARAM_CHARS);
    if (v !== null) out += '=' + escapePercent(v, PARAM_CHARS);
  }
  return out;
}

export function formatUri(uri: SipUri): string {
  const scheme = uri.scheme.toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') {
    let out = scheme + ':';
    if (uri.user !== undefined) {
      out += escapePercent(uri.user, USER_CHARS);
      if (uri.password !== undefined) out += ':' + escapePercent(uri.password, PASSWORD_CHARS);
      out += '@';
    }
    out += formatHost(uri.host);
    if (uri.port !== undefined) out += ':' + uri.port;
    out += formatUriParams(uri.params);
    let sep = '?';
    for (const [k, v] of uri.headers) {
      out += sep + escapePercent(k, HEADER_CHARS) + '=' + escapePercent(v, HEADER_CHARS);
      sep = '&';
    }
    return out;
  }
  if (scheme === 'tel') return 'tel:' + escapePercent(uri.user ?? uri.host, TEL_CHARS) + formatUriParams(uri.params);
  return `${scheme}:${uri.host}${formatUriParams(uri.params)}`;
}

/** Parameters that, when present in either URI, must be present and equal in both (RFC 3261 §19.1.4). */
const MUST_MATCH = ['user', 'ttl', 'method', 'maddr', 'transport'];

function lowerOrNull(v: string | null | undefined): string | null | undefined {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function paramsEqual(a: Params, b: Params): boolean {
  for (const name of MUST_MATCH) {
    if (lowerOrNull(a.get(name)) !== lowerOrNull(b.get(name))) return false;
  }
  for (const [k, v] of a) {
    if (b.has(k) && lowerOrNull(b.get(k)) !== lowerOrNull(v)) return false;
  }
  return true;
}

function telNumber(s: string | undefined): string {
  return (s ?? '').replace(/[-.()]/g, '').toLowerCase();
}

/** URI equality per RFC 3261 §19.1.4 (scheme, user/password case-sensitive, host case-insensitive, port, key params, headers). */
export function uriEquals(a: SipUri, b: SipUri): boolean {
  const scheme = a.scheme.toLowerCase();
  if (scheme !== b.scheme.toLowerCase()) return false;
  if (scheme === 'tel') return telNumber(a.user) === telNumber(b.user) && paramsEqual(a.params, b.params);
  if (scheme !== 'sip' && scheme !== 'sips') return a.host === b.host;
  if (a.user !== b.user || a.password !== b.password) return false;
  if (a.host.toLowerCase() !== b.host.toLowerCase() || a.port !== b.port) return false;
  if (!paramsEqual(a.params, b.params)) return false;
  if (a.headers.size !== b.headers.size) return false;
  for (const [k, v] of a.headers) {
    let found = false;
    for (const [k2, v2] of b.headers) {
      if (k2.toLowerCase() === k.toLowerCase()) {
        found = v2 === v;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}
