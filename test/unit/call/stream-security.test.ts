import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamSecurity } from '../../../firmware/call/stream-security.js';
import { serializeRtp } from '../../../firmware/media/rtp-packet.js';
import { memoryAlertSink } from '../../../firmware/security/alert.js';
import { cryptoAttributesFromSdp } from '../../../firmware/security/sdes.js';
import { acceptAnswer, answerOffer, applySrtpToSdp, buildOffer } from '../../../firmware/security/srtp-negotiation.js';
import type { NegotiatedMedia } from '../../../firmware/sip/sdp/sdp.js';

const base: NegotiatedMedia = { remoteAddress: '10.0.0.2', remotePort: 7000, payloadType: 0, encoding: 'PCMU', clockRate: 8000, ptime: 20, direction: 'sendrecv' };

function keyedPair() {
  const offer = buildOffer('required');
  const offerSdp = applySrtpToSdp('v=0\r\nm=audio 7000 RTP/AVP 0\r\n', offer.profile, offer.crypto);
  const answer = answerOffer('optional', { profile: offer.profile, crypto: cryptoAttributesFromSdp(offerSdp) });
  if (answer.kind !== 'accept' || !answer.srtp) throw new Error('no SRTP answer');
  const outcome = acceptAnswer('required', offer, { profile: answer.profile, crypto: answer.crypto });
  if (outcome.kind !== 'srtp') throw new Error('no SRTP outcome');
  return { caller: { ...base, srtp: outcome.keys }, callee: { ...base, srtp: answer.srtp } };
}

const rtp = (seq: number) => serializeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc: 42, payload: new Uint8Array(160).fill(0x55) });

test('SRTP: what one side protects the other decrypts to the same packet; a tampered packet is refused and alerted', () => {
  const alerts = memoryAlertSink();
  const { caller, callee } = keyedPair();
  const a = new StreamSecurity({ media: caller, alerts });
  const b = new StreamSecurity({ media: callee, alerts });
  assert.ok(a.encrypted && b.encrypted);
  const plain = rtp(1);
  const wire = a.protect(plain, 0);
  assert.is(wire.length, plain.length + 10, 'HMAC-SHA1-80 tag appended');
  assert.not.equal(Buffer.from(wire.subarray(12, 172)), Buffer.from(plain.subarray(12)), 'payload encrypted');
  assert.equal(Buffer.from(b.unprotect(wire, 0)!), Buffer.from(plain));
  const bad = Buffer.from(a.protect(rtp(2), 20));
  bad[20] ^= 1;
  assert.is(b.unprotect(bad, 20), undefined);
  assert.is(alerts.alerts.filter((x) => x.code === 'srtp-auth-failed').length, 1);
});

test('media guard: inbound traffic at 3x the negotiated rate raises media-excess-bitrate within the window; normal traffic does not', () => {
  const alerts = memoryAlertSink();
  const s = new StreamSecurity({ media: base, alerts, sustainMs: 5000 });
  let t = 0;
  for (; t < 10000; t += 20) {
    s.unprotect(rtp(t / 20), t); // the expected 50 packets/s
    s.tick(t);
  }
  assert.is(alerts.alerts.filter((a) => a.code === 'media-excess-bitrate').length, 0);
  for (; t < 20000; t += 20) {
    for (let k = 0; k < 3; k++) s.unprotect(rtp(t), t); // three times the rate
    s.tick(t);
  }
  const alarm = alerts.alerts.find((a) => a.code === 'media-excess-bitrate');
  assert.ok(alarm, 'alarm raised');
  assert.ok(alarm!.at >= 15000 && alarm!.at <= 16500, `alarm at ${alarm!.at} (5 s after the flood began at 10 s)`);
});

test('foreign packets are counted per source', () => {
  const alerts = memoryAlertSink();
  const s = new StreamSecurity({ media: base, alerts });
  for (let i = 0; i < 20; i++) s.foreign({ address: '203.0.113.9', port: 4000 }, 172, i * 20);
  assert.ok(alerts.alerts.some((a) => a.code === 'media-foreign-source'));
});

test.run();
