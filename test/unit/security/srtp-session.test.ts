/** SRTP/SRTCP contexts: round trips, tampering, replays, the ROC across 65535 → 0, MKI, lifetimes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SrtpReceiver, SrtpSender } from '../../../firmware/security/srtp-session.js';
import type { SrtpStreamOptions } from '../../../firmware/security/srtp-session.js';
import { SrtpError, SrtpKeyError } from '../../../firmware/security/srtp-errors.js';
import { AES_CM_128_HMAC_SHA1_32, AES_CM_128_HMAC_SHA1_80 } from '../../../firmware/security/srtp-suites.js';
import { ReplayWindow } from '../../../firmware/security/replay-window.js';
import { estimateRoc } from '../../../firmware/security/srtp-index.js';
import { hex, rtcpPacket, rtpPacket } from './support.js';

const MASTER = { key: hex('E1F97A0D3E018BE0D64FA32C06DE4139'), salt: hex('0EC675AD498AFEEBB6960B3AABE6') };
const opts = (extra: Partial<SrtpStreamOptions> = {}): SrtpStreamOptions => ({ suite: AES_CM_128_HMAC_SHA1_80, master: MASTER, ...extra });
const isCode = (code: string) => (e: unknown) => e instanceof SrtpError && e.code === code;

test('libsrtp reference packet (srtp_driver): AES_CM_128_HMAC_SHA1_80 protect is byte-exact', () => {
  const plain = hex('800f1234decafbadcafebabe' + 'ab'.repeat(16));
  const out = new SrtpSender(opts()).protectRtp(plain);
  assert.is(out.toString('hex'), '800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb');
});

for (const suite of [AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32]) {
  test(`${suite.name}: round trip, header in clear, payload encrypted, tag of ${suite.srtpTagBytes} bytes`, () => {
    const tx = new SrtpSender(opts({ suite }));
    const rx = new SrtpReceiver(opts({ suite }));
    for (let seq = 100; seq < 110; seq++) {
      const plain = rtpPacket(seq);
      const s = tx.protectRtp(plain);
      assert.is(s.length, plain.length + suite.srtpTagBytes);
      assert.is(s.subarray(0, 12).toString('hex'), plain.subarray(0, 12).toString('hex'));
      assert.is.not(s.subarray(12, 172).toString('hex'), plain.subarray(12).toString('hex'));
      assert.is(rx.unprotectRtp(s).toString('hex'), plain.toString('hex'));
    }
    assert.is(rx.stats.rtp, 10);
  });
}

test('a flipped bit anywhere (header, payload, tag) fails authentication with srtp-auth-failed', () => {
  const tx = new SrtpSender(opts());
  const rx = new SrtpReceiver(opts());
  const s = tx.protectRtp(rtpPacket(7));
  for (const at of [1, 5, 20, s.length - 1]) {
    const bad = Buffer.from(s);
    bad[at] = (bad[at] as number) ^ 0x04;
    assert.throws(() => rx.unprotectRtp(bad), isCode('srtp-auth-failed'), `byte ${at}`);
  }
  assert.is(rx.stats.authFailures, 4);
  // The genuine packet still passes afterwards: failures leave no state behind.
  assert.is(rx.unprotectRtp(s).length, 172);
});

test('a packet under the wrong key fails authentication', () => {
  const other = { key: Buffer.alloc(16, 1), salt: Buffer.alloc(14, 2) };
  const s = new SrtpSender({ suite: AES_CM_128_HMAC_SHA1_80, master: other }).protectRtp(rtpPacket(1));
  assert.throws(() => new SrtpReceiver(opts()).unprotectRtp(s), isCode('srtp-auth-failed'));
});

test('replays are refused; late packets inside the 64-packet window are accepted once', () => {
  const tx = new SrtpSender(opts());
  const rx = new SrtpReceiver(opts());
  const packets = Array.from({ length: 100 }, (_, i) => tx.protectRtp(rtpPacket(1000 + i)));
  rx.unprotectRtp(packets[0] as Buffer);
  assert.throws(() => rx.unprotectRtp(packets[0] as Buffer), isCode('srtp-replay'));
  for (let i = 2; i < 100; i++) rx.unprotectRtp(packets[i] as Buffer);
  // packet 1 is now 98 behind: older than the window.
  assert.throws(() => rx.unprotectRtp(packets[1] as Buffer), isCode('srtp-too-old'));
  assert.throws(() => rx.unprotectRtp(packets[90] as Buffer), isCode('srtp-replay'));
  assert.is(rx.stats.replays, 3);
});

test('reordered packets inside the window are accepted', () => {
  const tx = new SrtpSender(opts());
  const rx = new SrtpReceiver(opts());
  const packets = Array.from({ length: 10 }, (_, i) => tx.protectRtp(rtpPacket(50 + i)));
  for (const i of [0, 2, 1, 5, 3, 4, 9, 8, 7, 6]) assert.is(rx.unprotectRtp(packets[i] as Buffer).readUInt16BE(2), 50 + i);
});

test('ROC: the sequence wraps 65535 → 0 and both ends move to ROC 1 (with a late pre-wrap packet)', () => {
  const tx = new SrtpSender(opts());
  const rx = new SrtpReceiver(opts());
  const seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2];
  const s = seqs.map((q) => tx.protectRtp(rtpPacket(q)));
  assert.is(tx.roc(0x11223344), 1);
  for (const i of [0, 1, 2, 3, 4, 6, 7, 5, 8]) assert.is(rx.unprotectRtp(s[i] as Buffer).toString('hex'), rtpPacket(seqs[i] as number).toString('hex'));
  assert.is(rx.roc(0x11223344), 1);
  // The post-wrap packets were encrypted with index 2^16 + seq: a receiver that kept ROC 0 would fail.
  const naive = new SrtpReceiver(opts());
  assert.throws(() => naive.unprotectRtp(s[6] as Buffer), isCode('srtp-auth-failed'));
});

test('ROC estimation follows RFC 3711 Appendix A on both sides of the wrap', () => {
  assert.is(estimateRoc({ roc: 3, highestSeq: 65500 }, 10), 4);
  assert.is(estimateRoc({ roc: 3, highestSeq: 65500 }, 40000), 3);
  assert.is(estimateRoc({ roc: 3, highestSeq: 10 }, 65500), 2);
  assert.is(estimateRoc({ roc: 3, highestSeq: 10 }, 200), 3);
  assert.is(estimateRoc({ roc: 0, highestSeq: undefined }, 65535), 0);
});

test('a long stream: every sequence number through one wrap, then jumps of 10,000 through three more', () => {
  const tx = new SrtpSender(opts({ suite: AES_CM_128_HMAC_SHA1_32 }));
  const rx = new SrtpReceiver(opts({ suite: AES_CM_128_HMAC_SHA1_32 }));
  const p = rtpPacket(0, 0x5555, 20);
  let index = 60_000;
  let sent = 0;
  const send = () => {
    p.writeUInt16BE(index & 0xffff, 2);
    const out = rx.unprotectRtp(tx.protectRtp(p));
    assert.is(out.readUInt16BE(2), index & 0xffff);
    sent++;
  };
  for (; index < 70_000; index++) send();
  assert.is(rx.roc(0x5555), 1);
  for (; index <= 270_000; index += 10_000) send(); // ends at 270,000 = 4·65536 + 7,856
  assert.is(tx.roc(0x5555), 4);
  assert.is(rx.roc(0x5555), 4);
  assert.is(rx.stats.rtp, sent);
});

test('each SSRC has its own ROC and window; a new SSRC under the same key is accepted', () => {
  const tx = new SrtpSender(opts());
  const rx = new SrtpReceiver(opts());
  const a = tx.protectRtp(rtpPacket(5, 0xaaaa));
  const b = tx.protectRtp(rtpPacket(5, 0xbbbb));
  rx.unprotectRtp(a);
  rx.unprotectRtp(b); // same seq, different SSRC: not a replay
  assert.throws(() => rx.unprotectRtp(b), isCode('srtp-replay'));
});

test('SRTCP: round trip with index and E flag, 80-bit tag even for the _32 suite, replay refused', () => {
  const tx = new SrtpSender(opts({ suite: AES_CM_128_HMAC_SHA1_32 }));
  const rx = new SrtpReceiver(opts({ suite: AES_CM_128_HMAC_SHA1_32 }));
  const plain = rtcpPacket();
  const s0 = tx.protectRtcp(plain);
  const s1 = tx.protectRtcp(plain);
  assert.is(s0.length, plain.length + 4 + 10);
  assert.is(s0.readUInt32BE(plain.length), 0x80000000); // E = 1, index 0
  assert.is(s1.readUInt32BE(plain.length), 0x80000001); // index 1
  assert.is(s0.subarray(0, 8).toString('hex'), plain.subarray(0, 8).toString('hex'));
  assert.is.not(s0.subarray(8, 32).toString('hex'), plain.subarray(8).toString('hex'));
  assert.is(rx.unprotectRtcp(s1).toString('hex'), plain.toString('hex'));
  assert.is(rx.unprotectRtcp(s0).toString('hex'), plain.toString('hex'));
  assert.throws(() => rx.unprotectRtcp(s0), isCode('srtp-replay'));
  const bad = tx.protectRtcp(plain); // index 2, not yet seen
  bad[12] = (bad[12] as number) ^ 1;
  assert.throws(() => rx.unprotectRtcp(bad), isCode('srtp-auth-failed'));
});

test('SRTCP without encryption (E = 0) is authenticated but readable', () => {
  const tx = new SrtpSender(opts());
  const rx = new SrtpReceiver(opts());
  const plain = rtcpPacket();
  const s = tx.protectRtcp(plain, false);
  assert.is(s.readUInt32BE(plain.length) >>> 31, 0);
  assert.is(s.subarray(0, plain.length).toString('hex'), plain.toString('hex'));
  assert.is(rx.unprotectRtcp(s).toString('hex'), plain.toString('hex'));
  const flipped = tx.protectRtcp(plain, false); // index 1, not yet seen
  flipped[plain.length] = 0x80; // claim E = 1: the tag covers the E flag
  assert.throws(() => rx.unprotectRtcp(flipped), isCode('srtp-auth-failed'));
});

test('MKI: carried between payload and tag, not authenticated, checked on receive', () => {
  const mki = Buffer.from([0, 0, 0, 1]);
  const tx = new SrtpSender(opts({ mki }));
  const rx = new SrtpReceiver(opts({ mki }));
  const plain = rtpPacket(9);
  const s = tx.protectRtp(plain);
  assert.is(s.length, plain.length + 4 + 10);
  assert.is(s.subarray(plain.length, plain.length + 4).toString('hex'), '00000001');
  assert.is(rx.unprotectRtp(s).toString('hex'), plain.toString('hex'));
  const other = new SrtpReceiver(opts({ mki: Buffer.from([0, 0, 0, 2]) }));
  assert.throws(() => other.unprotectRtp(tx.protectRtp(rtpPacket(10))), isCode('srtp-mki-mismatch'));
  const r = tx.protectRtcp(rtcpPacket());
  assert.is(rx.unprotectRtcp(r).length, 32);
});

test('short and non-RTP input is refused with typed errors', () => {
  const rx = new SrtpReceiver(opts());
  assert.throws(() => rx.unprotectRtp(Buffer.alloc(15)), isCode('srtp-too-short'));
  const v1 = Buffer.alloc(40);
  v1[0] = 0x40;
  assert.throws(() => rx.unprotectRtp(v1), isCode('srtp-bad-header'));
  assert.throws(() => rx.unprotectRtcp(Buffer.alloc(10)), isCode('srtp-too-short'));
  assert.throws(() => new SrtpSender(opts()).protectRtp(Buffer.alloc(8)), (e: unknown) => e instanceof SrtpKeyError);
});

test('the master key lifetime is enforced on send', () => {
  const tx = new SrtpSender(opts({ lifetime: 3 }));
  for (let i = 0; i < 3; i++) tx.protectRtp(rtpPacket(i));
  assert.throws(() => tx.protectRtp(rtpPacket(3)), (e: unknown) => e instanceof SrtpKeyError && e.code === 'srtp-index-exhausted');
});

test('ReplayWindow: slides, forgets what falls out, and refuses a too-small size', () => {
  const w = new ReplayWindow(64);
  w.accept(5);
  assert.is(w.check(5), 'replay');
  assert.is(w.check(4), 'new');
  w.accept(200);
  assert.is(w.check(136), 'too-old');
  assert.is(w.check(137), 'new');
  assert.is(w.check(200), 'replay');
  w.accept(150);
  assert.is(w.check(150), 'replay');
  w.accept(201); // slot of 137 reused by 201: 137 must read as new, not as stale
  assert.is(w.check(138), 'new');
  assert.throws(() => new ReplayWindow(32), RangeError);
});

test.run();
