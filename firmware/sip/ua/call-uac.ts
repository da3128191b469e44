/** The calling side of a call (RFC 3261 §13.2): INVITE, auth retry, early media, ACK, CANCEL. */
import type { SipRequest, SipResponse } from '../message/types.js';
import { acceptAnswer, DEFAULT_FORMATS, parseAudioDescription } from '../sdp/sdp.js';
import type { AudioDescription } from '../sdp/sdp.js';
import { answerChallenge } from './auth-retry.js';
import { Call } from './call.js';
import { dialogAsUac, inDialogRequest, nextHop } from './dialog.js';
import { ALLOWED_METHODS, buildRequest } from './request-builder.js';
import { parseNameAddr } from '../message/name-addr.js';
import { DEFAULT_SE, uacTerms } from './session-timer.js';
import { describeWith, offerSecurity, readAnswer } from './call-security.js';
import { formatUri } from '../message/uri.js';
import type { UaContext } from './ua-context.js';

export interface CallHost {
  ctx: UaContext;
  /** Start the session timer of a confirmed call (RFC 4028), when supported. */
  armSession?(call: Call, now: number): void;
  /** PRACK a reliable provisional (RFC 3262), when supported. */
  prack?(call: Call, invite: SipRequest, r: SipResponse, now: number): void;
  endCall(call: Call, reason: import('./ua-events.js').CallEndReason, status?: number): void;
  sendBye(call: Call, now: number): void;
  contact(): string;
}

export function targetUri(target: string, domain: string): string {
  if (/^sips?:/i.test(target) || /^tel:/i.test(target)) return target;
  if (target.includes('@')) return `sip:${target}`;
  return `sip:${target}@${domain}`;
}

function hasSdp(msg: SipRequest | SipResponse): boolean {
  return msg.body.length > 0 && (msg.headers.get('Content-Type') ?? '').toLowerCase().startsWith('application/sdp');
}

export function startOutgoingCall(
  host: CallHost,
  target: string,
  localMedia: { address: string; port: number },
  now: number,
  options: { selfTest?: boolean; anonymous?: boolean; emergency?: boolean } = {},
): Call {
  const { ctx } = host;
  const a = ctx.account;
  const uri = targetUri(target, a.domain);
  const tag = ctx.random();
  const display = a.displayName ? `"${a.displayName.replace(/"/g, '')}" ` : '';
  const description: AudioDescription = {
    address: localMedia.address,
    port: localMedia.port,
    formats: DEFAULT_FORMATS,
    ptime: 20,
    direction: 'sendrecv',
    sessionId: String(parseInt(ctx.random().slice(0, 8), 16)),
    sessionVersion: 1,
  };
  // RFC 3323/3325: an anonymous call hides our identity in From and asks the proxy for privacy
  const from = options.anonymous ? `"Anonymous" <sip:anonymous@anonymous.invalid>;tag=${tag}` : `${display}<sip:${a.user}@${a.domain}>;tag=${tag}`;
  const privacy: Array<[string, string]> = options.anonymous
    ? [['Privacy', 'id'], ['P-Preferred-Identity', `<sip:${a.user}@${a.domain}>`]]
    : [];
  const security = offerSecurity(ctx.srtp);
  const invite = buildRequest({
    method: 'INVITE',
    uri,
    from,
    to: `<${uri}>`,
    callId: `${ctx.random()}@tipring`,
    cseq: 1,
    local: ctx.local,
    branch: `z9hG4bK${ctx.random()}`,
    contact: `<${host.contact()}>`,
    userAgent: ctx.userAgent,
    headers: [
      ['Allow', ALLOWED_METHODS],
      ['Supported', '100rel, replaces, timer'],
      ['Session-Expires', String(DEFAULT_SE)],
      ...privacy,
      // RFC 4412: emergency calls ask for priority where the provider supports it
      ...(options.emergency ? ([['Resource-Priority', 'esnet.1'], ['Priority', 'emergency']] as Array<[string, string]>) : []),
    ],
    body: Buffer.from(describeWith(security, description)),
    contentType: 'application/sdp',
  });
  const call = new Call(invite.headers.get('Call-ID')!, 'uac', invite, tag);
  call.localDescription = description;
  call.security = security;
  call.selfTest = options.selfTest ?? false;
  sendInvite(host, call, invite, now);
  return call;
}

function sendInvite(host: CallHost, call: Call, invite: SipRequest, now: number): void {
  call.invite = invite;
  host.ctx.sendRequest(invite, host.ctx.proxy, now, {
    onResponse: (r, t, retransmission) => onInviteResponse(host, call, invite, r, t, retransmission),
    onTimeout: () => {
      if (call.state !== 'ended') host.endCall(call, call.state === 'cancelling' ? 'cancelled' : 'timeout', 408);
    },
  });
}

function onInviteResponse(host: CallHost, call: Call, invite: SipRequest, r: SipResponse, now: number, retransmission: boolean): void {
  if (call.invite !== invite) return; // a response to a superseded (challenged) INVITE
  const { ctx } = host;
  if (r.status < 200) {
    if (r.status === 100) return;
    if (call.state === 'cancelling') {
      if (call.cancelPending) sendCancel(host, call, now);
      return;
    }
    if (!call.can('provisional')) return;
    if (r.headers.has('RSeq') && r.headers.getAll('Require').some((t) => t.trim().toLowerCase() === '100rel') && host.prack) {
      host.prack(call, invite, r, now);
    }
    call.transition('provisional');
    let earlyMedia;
    if (hasSdp(r) && call.localDescription) {
      try {
        const text = r.body.toString('utf8');
        const desc = parseAudioDescription(text);
        earlyMedia = acceptAnswer(desc, call.localDescription.formats);
        const sec = readAnswer(call, ctx.srtp, text, desc.raw?.protocol ?? 'RTP/AVP');
        if (!sec.ok) throw new Error(sec.reason);
        if (sec.keys) earlyMedia.srtp = sec.keys;
      } catch (e) {
        ctx.log.warn('ignoring unusable early-media SDP', { callId: call.id, error: e });
      }
    }
    ctx.emit({ type: 'call-progress', callId: call.id, status: r.status, ...(earlyMedia ? { earlyMedia } : {}) });
    return;
  }
  if (r.status < 300) {
    if (retransmission || call.ack) {
      const tag = /;\s*tag=([^;\s]+)/i.exec(r.headers.get('To') ?? '')?.[1];
      if (call.dialog && tag && tag !== call.dialog.remoteTag) {
        // a forked 2xx from another branch: confirm that dialog and end it at once (RFC 3261 §13.2.2.4)
        endExtraDialog(host, invite, r, now);
        return;
      }
      if (call.ack) ctx.sendStateless(call.ack, hopFor(host, call.ack));
      return;
    }
    const cseq = parseInt(invite.headers.get('CSeq')!, 10);
    call.dialog = dialogAsUac(invite, r, Math.max(cseq, call.earlyDialog?.localSeq ?? 0));
    call.ack = inDialogRequest(call.dialog, { method: 'ACK', local: ctx.local, branch: `z9hG4bK${ctx.random()}`, cseq, userAgent: ctx.userAgent });
    call.ack.headers.set('CSeq', `${cseq} ACK`);
    ctx.sendStateless(call.ack, hopFor(host, call.ack));
    if (call.state === 'cancelling' || call.state === 'ending') {
      // CANCEL lost the race with the 200: confirm and end the call (RFC 3261 §9.1)
      if (call.can('answered')) call.transition('answered');
      host.sendBye(call, now);
      return;
    }
    call.transition('answered');
    const terms = uacTerms(r);
    if (terms) {
      call.sessionTerms = terms;
      call.weRefresh = terms.refresher === 'uac';
      host.armSession?.(call, now);
    }
    try {
      if (!hasSdp(r) || !call.localDescription) throw new Error('2xx without SDP answer');
      const text = r.body.toString('utf8');
      const desc = parseAudioDescription(text);
      call.media = acceptAnswer(desc, call.localDescription.formats);
      const sec = readAnswer(call, ctx.srtp, text, desc.raw?.protocol ?? 'RTP/AVP');
      if (!sec.ok) {
        ctx.log.warn('ALERT srtp-negotiation-failed: the answer breaks the line\'s SRTP policy; hanging up', { code: 'srtp-negotiation-failed', callId: call.id, reason: sec.reason });
        throw new Error(sec.reason);
      }
      if (sec.keys) call.media.srtp = sec.keys;
    } catch (e) {
      ctx.log.warn('call answered with unusable SDP; hanging up', { callId: call.id, error: e });
      host.sendBye(call, now);
      return;
    }
    ctx.emit({ type: 'call-answered', callId: call.id, media: call.media });
    return;
  }
  if ((r.status === 401 || r.status === 407) && call.state !== 'cancelling' && !(call.selfTest && r.status === 401)) {
    const creds = { username: ctx.account.authUser, password: ctx.account.password };
    const auth = answerChallenge(invite, r, creds, ctx.random(), call.authNonce);
    if (auth) {
      call.authNonce = auth.nonce;
      const retry: SipRequest = { ...invite, headers: invite.headers.clone() };
      retry.headers.set('Via', invite.headers.get('Via')!.replace(/branch=[^;,\s]+/, `branch=z9hG4bK${ctx.random()}`));
      retry.headers.set('CSeq', `${parseInt(invite.headers.get('CSeq')!, 10) + 1} INVITE`);
      retry.headers.delete('Authorization');
      retry.headers.delete('Proxy-Authorization');
      retry.headers.append(auth.name, auth.value);
      sendInvite(host, call, retry, now);
      return;
    }
  }
  if (r.status === 422 && call.state !== 'cancelling' && !call.sessionRetried) {
    // our Session-Expires was too small for the far end: retry with its Min-SE (RFC 4028 §7.4)
    const minSe = parseInt(r.headers.get('Min-SE') ?? '', 10);
    if (Number.isFinite(minSe) && minSe > 0 && minSe <= 86400) {
      call.sessionRetried = true;
      const retry: SipRequest = { ...invite, headers: invite.headers.clone() };
      retry.headers.set('Via', invite.headers.get('Via')!.replace(/branch=[^;,\s]+/, `branch=z9hG4bK${ctx.random()}`));
      retry.headers.set('CSeq', `${parseInt(invite.headers.get('CSeq')!, 10) + 1} INVITE`);
      retry.headers.set('Session-Expires', String(Math.max(minSe, DEFAULT_SE)));
      retry.headers.set('Min-SE', String(minSe));
      sendInvite(host, call, retry, now);
      return;
    }
  }
  if (r.status >= 300 && r.status < 400 && call.state !== 'cancelling' && call.redirects < 3) {
    // follow a redirect: the first Contact becomes the new target (RFC 3261 §8.1.3.4)
    const contact = r.headers.getAll('Contact')[0];
    if (contact) {
      try {
        const target = formatUri(parseNameAddr(contact).uri);
        call.redirects++;
        ctx.log.info('following redirect', { callId: call.id, status: r.status, target });
        const retry: SipRequest = { ...invite, uri: target, headers: invite.headers.clone() };
        retry.headers.set('Via', invite.headers.get('Via')!.replace(/branch=[^;,\s]+/, `branch=z9hG4bK${ctx.random()}`));
        retry.headers.set('CSeq', `${parseInt(invite.headers.get('CSeq')!, 10) + 1} INVITE`);
        sendInvite(host, call, retry, now);
        return;
      } catch (e) {
        ctx.log.warn('unusable redirect Contact', { callId: call.id, error: e });
      }
    }
  }
  const reason = call.state === 'cancelling' && r.status === 487 ? 'cancelled' : 'rejected';
  host.endCall(call, reason, r.status);
}

function hopFor(host: CallHost, request: SipRequest) {
  const hop = nextHop(request, host.ctx.local.transport);
  return host.ctx.resolve(hop.host, hop.port, hop.transport);
}

/** Hang up a call that is not answered yet: CANCEL now, or once a provisional arrives. */
export function cancelOutgoingCall(host: CallHost, call: Call, now: number): void {
  const wasEarly = call.state === 'early';
  call.transition('cancel');
  call.cancelPending = true;
  if (wasEarly) sendCancel(host, call, now);
}

function sendCancel(host: CallHost, call: Call, now: number): void {
  if (!call.cancelPending) return;
  call.cancelPending = false;
  const inv = call.invite;
  const cancel = buildRequest({
    method: 'CANCEL',
    uri: inv.uri,
    from: inv.headers.get('From')!,
    to: inv.headers.get('To')!,
    callId: inv.headers.get('Call-ID')!,
    cseq: parseInt(inv.headers.get('CSeq')!, 10),
    local: host.ctx.local,
    branch: 'unused',
    routes: inv.headers.getAll('Route'),
    userAgent: host.ctx.userAgent,
  });
  cancel.headers.set('Via', inv.headers.get('Via')!);
  host.ctx.sendRequest(cancel, host.ctx.proxy, now, { onResponse: () => {}, onTimeout: () => {} });
}

/** ACK and BYE a dialog created by an extra (forked) 2xx. */
function endExtraDialog(host: CallHost, invite: SipRequest, r: SipResponse, now: number): void {
  const { ctx } = host;
  const cseq = parseInt(invite.headers.get('CSeq')!, 10);
  const dialog = dialogAsUac(invite, r, cseq);
  const ack = inDialogRequest(dialog, { method: 'ACK', local: ctx.local, branch: `z9hG4bK${ctx.random()}`, cseq, userAgent: ctx.userAgent });
  ack.headers.set('CSeq', `${cseq} ACK`);
  ctx.sendStateless(ack, hopFor(host, ack));
  const bye = inDialogRequest(dialog, { method: 'BYE', local: ctx.local, branch: `z9hG4bK${ctx.random()}`, userAgent: ctx.userAgent });
  ctx.log.info('ending an extra forked dialog', { callId: dialog.callId, remoteTag: dialog.remoteTag });
  ctx.sendRequest(bye, hopFor(host, bye), now, { onResponse: () => {}, onTimeout: () => {} });
}

