/** SDES a=crypto parsing/formatting (RFC 4568) and the off/optional/required offer/answer rules. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'sdp-transform';
import {
  chooseOfferedCrypto,
  cryptoAttributesFromSdp,
  cryptoFromMedia,
  cryptoToMedia,
  formatCryptoAttribute,
  generateCryptoAttribute,
  mkiBytes,
  parseCryptoAttribute,
  unusableReason,
} from '../../../firmware/security/sdes.js';
import { acceptAnswer, answerOffer, applySrtpToSdp, buildOffer, createSrtpStreams } from '../../../firmware/security/srtp-negotiation.js';
import type { SrtpPolicy } from '../../../firmware/security/srtp-negotiation.js';
import { SdesError } from '../../../firmware/security/srtp-errors.js';
import { AES_CM_128_HMAC_SHA1_32, AES_CM_128_HMAC_SHA1_80 } from '../../../firmware/security/srtp-suites.js';
import { formatAudioDescription, parseAudioDescription } from '../../../firmware/sip/sdp/sdp.js';
import { rtpPacket } from './support.js';

const RFC_EXAMPLE = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32';

test('parses the RFC 4568 example: tag, suite, 16+14-byte key, lifetime 2^20, MKI 1 of 32 bytes', () => {
  const c = parseCryptoAttribute(RFC_EXAMPLE);
  assert.is(c.tag, 1);
  assert.is(c.suite, 'AES_CM_128_HMAC_SHA1_80');
  const k = c.keyParams[0]!;
  const raw = Buffer.from('PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'base64');
  assert.is(k.key.toString('hex'), raw.subarray(0, 16).toString('hex'));
  assert.is(k.salt.toString('hex'), raw.subarray(16).toString('hex'));
  assert.is(k.lifetime, 2 ** 20);
  assert.equal(k.mki, { value: 1, length: 32 });
  assert.is(mkiBytes(k)!.length, 32);
  assert.is(mkiBytes(k)![31], 1);
  assert.is(formatCryptoAttribute(c), RFC_EXAMPLE.slice('a=crypto:'.length));
});

test('decimal lifetimes, session parameters and several key params survive a round trip', () => {
  const text = '7 AES_CM_128_HMAC_SHA1_32 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|1000 WSH=128 -FOO';
  const c = parseCryptoAttribute(text);
  assert.is(c.keyParams[0]!.lifetime, 1000);
  assert.equal(c.sessionParams, ['WSH=128', '-FOO']);
  assert.is(unusableReason(c), undefined);
  assert.is(formatCryptoAttribute(c), text);
});

test('malformed crypto lines are refused with sdes-malformed, and the error never echoes the key', () => {
  const bad = [
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80',
    'a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR',
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtx', // 28 bytes
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|0:200',
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|soon',
    'a=crypto:1 AES_CM_128_HMAC_SHA1_80 key:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR',
  ];
  for (const line of bad) {
    try {
      parseCryptoAttribute(line);
      assert.unreachable(line);
    } catch (e) {
      assert.ok(e instanceof SdesError && e.code === 'sdes-malformed', line);
      assert.not.match((e as Error).message, 'PS1uQCVe');
    }
  }
});

test('unsupported suites parse (without keys) but are unusable; so are KDR, UNENCRYPTED_SRTP and unknown mandatory params', () => {
  const gcm = parseCryptoAttribute('1 AEAD_AES_256_GCM inline:AAAA');
  assert.equal(gcm.keyParams, []);
  assert.match(unusableReason(gcm)!, 'unsupported suite');
  const base = '2 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
  for (const p of ['KDR=1', 'UNENCRYPTED_SRTP', 'UNAUTHENTICATED_SRTP', 'FEC_KEY=inline:x', 'NEW_THING']) {
    assert.match(unusableReason(parseCryptoAttribute(`${base} ${p}`))!, 'session parameter', p);
  }
});

test('choice: strongest supported suite wins; among equals the first offered; unusable lines skipped', () => {
  const g = (tag: number, s = AES_CM_128_HMAC_SHA1_80) => generateCryptoAttribute(tag, s);
  const gcm = parseCryptoAttribute('1 AEAD_AES_256_GCM inline:AAAA');
  assert.is(chooseOfferedCrypto([gcm, g(2, AES_CM_128_HMAC_SHA1_32), g(3), g(4)])!.attribute.tag, 3);
  assert.is(chooseOfferedCrypto([g(5, AES_CM_128_HMAC_SHA1_32)])!.suite.name, 'AES_CM_128_HMAC_SHA1_32');
  assert.is(chooseOfferedCrypto([gcm]), undefined);
});

test('generated keys are fresh random 30-byte keys, base64 on the wire', () => {
  const a = generateCryptoAttribute(1, AES_CM_128_HMAC_SHA1_80);
  const b = generateCryptoAttribute(1, AES_CM_128_HMAC_SHA1_80);
  assert.is.not(a.keyParams[0]!.key.toString('hex'), b.keyParams[0]!.key.toString('hex'));
  assert.match(formatCryptoAttribute(a), /^1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
});

const SDP = (proto: string, crypto: string[]) =>
  ['v=0', 'o=peer 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=video 0 RTP/AVP 96', `m=audio 6000 ${proto} 0`, ...crypto, 'a=sendrecv', ''].join('\r\n');

test('crypto from raw SDP keeps every session param; sdp-transform objects work both ways', () => {
  const text = SDP('RTP/SAVP', [RFC_EXAMPLE + ' WSH=64 UNENCRYPTED_SRTCP', 'a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz']);
  const raw = cryptoAttributesFromSdp(text);
  assert.equal(raw.map((c) => c.tag), [1, 2]);
  assert.equal(raw[0]!.sessionParams, ['WSH=64', 'UNENCRYPTED_SRTCP']);
  const media = parse(text).media.find((m) => m.type === 'audio')!;
  const viaObject = cryptoFromMedia(media);
  assert.equal(viaObject.map((c) => c.tag), [1, 2]);
  const back = cryptoToMedia(raw);
  assert.is(back[0]!.sessionConfig, 'WSH=64 UNENCRYPTED_SRTCP');
  assert.is(back[1]!.suite, 'AES_CM_128_HMAC_SHA1_32');
  const bad: string[] = [];
  assert.equal(cryptoAttributesFromSdp(SDP('RTP/SAVP', ['a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:short']), bad), []);
  assert.is(bad.length, 1);
});

test('applySrtpToSdp turns our generated SDP into RTP/SAVP with crypto lines, readable again', () => {
  const text = formatAudioDescription({ address: '192.0.2.1', port: 4000, formats: [{ payloadType: 0, encoding: 'PCMU', clockRate: 8000 }], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });
  const offer = buildOffer('required');
  const out = applySrtpToSdp(text, offer.profile, offer.crypto);
  assert.match(out, /\r\nm=audio 4000 RTP\/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/);
  const d = parseAudioDescription(out);
  assert.is(d.raw!.protocol, 'RTP/SAVP');
  assert.equal(cryptoAttributesFromSdp(out).map((c) => c.suite), ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);
});

const peerOffer = (profile: string, withCrypto: boolean) => ({
  profile,
  crypto: withCrypto ? [generateCryptoAttribute(1, AES_CM_128_HMAC_SHA1_80), generateCryptoAttribute(2, AES_CM_128_HMAC_SHA1_32)] : [],
});

test('answering: the policy table (plain RTP, SRTP, or 488)', () => {
  const cases: Array<[SrtpPolicy, string, boolean, string]> = [
    ['off', 'RTP/AVP', false, 'rtp'],
    ['off', 'RTP/AVP', true, 'rtp'],
    ['off', 'RTP/SAVP', true, '488:sdes-unsupported-profile'],
    ['optional', 'RTP/AVP', false, 'rtp'],
    ['optional', 'RTP/AVP', true, 'srtp:RTP/AVP'],
    ['optional', 'RTP/SAVP', true, 'srtp:RTP/SAVP'],
    ['optional', 'RTP/SAVP', false, '488:sdes-no-common-suite'],
    ['required', 'RTP/AVP', false, '488:sdes-required'],
    ['required', 'RTP/AVP', true, 'srtp:RTP/AVP'],
    ['required', 'RTP/SAVP', true, 'srtp:RTP/SAVP'],
    ['required', 'UDP/TLS/RTP/SAVP', true, '488:sdes-unsupported-profile'],
  ];
  for (const [policy, profile, crypto, want] of cases) {
    const a = answerOffer(policy, peerOffer(profile, crypto));
    const got = a.kind === 'reject' ? `${a.status}:${a.code}` : a.srtp ? `srtp:${a.profile}` : 'rtp';
    assert.is(got, want, `${policy} ${profile} crypto=${crypto}`);
    if (a.kind === 'accept' && !a.srtp) assert.equal(a.crypto, []);
    if (a.kind === 'accept' && a.srtp) {
      assert.is(a.crypto.length, 1);
      assert.is(a.crypto[0]!.tag, 1, 'answers the chosen tag (the _80 line)');
    }
  }
});

test('answering: optional falls back to RTP when no offered suite is usable; required refuses', () => {
  const offer = { profile: 'RTP/AVP', crypto: [parseCryptoAttribute('1 AEAD_AES_256_GCM inline:AAAA')] };
  const opt = answerOffer('optional', offer);
  assert.ok(opt.kind === 'accept' && opt.srtp === undefined);
  const req = answerOffer('required', offer);
  assert.ok(req.kind === 'reject' && req.code === 'sdes-no-common-suite' && req.status === 488);
});

test('offers: off → RTP/AVP bare; optional → RTP/AVP + crypto; required → RTP/SAVP + crypto', () => {
  assert.equal(buildOffer('off'), { profile: 'RTP/AVP', crypto: [] });
  const o = buildOffer('optional');
  assert.is(o.profile, 'RTP/AVP');
  assert.equal(o.crypto.map((c) => c.suite), ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);
  assert.is(buildOffer('required').profile, 'RTP/SAVP');
});

test('reading answers: fallback, failures and a bad tag or suite', () => {
  const opt = buildOffer('optional');
  const req = buildOffer('required');
  assert.equal(acceptAnswer('optional', opt, { profile: 'RTP/AVP', crypto: [] }), { kind: 'rtp' });
  assert.is((acceptAnswer('required', req, { profile: 'RTP/AVP', crypto: [] }) as { code: string }).code, 'sdes-required');
  assert.is((acceptAnswer('optional', opt, { profile: 'RTP/AVP', crypto: [], malformed: 1 }) as { code: string }).code, 'sdes-bad-answer');
  assert.is((acceptAnswer('required', req, { profile: 'RTP/SAVP', crypto: [generateCryptoAttribute(9, AES_CM_128_HMAC_SHA1_80)] }) as { code: string }).code, 'sdes-bad-answer');
  assert.is((acceptAnswer('required', req, { profile: 'RTP/SAVP', crypto: [generateCryptoAttribute(1, AES_CM_128_HMAC_SHA1_32)] }) as { code: string }).code, 'sdes-bad-answer');
  const ok = acceptAnswer('required', req, { profile: 'RTP/SAVP', crypto: [generateCryptoAttribute(2, AES_CM_128_HMAC_SHA1_32)] });
  assert.ok(ok.kind === 'srtp' && ok.keys.suite.name === 'AES_CM_128_HMAC_SHA1_32');
  assert.equal(acceptAnswer('off', buildOffer('off'), { profile: 'RTP/AVP', crypto: [generateCryptoAttribute(1, AES_CM_128_HMAC_SHA1_80)] }), { kind: 'rtp' });
});

test('end to end: offer → answer → both sides build streams and media flows both ways', () => {
  const offer = buildOffer('required');
  const answer = answerOffer('optional', { profile: offer.profile, crypto: offer.crypto });
  assert.ok(answer.kind === 'accept' && answer.srtp);
  const outcome = acceptAnswer('required', offer, { profile: answer.profile, crypto: answer.crypto });
  assert.ok(outcome.kind === 'srtp');
  const caller = createSrtpStreams(outcome.keys);
  const callee = createSrtpStreams(answer.srtp!);
  const p = rtpPacket(1);
  assert.is(callee.receiver.unprotectRtp(caller.sender.protectRtp(p)).toString('hex'), p.toString('hex'));
  assert.is(caller.receiver.unprotectRtp(callee.sender.protectRtp(p)).toString('hex'), p.toString('hex'));
});

test.run();
