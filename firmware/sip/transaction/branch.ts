/**
 * Branch generation and the transaction matching keys of RFC 3261 §17.1.3 (client) and §17.2.3 (server).
 *
 * Client: top-Via branch + CSeq method. Server (RFC 3261 branch, "z9hG4bK" prefix): branch + sent-by
 * + method, where an ACK matches the INVITE. A CANCEL is a transaction of its own; the INVITE it
 * cancels has the same key with method INVITE (§9.2). Requests without the magic cookie (RFC 2543
 * peers) fall back to Request-URI, From tag, Call-ID, CSeq number and the whole top Via (the To tag is
 * left out so that the ACK of a non-2xx, which carries our tag, still matches its INVITE).
 */
import type { SipRequest, SipResponse } from '../message/types.js';
import { branchOf, callIdOf, cseqOf, sentBy, tagOf, topVia, topViaText } from './message-info.js';

export const MAGIC_COOKIE = 'z9hG4bK';

/** A new RFC 3261 branch: the magic cookie followed by `random()` (which must be unique enough). */
export function newBranch(random: () => string): string {
  return MAGIC_COOKIE + random();
}

export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(MAGIC_COOKIE) && branch.length > MAGIC_COOKIE.length;
}

/** The key a client transaction is stored under: branch of the request's top Via + method. */
export function clientKey(branch: string, method: string): string {
  return `c|${branch}|${method}`;
}

/** Key of a request we send; undefined when its top Via carries no branch. */
export function clientKeyForRequest(request: SipRequest): string | undefined {
  const branch = branchOf(topVia(request));
  return branch === undefined ? undefined : clientKey(branch, request.method);
}

/** Key of the client transaction a response belongs to (top Via branch + CSeq method). */
export function clientKeyForResponse(response: SipResponse): string | undefined {
  const branch = branchOf(topVia(response));
  return branch === undefined ? undefined : clientKey(branch, cseqOf(response).method);
}

/** Key of the server transaction a received request belongs to. Throws a RemoteError on a missing Via/CSeq. */
export function serverKey(request: SipRequest, methodOverride?: string): string {
  const method = methodOverride ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  const via = topVia(request);
  const branch = branchOf(via);
  if (isRfc3261Branch(branch)) return `s|${branch}|${sentBy(via)}|${method}`;
  const cseq = cseqOf(request);
  return [
    'l',
    request.uri,
    tagOf(request.headers.get('From')) ?? '',
    callIdOf(request),
    cseq.seq,
    topViaText(request) ?? '',
    method,
  ].join('|');
}

/** The INVITE server transaction a CANCEL cancels, found through `lookup` (by server key). */
export function findInviteForCancel<T>(cancel: SipRequest, lookup: (key: string) => T | undefined): T | undefined {
  if (cancel.method !== 'CANCEL') return undefined;
  return lookup(serverKey(cancel, 'INVITE'));
}
