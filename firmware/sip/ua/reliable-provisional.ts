/**
 * Reliable provisional responses (RFC 3262), UAS side: when the INVITE requires 100rel we send
 * 180 with Require: 100rel and RSeq, retransmit it (T1 doubling) until the matching PRACK, and
 * answer the PRACK. UAC side: PRACK every reliable 1xx we receive.
 */
import { createResponse } from '../message/response.js';
import type { SipRequest, SipResponse } from '../message/types.js';
import type { Call } from './call.js';
import type { ReInviteHost } from './call-reinvite.js';
import { dialogAsUac, inDialogRequest, nextHop } from './dialog.js';

export function requires100rel(req: SipRequest): boolean {
  return req.headers.getAll('Require').some((t) => t.trim().toLowerCase() === '100rel');
}

export interface UasReliableHost extends ReInviteHost {
  respond(tx: unknown, response: SipResponse, now: number): void;
}

/** Send `response` (a 1xx) reliably; retransmit until PRACKed or 64*T1 passes. */
export function sendReliableProvisional(host: UasReliableHost, call: Call, response: SipResponse, now: number, t1 = 500): void {
  call.rseq = (call.rseq ?? Math.floor(Math.random() * 1000) + 1) + 1;
  const rseq = call.rseq;
  response.headers.append('Require', '100rel');
  response.headers.append('RSeq', String(rseq));
  call.unackedRseq = rseq;
  host.respond(call.serverTx, response, now);
  let interval = t1;
  const deadline = now + 64 * t1;
  const retransmit = (t: number) => {
    if (call.unackedRseq !== rseq || call.state !== 'offered') return;
    if (t >= deadline) {
      host.ctx.log.warn('no PRACK for our reliable provisional; rejecting the call', { callId: call.id });
      host.respond(call.serverTx, createResponse(call.invite, 504, 'No PRACK', { toTag: call.localTag }), t);
      host.endCall(call, 'failed', 504);
      return;
    }
    host.respond(call.serverTx, response, t);
    interval = Math.min(interval * 2, 4000);
    host.schedule(t + interval, retransmit);
  };
  host.schedule(now + interval, retransmit);
}

/** A PRACK for one of our reliable provisionals. */
export function onPrack(host: UasReliableHost, call: Call, prack: SipRequest, tx: unknown, now: number): void {
  const rack = (prack.headers.get('RAck') ?? '').trim().split(/\s+/);
  const ok = Number(rack[0]) === call.unackedRseq && rack[2]?.toUpperCase() === 'INVITE';
  if (ok) call.unackedRseq = undefined;
  host.respond(tx, createResponse(prack, ok ? 200 : 481), now);
}

/** UAC: a reliable 1xx arrived; PRACK it in the early dialog it creates. */
export function prackProvisional(host: ReInviteHost, call: Call, invite: SipRequest, r: SipResponse, now: number): void {
  const rseq = Number(r.headers.get('RSeq'));
  if (!Number.isInteger(rseq) || rseq <= (call.lastRseqSeen ?? 0)) return; // retransmission or out of order
  call.lastRseqSeen = rseq;
  const cseq = parseInt(invite.headers.get('CSeq')!, 10);
  call.earlyDialog ??= dialogAsUac(invite, r, cseq);
  const { ctx } = host;
  const prack = inDialogRequest(call.earlyDialog, { method: 'PRACK', local: ctx.local, branch: `z9hG4bK${ctx.random()}`, userAgent: ctx.userAgent, headers: [['RAck', `${rseq} ${cseq} INVITE`]] });
  const hop = nextHop(prack, ctx.local.transport);
  ctx.sendRequest(prack, ctx.resolve(hop.host, hop.port, hop.transport), now, { onResponse: () => {}, onTimeout: () => {} });
}
