/**
 * SDES-SRTP (RFC 4568) in a call's offer/answer, under the line's policy (off | optional |
 * required). The negotiation rules live in firmware/security/srtp-negotiation.ts; this file
 * applies them to our calls' SDP.
 */
import { cryptoAttributesFromSdp } from '../../security/sdes.js';
import { acceptAnswer, answerOffer, applySrtpToSdp, buildOffer } from '../../security/srtp-negotiation.js';
import type { OfferAnswer, SrtpKeys, SrtpPolicy } from '../../security/srtp-negotiation.js';
import { formatAudioDescription } from '../sdp/sdp.js';
import type { AudioDescription } from '../sdp/sdp.js';
import type { Call } from './call.js';

/** SDP text for `description` with a profile and crypto line(s). */
export function describeWith(sec: Call['security'], description: AudioDescription): string {
  const text = formatAudioDescription(description);
  return sec && (sec.crypto.length || sec.profile !== 'RTP/AVP') ? applySrtpToSdp(text, sec.profile, sec.crypto) : text;
}

/** Our SDP text for `description`, with the call's profile and crypto line(s). */
export function describe(call: Call, description: AudioDescription): string {
  return describeWith(call.security, description);
}

/** UAC: our offer's profile and crypto lines under the line's policy. */
export function offerSecurity(policy: SrtpPolicy): NonNullable<Call['security']> {
  return buildOffer(policy);
}

function securityOf(text: string, profile: string) {
  const bad: string[] = [];
  const crypto = cryptoAttributesFromSdp(text, bad);
  return { profile, crypto, malformed: bad.length };
}

/** UAC: read the answer's security; `fail` means the call must be ended. */
export function readAnswer(call: Call, policy: SrtpPolicy, text: string, profile: string): { ok: true; keys?: SrtpKeys } | { ok: false; reason: string } {
  if (!call.security) return { ok: true };
  const outcome = acceptAnswer(policy, call.security, securityOf(text, profile));
  if (outcome.kind === 'fail') return { ok: false, reason: `${outcome.code}: ${outcome.reason}` };
  if (outcome.kind === 'rtp') call.security = { profile: 'RTP/AVP', crypto: [] };
  return outcome.kind === 'srtp' ? { ok: true, keys: outcome.keys } : { ok: true };
}

/** UAS: answer the offer's security (or refuse with 488). */
export function answerSecurity(call: Call, policy: SrtpPolicy, text: string, profile: string): OfferAnswer {
  const answer = answerOffer(policy, securityOf(text, profile));
  if (answer.kind === 'accept') {
    call.security = { profile: answer.profile, crypto: answer.crypto };
    call.srtpKeys = answer.srtp;
  }
  return answer;
}
