/**
 * Changing an established call (RFC 3261 §14, RFC 3264 §8.4): hold and resume by re-INVITE,
 * glare (491) with the RFC 3261 §14.1 retry timer.
 */
import type { SipResponse } from '../message/types.js';
import { acceptAnswer, parseAudioDescription } from '../sdp/sdp.js';
import { describe } from './call-security.js';
import type { MediaDirection } from '../sdp/sdp.js';
import type { Call } from './call.js';
import type { CallHost } from './call-uac.js';
import { inDialogRequest, nextHop } from './dialog.js';

export interface ReInviteHost extends CallHost {
  /** Arm a one-shot retry at `at` (glare). */
  schedule(at: number, fn: (now: number) => void): void;
}

function hasSdp(r: SipResponse): boolean {
  return r.body.length > 0 && (r.headers.get('Content-Type') ?? '').toLowerCase().startsWith('application/sdp');
}

/** Put the call on hold (sendonly, or inactive when the far end holds us) or resume it. */
export function setHold(host: ReInviteHost, call: Call, hold: boolean, now: number): boolean {
  if (call.state !== 'confirmed' || !call.dialog || !call.localDescription) return false;
  call.localHold = hold;
  if (call.reinvitePending) {
    call.reinviteQueued = true;
    return true;
  }
  sendDirection(host, call, now);
  return true;
}

function wantedDirection(call: Call): MediaDirection {
  const remoteHolds = call.remoteHold;
  if (call.localHold) return remoteHolds ? 'inactive' : 'sendonly';
  return remoteHolds ? 'recvonly' : 'sendrecv';
}

function sendDirection(host: ReInviteHost, call: Call, now: number): void {
  const { ctx } = host;
  const description = { ...call.localDescription!, direction: wantedDirection(call), sessionVersion: call.localDescription!.sessionVersion + 1 };
  call.localDescription = description;
  const request = inDialogRequest(call.dialog!, {
    method: 'INVITE',
    local: ctx.local,
    branch: `z9hG4bK${ctx.random()}`,
    contact: `<${host.contact()}>`,
    userAgent: ctx.userAgent,
    body: Buffer.from(describe(call, description)),
    contentType: 'application/sdp',
  });
  const cseq = parseInt(request.headers.get('CSeq')!, 10);
  call.reinvitePending = true;
  const hop = nextHop(request, ctx.local.transport);
  ctx.sendRequest(request, ctx.resolve(hop.host, hop.port, hop.transport), now, {
    onResponse: (r, t, retransmission) => {
      if (r.status < 200) return;
      if (r.status < 300) {
        const ack = inDialogRequest(call.dialog!, { method: 'ACK', local: ctx.local, branch: `z9hG4bK${ctx.random()}`, cseq, userAgent: ctx.userAgent });
        ack.headers.set('CSeq', `${cseq} ACK`);
        const ackHop = nextHop(ack, ctx.local.transport);
        ctx.sendStateless(ack, ctx.resolve(ackHop.host, ackHop.port, ackHop.transport));
        if (retransmission) return;
        if (hasSdp(r)) {
          try {
            const keys = call.media?.srtp;
            call.media = acceptAnswer(parseAudioDescription(r.body.toString('utf8')), call.localDescription!.formats);
            if (keys) call.media.srtp = keys; // SDES keys stay for the call
            ctx.emit({ type: 'call-media', callId: call.id, media: call.media });
          } catch (e) {
            ctx.log.warn('re-INVITE answer unusable; keeping the old media', { callId: call.id, error: e });
          }
        }
        finish(host, call, t);
        return;
      }
      if (r.status === 491) {
        // glare: the Call-ID owner (UAC of the dialog) retries after 2.1-4 s, the other after 0-2 s
        const ms = call.role === 'uac' ? 2100 + (parseInt(ctx.random().slice(0, 4), 16) % 1900) : parseInt(ctx.random().slice(0, 4), 16) % 2000;
        call.reinvitePending = false;
        host.schedule(t + ms, (n) => {
          if (call.state === 'confirmed' && !call.reinvitePending) sendDirection(host, call, n);
        });
        return;
      }
      if (r.status === 481 || r.status === 408) {
        call.reinvitePending = false;
        host.sendBye(call, t);
        return;
      }
      ctx.log.warn('re-INVITE refused; media unchanged', { callId: call.id, status: r.status });
      finish(host, call, t);
    },
    onTimeout: (t) => {
      call.reinvitePending = false;
      host.sendBye(call, t);
    },
  });
}

function finish(host: ReInviteHost, call: Call, now: number): void {
  call.reinvitePending = false;
  if (call.reinviteQueued && call.state === 'confirmed') {
    call.reinviteQueued = false;
    sendDirection(host, call, now);
  }
}

/**
 * Arm the session timer of a confirmed call (RFC 4028 §10): as refresher, re-INVITE at half the
 * interval; otherwise end the call if no refresh arrives by interval - min(32, interval/3).
 */
export function armSessionTimer(host: ReInviteHost, call: Call, now: number): void {
  const terms = call.sessionTerms;
  if (!terms) return;
  const epoch = ++call.sessionEpoch;
  if (call.weRefresh) {
    host.schedule(now + (terms.intervalS * 1000) / 2, (t) => {
      if (call.sessionEpoch !== epoch || call.state !== 'confirmed') return;
      host.ctx.log.debug('session refresh', { callId: call.id });
      if (call.reinvitePending) call.reinviteQueued = true;
      else sendDirection(host, call, t);
      armSessionTimer(host, call, t);
    });
  } else {
    const grace = Math.min(32, terms.intervalS / 3);
    host.schedule(now + (terms.intervalS - grace) * 1000, (t) => {
      if (call.sessionEpoch !== epoch || call.state !== 'confirmed') return;
      host.ctx.log.warn('session expired: no refresh from the far end; ending the call', { callId: call.id });
      host.sendBye(call, t);
    });
  }
}
