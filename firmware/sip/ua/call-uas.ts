/** The called side of a call (RFC 3261 §13.3): offer, ringing, answer, re-INVITE, CANCEL. */
import { createResponse } from '../message/response.js';
import type { SipRequest, SipResponse } from '../message/types.js';
import { acceptAnswer, DEFAULT_FORMATS, negotiate, parseAudioDescription } from '../sdp/sdp.js';
import type { AudioDescription, NegotiatedMedia } from '../sdp/sdp.js';
import { SdpError } from '../sdp/sdp-errors.js';
import { Call } from './call.js';
import type { CallHost } from './call-uac.js';
import { dialogAsUas } from './dialog.js';
import { ALLOWED_METHODS } from './request-builder.js';
import { supportsTimer, termsHeaders, uasTerms } from './session-timer.js';
import { answerSecurity, describe } from './call-security.js';
import { requires100rel, sendReliableProvisional } from './reliable-provisional.js';
import type { UasReliableHost } from './reliable-provisional.js';

export interface UasHost extends CallHost {
  /** Start (or restart) the session timer of `call`. */
  armSession?(call: Call, now: number): void;
  respond(tx: unknown, response: SipResponse, now: number): void;
  /** Present when the host can send reliable provisionals (RFC 3262). */
  reliable?: UasReliableHost;
}

function hasSdp(msg: SipRequest): boolean {
  return msg.body.length > 0 && (msg.headers.get('Content-Type') ?? '').toLowerCase().startsWith('application/sdp');
}

/** A new INVITE: returns the call, or answers it with an error (bad SDP) and returns undefined. */
export function acceptIncomingInvite(host: UasHost, request: SipRequest, tx: unknown, now: number): Call | undefined {
  const call = new Call(request.headers.get('Call-ID')!, 'uas', request, host.ctx.random());
  call.serverTx = tx;
  const st = uasTerms(request);
  if (st.reject422) {
    host.respond(tx, createResponse(request, 422, undefined, { toTag: call.localTag, headers: [['Min-SE', String(st.minSe)]] }), now);
    return undefined;
  }
  if (st.terms) {
    call.sessionTerms = st.terms;
    call.weRefresh = st.terms.refresher === 'uas';
  }
  if (hasSdp(request)) {
    try {
      const text = request.body.toString('utf8');
      call.remoteOffer = parseAudioDescription(text);
      negotiate(call.remoteOffer, DEFAULT_FORMATS); // refuse unusable offers before ringing
      const sec = answerSecurity(call, host.ctx.srtp, text, call.remoteOffer.raw?.protocol ?? 'RTP/AVP');
      if (sec.kind === 'reject') throw new SdpError('sdp-no-common-codec', `media security: ${sec.reason}`, 488);
    } catch (e) {
      const status = e instanceof SdpError ? e.status : 400;
      host.respond(tx, withWarning(createResponse(request, status, undefined, { toTag: call.localTag }), e), now);
      return undefined;
    }
  }
  return call;
}

function withWarning(r: SipResponse, e: unknown): SipResponse {
  r.headers.append('Warning', `399 tipring "${String((e as Error).message ?? e).replace(/"/g, "'")}"`);
  return r;
}

function dialogResponse(host: UasHost, call: Call, status: number, body?: { sdp: string }): SipResponse {
  const r = createResponse(call.invite, status, undefined, {
    toTag: call.localTag,
    headers: [
      // dialog-creating responses carry the request's Record-Route back (RFC 3261 §12.1.1)
      ...call.invite.headers.getAll('Record-Route').map((v): [string, string] => ['Record-Route', v]),
      ...(status >= 200 && call.sessionTerms ? termsHeaders(call.sessionTerms, supportsTimer(call.invite)) : []),
      ['Contact', `<${host.contact()}>`],
      ['Allow', ALLOWED_METHODS],
      ['Supported', '100rel, replaces, timer'],
      ...(host.ctx.userAgent ? ([['Server', host.ctx.userAgent]] as Array<[string, string]>) : []),
    ],
    ...(body ? { body: Buffer.from(body.sdp), contentType: 'application/sdp' } : {}),
  });
  return r;
}

export function sendRinging(host: UasHost, call: Call, now: number): void {
  if (call.state !== 'offered') return;
  const ringing = dialogResponse(host, call, 180);
  if (requires100rel(call.invite) && host.reliable) sendReliableProvisional(host.reliable, call, ringing, now);
  else host.respond(call.serverTx, ringing, now);
}

/** Answer with 200 OK; returns the negotiated media, or undefined when the offer comes in the ACK. */
export function answerIncomingCall(host: UasHost, call: Call, localMedia: { address: string; port: number }, now: number): NegotiatedMedia | undefined {
  const description: AudioDescription = {
    address: localMedia.address,
    port: localMedia.port,
    formats: DEFAULT_FORMATS,
    ptime: 20,
    direction: 'sendrecv',
    sessionId: String(parseInt(host.ctx.random().slice(0, 8), 16)),
    sessionVersion: 1,
  };
  if (call.remoteOffer) {
    call.media = negotiate(call.remoteOffer, DEFAULT_FORMATS);
    const chosen = DEFAULT_FORMATS.filter(
      (f) => f.encoding.toUpperCase() === call.media!.encoding || (f.encoding === 'telephone-event' && call.media!.telephoneEventPt !== undefined),
    ).map((f) => (f.encoding === 'telephone-event' ? { ...f, payloadType: call.media!.telephoneEventPt! } : { ...f, payloadType: call.media!.payloadType }));
    description.formats = chosen;
    description.direction = call.media.direction;
  }
  call.localDescription = description;
  call.dialog = dialogAsUas(call.invite, call.localTag);
  call.transition('answer');
  if (call.media && call.srtpKeys) call.media.srtp = call.srtpKeys;
  host.respond(call.serverTx, dialogResponse(host, call, 200, { sdp: describe(call, description) }), now);
  if (call.sessionTerms && host.armSession) host.armSession(call, now);
  return call.media;
}

/** ACK for our 2xx; when the INVITE had no offer, the ACK carries the answer. */
export function onAck(host: UasHost, call: Call, ack: SipRequest): void {
  if (call.state !== 'accepted') return;
  call.transition('ack');
  if (!call.remoteOffer && hasSdp(ack) && call.localDescription) {
    try {
      call.media = acceptAnswer(parseAudioDescription(ack.body.toString('utf8')), call.localDescription.formats);
      host.ctx.emit({ type: 'call-media', callId: call.id, media: call.media });
    } catch (e) {
      host.ctx.log.warn('ACK carried an unusable SDP answer', { callId: call.id, error: e });
    }
  }
}

/** A re-INVITE inside a confirmed call (hold/resume, address change): answer with our description. */
export function onReInvite(host: UasHost, call: Call, request: SipRequest, tx: unknown, now: number): void {
  const respond = (status: number, sdp?: string) => {
    const r = createResponse(request, status, undefined, {
      headers: [['Contact', `<${host.contact()}>`], ['Allow', ALLOWED_METHODS]],
      ...(sdp ? { body: Buffer.from(sdp), contentType: 'application/sdp' } : {}),
    });
    host.respond(tx, r, now);
  };
  if (call.state !== 'confirmed' || !call.localDescription) return respond(call.state === 'accepted' ? 491 : 481);
  if (call.reinvitePending) return respond(491); // glare: both sides re-INVITEd at once
  // a re-INVITE/UPDATE from the far end is a session refresh (RFC 4028)
  if (call.sessionTerms && host.armSession) host.armSession(call, now);
  if (!hasSdp(request)) return respond(200, describe(call, call.localDescription));
  try {
    const offer = parseAudioDescription(request.body.toString('utf8'));
    call.remoteHold = offer.direction === 'sendonly' || offer.direction === 'inactive' || isNullAddress(offer.address);
    const media = negotiate(offer, DEFAULT_FORMATS);
    if (isNullAddress(offer.address)) media.direction = 'inactive';
    if (call.localHold) media.direction = media.direction === 'sendrecv' ? 'sendonly' : media.direction === 'recvonly' ? 'inactive' : media.direction;
    call.remoteOffer = offer;
    call.media = media;
    call.localDescription = { ...call.localDescription, direction: media.direction, sessionVersion: call.localDescription.sessionVersion + 1 };
    if (call.srtpKeys) media.srtp = call.srtpKeys;
    respond(200, describe(call, call.localDescription));
    host.ctx.emit({ type: 'call-media', callId: call.id, media });
  } catch (e) {
    respond(e instanceof SdpError ? e.status : 400);
  }
}

/** RFC 2543-style hold: c=0.0.0.0. */
function isNullAddress(a: string): boolean {
  return a === '0.0.0.0' || a === '::';
}
