/**
 * The few facts the transaction layer reads from messages (top Via, branch, CSeq, tags),
 * on top of the message layer's parsers.
 */
import { RemoteError } from '../../core/errors.js';
import { parseCSeq } from '../message/header-values.js';
import type { Headers } from '../message/headers.js';
import type { CSeq, SipMessage, Via } from '../message/types.js';
import { formatVia, parseVia } from '../message/via.js';

/** The top Via value (Headers.get returns the first element of a comma-separated list). */
export function topViaText(msg: SipMessage): string | undefined {
  return msg.headers.get('Via')?.trim();
}

/** The parsed top Via; throws a RemoteError if there is none. */
export function topVia(msg: SipMessage): Via {
  const text = topViaText(msg);
  if (text === undefined || text === '') throw new RemoteError('missing-via', 'message has no Via header');
  return parseVia(text);
}

export function branchOf(via: Via): string | undefined {
  const b = via.params.get('branch');
  return b === null || b === undefined || b === '' ? undefined : b;
}

/** host[:port] of a Via, lower-cased host, for matching. */
export function sentBy(via: Via): string {
  return via.port === undefined ? via.host.toLowerCase() : `${via.host.toLowerCase()}:${via.port}`;
}

export function cseqOf(msg: SipMessage): CSeq {
  const text = msg.headers.get('CSeq');
  if (text === undefined) throw new RemoteError('missing-cseq', 'message has no CSeq header');
  return parseCSeq(text);
}

export function callIdOf(msg: SipMessage): string {
  const id = msg.headers.get('Call-ID');
  if (id === undefined) throw new RemoteError('missing-call-id', 'message has no Call-ID header');
  return id.trim();
}

/** The `tag` parameter of a From/To value, if any. */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') {
      const end = value.indexOf('>', i);
      start = end < 0 ? value.length : end + 1;
      break;
    }
  }
  for (const param of value.slice(start).split(';').slice(1)) {
    const eq = param.indexOf('=');
    const name = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    if (name === 'tag') return eq < 0 ? '' : param.slice(eq + 1).trim();
  }
  return undefined;
}

/** Replace the top Via, keeping the others (one per line) in place. */
export function replaceTopVia(headers: Headers, via: Via): void {
  const all = headers.getAll('Via');
  if (all.length === 0) return;
  const values = [formatVia(via), ...all.slice(1)];
  headers.delete('Via');
  for (let i = values.length - 1; i >= 0; i--) headers.prepend('Via', values[i]);
}
