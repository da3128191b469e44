/**
 * One Via value (RFC 3261 §20.42, §25.1):
 *   `sent-protocol LWS sent-by *( SEMI via-params )`, sent-protocol = name SLASH version SLASH transport
 * with SWS allowed around "/" and ":" (RFC 4475 §3.1.1.1). IPv6 hosts are stored without brackets.
 */
import { SipParseError } from './errors.js';
import { formatParams, parseParamsAt } from './params.js';
import { Ch, isDigit, isHostChar, isIpv6Char, isWsp, scanToken, skipWs } from './syntax.js';
import type { Via } from './types.js';

function bad(detail: string, text: string, cause?: unknown): SipParseError {
  return new SipParseError('bad-via', 400, 'Bad Via', { detail, cause, context: { text } });
}

export function parseVia(text: string): Via {
  const n = text.length;
  let i = skipWs(text, 0);
  const fields: string[] = [];
  for (let k = 0; k < 3; k++) {
    if (k > 0) {
      if (i >= n || text.charCodeAt(i) !== Ch.Slash) throw bad("expected '/' in sent-protocol", text);
      i = skipWs(text, i + 1, n);
    }
    const end = scanToken(text, i, n);
    if (end === i) throw bad('bad sent-protocol', text);
    fields.push(text.slice(i, end));
    i = k < 2 ? skipWs(text, end, n) : end;
  }
  const afterTransport = i;
  i = skipWs(text, i, n);
  if (i === afterTransport || i >= n) throw bad('missing sent-by', text);

  let host: string;
  if (text.charCodeAt(i) === Ch.LBracket) {
    const close = text.indexOf(']', i);
    if (close === -1 || close === i + 1) throw bad('bad IPv6 reference', text);
    for (let j = i + 1; j < close; j++) if (!isIpv6Char(text.charCodeAt(j))) throw bad('bad IPv6 address', text);
    host = text.slice(i + 1, close);
    i = close + 1;
  } else {
    const h = i;
    while (i < n && isHostChar(text.charCodeAt(i))) i++;
    if (i === h) throw bad('bad host', text);
    host = text.slice(h, i);
  }
  let port: number | undefined;
  let j = skipWs(text, i, n);
  if (j < n && text.charCodeAt(j) === Ch.Colon) {
    j = skipWs(text, j + 1, n);
    const p = j;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    if (j === p || j - p > 5) throw bad('bad port', text);
    port = Number(text.slice(p, j));
    if (port > 65535) throw bad('bad port', text);
    i = j;
  }
  if (i < n && !isWsp(text.charCodeAt(i)) && text.charCodeAt(i) !== Ch.Semi) throw bad(`unexpected '${text[i]}' after sent-by`, text);
  let params;
  try {
    params = parseParamsAt(text, i, n);
  } catch (e) {
    throw bad((e as Error).message, text, e);
  }
  const via: Via = { protocol: `${fields[0]!.toUpperCase()}/${fields[1]!}`, transport: fields[2]!.toUpperCase(), host, params };
  if (port !== undefined) via.port = port;
  return via;
}

export function formatVia(v: Via): string {
  const host = v.host.indexOf(':') !== -1 && v.host.charCodeAt(0) !== Ch.LBracket ? `[${v.host}]` : v.host;
  const port = v.port === undefined ? '' : `:${v.port}`;
  return `${v.protocol}/${v.transport} ${host}${port}${formatParams(v.params)}`;
}
