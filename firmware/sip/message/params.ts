/**
 * Header parameters: `*( SEMI generic-param )` with `generic-param = token [ EQUAL gen-value ]`,
 * `gen-value = token / host / quoted-string` (RFC 3261 §25.1). SWS is allowed around ";" and "=".
 * Names are lower-cased; values keep their case, and quoted values keep their quotes (use
 * `unquote` from syntax.ts to read them), so that formatting gives back what was received.
 */
import { SipParseError } from './errors.js';
import type { Params } from './types.js';
import { Ch, isTokenChar, isWsp, scanQuoted, scanToken, skipWs } from './syntax.js';

function badParam(detail: string, text: string): SipParseError {
  return new SipParseError('bad-param', 400, 'Bad Header Parameter', { detail, context: { text } });
}

/** Characters accepted in an unquoted parameter value: token, host (":" "[" "]") and a few more seen in the wild. */
function isValueChar(c: number): boolean {
  if (isTokenChar(c)) return true;
  return c === Ch.Colon || c === Ch.LBracket || c === Ch.RBracket || c === Ch.Slash || c === Ch.At || c === Ch.Question || c === Ch.Eq || c === 35 /* # */ || c === 36 /* $ */ || c === 38 /* & */ || c >= 128;
}

/**
 * Parse `;a=b;c` from `text[start..end)` into `into` (a new Map by default). Leading SWS is
 * skipped; anything that is not a parameter throws `SipParseError` (400).
 */
export function parseParamsAt(text: string, start: number, end: number, into: Params = new Map()): Params {
  let i = skipWs(text, start, end);
  while (i < end) {
    if (text.charCodeAt(i) !== Ch.Semi) throw badParam(`unexpected '${text[i]}'`, text);
    i = skipWs(text, i + 1, end);
    const nameEnd = scanToken(text, i, end);
    if (nameEnd === i) throw badParam('empty parameter name', text);
    const name = text.slice(i, nameEnd).toLowerCase();
    i = skipWs(text, nameEnd, end);
    let value: string | null = null;
    if (i < end && text.charCodeAt(i) === Ch.Eq) {
      i = skipWs(text, i + 1, end);
      if (i < end && text.charCodeAt(i) === Ch.Quote) {
        const q = scanQuoted(text, i, end);
        if (q === -1) throw badParam('unterminated quoted string', text);
        value = text.slice(i, q);
        i = q;
      } else {
        let j = i;
        while (j < end && isValueChar(text.charCodeAt(j))) j++;
        if (j === i) throw badParam(`empty value for '${name}'`, text);
        value = text.slice(i, j);
        i = j;
      }
      i = skipWs(text, i, end);
    }
    setFirst(into, name, value);
    if (i < end && !isWsp(text.charCodeAt(i)) && text.charCodeAt(i) !== Ch.Semi) throw badParam(`unexpected '${text[i]}'`, text);
  }
  return into;
}

function setFirst(p: Params, name: string, value: string | null): void {
  if (!p.has(name)) p.set(name, value);
}

/** `;a=b;c` → Map { a → "b", c → null }. */
export function parseParams(text: string): Params {
  return parseParamsAt(text, 0, text.length);
}

/** Map → `;a=b;c` (values written as stored: quote them yourself with `quote` when needed). */
export function formatParams(p: Params): string {
  let out = '';
  for (const [k, v] of p) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}
