/**
 * Transfer (RFC 3515 REFER, RFC 3891 Replaces, RFC 5589 call transfer):
 * - as transferor: send REFER in the dialog, follow the NOTIFY sipfrag progress;
 * - as transferee: accept an in-dialog REFER (202), report progress of the new call by NOTIFY.
 * Out-of-dialog REFER is refused by the UA core (never reaches here).
 */
import { createResponse } from '../message/response.js';
import type { SipRequest } from '../message/types.js';
import { parseNameAddr } from '../message/name-addr.js';
import { formatUri } from '../message/uri.js';
import type { Call } from './call.js';
import type { CallHost } from './call-uac.js';
import { inDialogRequest, nextHop } from './dialog.js';

export interface ReferHost extends CallHost {
  respond(tx: unknown, response: import('../message/types.js').SipResponse, now: number): void;
}

function send(host: ReferHost, call: Call, request: SipRequest, now: number, onFinal: (status: number, now: number) => void): void {
  const hop = nextHop(request, host.ctx.local.transport);
  host.ctx.sendRequest(request, host.ctx.resolve(hop.host, hop.port, hop.transport), now, {
    onResponse: (r, t) => r.status >= 200 && onFinal(r.status, t),
    onTimeout: (t) => onFinal(408, t),
  });
}

/** Replaces value for an existing dialog (RFC 3891), escaped for use inside a Refer-To URI. */
export function replacesFor(call: Call): string | undefined {
  const d = call.dialog;
  if (!d) return undefined;
  // from the point of view of the party that receives the INVITE with Replaces (our peer in `call`)
  const value = `${d.callId};to-tag=${d.remoteTag};from-tag=${d.localTag}`;
  return encodeURIComponent(value);
}

/** Send REFER: the far end of `call` is asked to call `target` (optionally replacing `consult`). */
export function sendRefer(host: ReferHost, call: Call, targetUri: string, consult: Call | undefined, now: number): boolean {
  if (call.state !== 'confirmed' || !call.dialog) return false;
  const { ctx } = host;
  let referTo = `<${targetUri}>`;
  if (consult?.dialog) {
    const replaces = replacesFor(consult)!;
    referTo = `<${targetUri}${targetUri.includes('?') ? '&' : '?'}Replaces=${replaces}>`;
  }
  const request = inDialogRequest(call.dialog, {
    method: 'REFER',
    local: ctx.local,
    branch: `z9hG4bK${ctx.random()}`,
    contact: `<${host.contact()}>`,
    userAgent: ctx.userAgent,
    headers: [
      ['Refer-To', referTo],
      ['Referred-By', `<sip:${ctx.account.user}@${ctx.account.domain}>`],
    ],
  });
  call.transferState = 'requested';
  send(host, call, request, now, (status) => {
    if (status >= 300) {
      call.transferState = 'failed';
      ctx.emit({ type: 'transfer-result', callId: call.id, ok: false, status });
    } else call.transferState = 'accepted';
  });
  return true;
}

/** An in-dialog NOTIFY for our REFER: read the sipfrag status line. */
export function onReferNotify(host: ReferHost, call: Call, request: SipRequest, tx: unknown, now: number): void {
  host.respond(tx, createResponse(request, 200), now);
  const frag = /^SIP\/2\.0\s+(\d{3})/m.exec(request.body.toString('utf8'));
  const status = frag ? Number(frag[1]) : undefined;
  const terminated = /terminated/i.test(request.headers.get('Subscription-State') ?? '');
  if (status !== undefined && status >= 200 && call.transferState !== 'done') {
    call.transferState = 'done';
    host.ctx.emit({ type: 'transfer-result', callId: call.id, ok: status < 300, status });
  } else if (terminated && call.transferState !== 'done') {
    call.transferState = 'done';
    host.ctx.emit({ type: 'transfer-result', callId: call.id, ok: false, status: status ?? 0 });
  }
}

export interface IncomingRefer {
  target: string; // Request-URI to call (without the embedded headers)
  replaces?: string; // raw Replaces value, unescaped
  referredBy?: string;
}

/** An in-dialog REFER to us: accept it (202) and tell the application. */
export function onRefer(host: ReferHost, call: Call, request: SipRequest, tx: unknown, now: number): IncomingRefer | undefined {
  const referTo = request.headers.get('Refer-To');
  if (!referTo) {
    host.respond(tx, createResponse(request, 400, 'Missing Refer-To'), now);
    return undefined;
  }
  let target: string;
  let replaces: string | undefined;
  try {
    const na = parseNameAddr(referTo);
    replaces = na.uri.headers.get('replaces') ?? na.uri.headers.get('Replaces');
    na.uri.headers = new Map();
    target = formatUri(na.uri);
  } catch {
    host.respond(tx, createResponse(request, 400, 'Bad Refer-To'), now);
    return undefined;
  }
  if (call.state !== 'confirmed') {
    host.respond(tx, createResponse(request, 491), now);
    return undefined;
  }
  host.respond(tx, createResponse(request, 202), now);
  call.referNotifySeq = 0;
  sendReferNotify(host, call, 100, 'Trying', false, now);
  return { target, ...(replaces ? { replaces: decodeURIComponent(replaces) } : {}), ...(request.headers.get('Referred-By') ? { referredBy: request.headers.get('Referred-By')! } : {}) };
}

/** Progress of the call we placed for a REFER, as message/sipfrag NOTIFYs. */
export function sendReferNotify(host: ReferHost, call: Call, status: number, reason: string, final: boolean, now: number): void {
  if (!call.dialog || call.state === 'ended') return;
  const { ctx } = host;
  const request = inDialogRequest(call.dialog, {
    method: 'NOTIFY',
    local: ctx.local,
    branch: `z9hG4bK${ctx.random()}`,
    contact: `<${host.contact()}>`,
    userAgent: ctx.userAgent,
    headers: [
      ['Event', 'refer'],
      ['Subscription-State', final ? 'terminated;reason=noresource' : 'active;expires=60'],
    ],
    body: Buffer.from(`SIP/2.0 ${status} ${reason}\r\n`),
    contentType: 'message/sipfrag;version=2.0',
  });
  send(host, call, request, now, () => {});
}
