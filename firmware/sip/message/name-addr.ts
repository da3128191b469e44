/**
 * name-addr / addr-spec values of From, To, Contact, Route, Record-Route, Reply-To, Refer-To,
 * P-Asserted-Identity ... (RFC 3261 §20, §25.1):
 *   `"Display" <uri;uri-params>;header-params`, `Display Words <uri>`, or a bare `uri;header-params`
 * In the bare form the URI ends at the first ";" or LWS and every parameter belongs to the header;
 * a bare URI containing "?" or "," is rejected (it must be in "<>").
 */
import { SipParseError } from './errors.js';
import { formatParams, parseParamsAt } from './params.js';
import { Ch, collapseWs, isTokenChar, isWsp, quote, scanQuoted, skipWs, unescapeQuotedPairs } from './syntax.js';
import type { NameAddr } from './types.js';
import { formatUri, parseUri } from './uri.js';

function bad(detail: string, text: string, cause?: unknown): SipParseError {
  return new SipParseError('bad-name-addr', 400, 'Bad Address', { detail, cause, context: { text } });
}

function parseUriOrThrow(uriText: string, text: string) {
  try {
    return parseUri(uriText);
  } catch (e) {
    throw bad((e as Error).message, text, e);
  }
}

export function parseNameAddr(text: string): NameAddr {
  const n = text.length;
  let i = skipWs(text, 0);
  if (i >= n) throw bad('empty value', text);
  let displayName: string | undefined;
  let lt = -1;
  if (text.charCodeAt(i) === Ch.Quote) {
    const end = scanQuoted(text, i, n);
    if (end === -1) throw bad('unterminated quoted display name', text);
    displayName = unescapeQuotedPairs(text.slice(i + 1, end - 1));
    i = skipWs(text, end, n);
    if (i >= n || text.charCodeAt(i) !== Ch.Lt) throw bad("expected '<' after display name", text);
    lt = i;
  } else {
    // Display words (tokens and LWS) up to '<', or else a bare addr-spec.
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (c === Ch.Lt || c === Ch.Semi || c === Ch.Quote) break;
      j++;
    }
    if (j < n && text.charCodeAt(j) === Ch.Lt) {
      for (let k = i; k < j; k++) {
        const c = text.charCodeAt(k);
        // Tokens and LWS; non-ASCII letters are tolerated (UAs send them unquoted in practice).
        if (!isTokenChar(c) && !isWsp(c) && c < 128) throw bad(`character '${text[k]}' not allowed in an unquoted display name`, text);
      }
      const words = collapseWs(text.slice(i, j));
      if (words.length > 0) displayName = words;
      lt = j;
    }
  }

  if (lt !== -1) {
    const gt = text.indexOf('>', lt + 1);
    if (gt === -1) throw bad("missing '>'", text);
    const uri = parseUriOrThrow(text.slice(lt + 1, gt), text);
    const params = parseParamsAt(text, gt + 1, n);
    return displayName === undefined ? { uri, params } : { displayName, uri, params };
  }

  // Bare addr-spec: the URI runs to the first ';' or LWS.
  let end = i;
  while (end < n) {
    const c = text.charCodeAt(end);
    if (c === Ch.Semi || isWsp(c)) break;
    if (c === Ch.Question || c === Ch.Comma) throw bad(`an addr-spec with '${text[end]}' must be enclosed in <>`, text);
    end++;
  }
  const uri = parseUriOrThrow(text.slice(i, end), text);
  const params = parseParamsAt(text, end, n);
  return { uri, params };
}

/** Always uses `<>`; the display name is written as a quoted string. */
export function formatNameAddr(na: NameAddr): string {
  const dn = na.displayName === undefined || na.displayName === '' ? '' : `${quote(na.displayName)} `;
  return `${dn}<${formatUri(na.uri)}>${formatParams(na.params)}`;
}
