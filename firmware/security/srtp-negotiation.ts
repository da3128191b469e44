/**
 * A line's SRTP policy applied to SDP offer/answer with SDES keys (RFC 4568 §7):
 *
 * | policy    | our offer                         | peer offers RTP/AVP, no crypto | RTP/AVP + crypto     | RTP/SAVP + crypto      |
 * |-----------|-----------------------------------|--------------------------------|----------------------|------------------------|
 * | off       | RTP/AVP, no a=crypto              | plain RTP                      | plain RTP (ignore)   | 488                    |
 * | optional  | RTP/AVP + a=crypto (best effort)  | plain RTP                      | SRTP (else RTP)      | SRTP (else 488)        |
 * | required  | RTP/SAVP + a=crypto               | 488                            | SRTP (else 488)      | SRTP (else 488)        |
 *
 * RTP/SAVP without usable crypto, and DTLS-SRTP profiles (UDP/TLS/RTP/SAVP), are refused with 488.
 * An answer to our offer: `required` needs a valid crypto answer (else the call must be ended);
 * `optional` falls back to RTP when the answer has no crypto line at all.
 * Pure functions; keys come from `random` (node:crypto randomBytes by default).
 */
import { SrtpReceiver, SrtpSender } from './srtp-session.js';
import { chooseOfferedCrypto, formatCryptoAttribute, generateCryptoAttribute, mkiBytes, offerCryptoAttributes, unusableReason } from './sdes.js';
import type { CryptoAttribute, SdesKeyParam } from './sdes.js';
import type { SdesErrorCode } from './srtp-errors.js';
import { getSrtpSuite } from './srtp-suites.js';
import type { SrtpSuite } from './srtp-suites.js';

export type SrtpPolicy = 'off' | 'optional' | 'required';
export type RtpProfile = 'RTP/AVP' | 'RTP/SAVP';

/** What one side's SDP says about media security: its m= protocol and its crypto lines. */
export interface SdpSecurity {
  /** The m= line's protocol, e.g. "RTP/AVP", "RTP/SAVP", "UDP/TLS/RTP/SAVP". */
  profile: string;
  crypto: CryptoAttribute[];
  /** a=crypto lines that did not parse. */
  malformed?: number;
}

/** The agreed SDES keys: ours protect what we send, theirs authenticate what we receive. */
export interface SrtpKeys {
  suite: SrtpSuite;
  tag: number;
  local: SdesKeyParam;
  remote: SdesKeyParam;
}

export interface LocalOffer {
  profile: RtpProfile;
  crypto: CryptoAttribute[];
}

export type OfferAnswer =
  | { kind: 'accept'; profile: RtpProfile; crypto: CryptoAttribute[]; srtp: SrtpKeys | undefined }
  | { kind: 'reject'; status: 488; code: SdesErrorCode; reason: string };

export type AnswerOutcome =
  | { kind: 'rtp' }
  | { kind: 'srtp'; keys: SrtpKeys }
  | { kind: 'fail'; code: SdesErrorCode; reason: string };

/** The profile and crypto lines of our offer under `policy`. Keep it to read the answer. */
export function buildOffer(policy: SrtpPolicy, random?: (n: number) => Buffer): LocalOffer {
  if (policy === 'off') return { profile: 'RTP/AVP', crypto: [] };
  return { profile: policy === 'required' ? 'RTP/SAVP' : 'RTP/AVP', crypto: offerCryptoAttributes(random) };
}

function isDtls(profile: string): boolean {
  return /^UDP\/TLS\//i.test(profile);
}

function isSavp(profile: string): boolean {
  return /^RTP\/SAVPF?$/i.test(profile);
}

/** Answer a peer's offer under `policy`: our profile and crypto line, and the keys if SRTP is on. */
export function answerOffer(policy: SrtpPolicy, offer: SdpSecurity, random?: (n: number) => Buffer): OfferAnswer {
  const reject = (code: SdesErrorCode, reason: string): OfferAnswer => ({ kind: 'reject', status: 488, code, reason });
  if (isDtls(offer.profile)) return reject('sdes-unsupported-profile', `${offer.profile} (DTLS-SRTP) is not supported`);
  const savp = isSavp(offer.profile);
  if (!savp && !/^RTP\/AVPF?$/i.test(offer.profile)) return reject('sdes-unsupported-profile', `unknown media profile ${offer.profile}`);
  const profile: RtpProfile = savp ? 'RTP/SAVP' : 'RTP/AVP';
  const plain: OfferAnswer = { kind: 'accept', profile: 'RTP/AVP', crypto: [], srtp: undefined };
  if (policy === 'off') return savp ? reject('sdes-unsupported-profile', 'SRTP is off on this line and the offer is RTP/SAVP') : plain;
  if (offer.crypto.length === 0) {
    if (savp) return reject('sdes-no-common-suite', 'RTP/SAVP offer without a=crypto');
    return policy === 'required' ? reject('sdes-required', 'SRTP is required and the offer has no a=crypto') : plain;
  }
  const choice = chooseOfferedCrypto(offer.crypto);
  if (!choice) {
    const why = offer.crypto.map((c) => unusableReason(c)).filter(Boolean).join('; ');
    if (savp || policy === 'required') return reject('sdes-no-common-suite', `no usable crypto line (${why})`);
    return plain;
  }
  const ours = generateCryptoAttribute(choice.attribute.tag, choice.suite, random);
  return {
    kind: 'accept',
    profile,
    crypto: [ours],
    srtp: { suite: choice.suite, tag: ours.tag, local: ours.keyParams[0] as SdesKeyParam, remote: choice.attribute.keyParams[0] as SdesKeyParam },
  };
}

/** Read the answer to `offer` under `policy`: plain RTP, SRTP with these keys, or a failure (end the call). */
export function acceptAnswer(policy: SrtpPolicy, offer: LocalOffer, answer: SdpSecurity): AnswerOutcome {
  const fail = (code: SdesErrorCode, reason: string): AnswerOutcome => ({ kind: 'fail', code, reason });
  if (policy === 'off' || offer.crypto.length === 0) return { kind: 'rtp' };
  if (answer.crypto.length === 0) {
    if (answer.malformed) return fail('sdes-bad-answer', 'the answer has an unreadable a=crypto line');
    if (policy === 'required' || isSavp(answer.profile)) return fail('sdes-required', 'SRTP is required and the answer has no a=crypto');
    return { kind: 'rtp' };
  }
  if (answer.crypto.length > 1) return fail('sdes-bad-answer', `the answer has ${answer.crypto.length} a=crypto lines`);
  const a = answer.crypto[0] as CryptoAttribute;
  const mine = offer.crypto.find((c) => c.tag === a.tag);
  if (!mine) return fail('sdes-bad-answer', `the answer's crypto tag ${a.tag} was not offered`);
  if (mine.suite !== a.suite) return fail('sdes-bad-answer', `the answer changed tag ${a.tag}'s suite to ${a.suite}`);
  const why = unusableReason(a);
  if (why) return fail('sdes-bad-answer', why);
  const suite = getSrtpSuite(a.suite) as SrtpSuite;
  return { kind: 'srtp', keys: { suite, tag: a.tag, local: mine.keyParams[0] as SdesKeyParam, remote: a.keyParams[0] as SdesKeyParam } };
}

/** The two SRTP contexts of a call: `sender` protects with our key, `receiver` checks theirs. */
export function createSrtpStreams(keys: SrtpKeys, replayWindow = 64): { sender: SrtpSender; receiver: SrtpReceiver } {
  const stream = (k: SdesKeyParam) => {
    const mki = mkiBytes(k);
    return {
      suite: keys.suite,
      master: { key: k.key, salt: k.salt },
      replayWindow,
      ...(mki ? { mki } : {}),
      ...(k.lifetime !== undefined ? { lifetime: k.lifetime } : {}),
    };
  };
  return { sender: new SrtpSender(stream(keys.local)), receiver: new SrtpReceiver(stream(keys.remote)) };
}

/**
 * Put a profile and crypto lines into SDP text we generated: the first active audio m= line gets
 * `profile`, and the crypto lines go right after it (before its other attributes).
 */
export function applySrtpToSdp(sdp: string, profile: RtpProfile, crypto: CryptoAttribute[]): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const m = lines.findIndex((l) => /^m=audio [1-9]\d* /.test(l));
  if (m < 0) return sdp;
  lines[m] = (lines[m] as string).replace(/^(m=audio \S+ )\S+/, `$1${profile}`);
  let at = m + 1;
  while (at < lines.length && /^[icbk]=/.test(lines[at] as string)) at++;
  lines.splice(at, 0, ...crypto.map((c) => `a=crypto:${formatCryptoAttribute(c)}`));
  return lines.join(eol);
}
