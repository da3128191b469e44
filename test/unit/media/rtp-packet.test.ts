import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RemoteError } from '../../../firmware/core/errors.js';
import { RtpParseError, isRtcp, parseRtp, seqDiff, seqNewer, serializeRtp, tsDiff } from '../../../firmware/media/rtp-packet.js';

const payload = Uint8Array.from({ length: 160 }, (_, i) => (i * 7) & 0xff);

test('serialize → parse round trip of a plain packet', () => {
  const buf = serializeRtp({ marker: true, payloadType: 0, sequence: 65535, timestamp: 0xffffffff, ssrc: 0xdeadbeef, payload });
  assert.is(buf.length, 12 + 160);
  assert.is(buf[0], 0x80);
  assert.is(buf[1], 0x80);
  const p = parseRtp(buf);
  assert.is(p.version, 2);
  assert.is(p.padding, false);
  assert.is(p.marker, true);
  assert.is(p.payloadType, 0);
  assert.is(p.sequence, 65535);
  assert.is(p.timestamp, 0xffffffff);
  assert.is(p.ssrc, 0xdeadbeef);
  assert.equal(p.csrcs, []);
  assert.is(p.extension, undefined);
  assert.equal(Array.from(p.payload), Array.from(payload));
});

test('round trip with CSRCs, header extension and padding', () => {
  const ext = { profile: 0xbede, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
  const buf = serializeRtp({
    marker: false,
    payloadType: 101,
    sequence: 1,
    timestamp: 12345,
    ssrc: 42,
    csrcs: [1, 0xffffffff],
    extension: ext,
    padding: true,
    payload: payload.subarray(0, 5),
  });
  assert.is(buf.length % 4, 0, 'default padding aligns to 4 bytes');
  const p = parseRtp(buf);
  assert.is(p.padding, true);
  assert.is(p.payloadType, 101);
  assert.equal(p.csrcs, [1, 0xffffffff]);
  assert.is(p.extension?.profile, 0xbede);
  assert.equal(Array.from(p.extension?.data ?? []), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(Array.from(p.payload), Array.from(payload.subarray(0, 5)));
  const explicit = parseRtp(serializeRtp({ marker: false, payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, padding: true, paddingLength: 9, payload }));
  assert.is(explicit.payload.length, 160);
});

test('serialize copies the payload (callers may reuse their buffer)', () => {
  const work = Uint8Array.from([1, 2, 3]);
  const buf = serializeRtp({ marker: false, payloadType: 8, sequence: 9, timestamp: 9, ssrc: 9, payload: work });
  work[0] = 99;
  assert.is(parseRtp(buf).payload[0], 1);
});

function expectError(bytes: Uint8Array, code: string): void {
  try {
    parseRtp(bytes);
  } catch (e) {
    assert.instance(e, RtpParseError);
    assert.instance(e, RemoteError);
    assert.is((e as RtpParseError).code, code);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('parse errors: too-short', () => {
  expectError(new Uint8Array(11).fill(0x80, 0, 1), 'too-short');
  expectError(new Uint8Array(0), 'too-short');
});

test('parse errors: bad-version', () => {
  const buf = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, payload });
  buf[0] = 0x40; // version 1
  expectError(buf, 'bad-version');
  buf[0] = 0x00;
  expectError(buf, 'bad-version');
});

test('parse errors: bad-csrc-count', () => {
  const buf = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, payload: new Uint8Array(8) });
  buf[0] = 0x80 | 15; // 60 bytes of CSRCs in a 20-byte packet
  expectError(buf, 'bad-csrc-count');
});

test('parse errors: bad-extension', () => {
  const buf = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, payload: new Uint8Array(8) });
  buf[0] = 0x90; // X set: the payload's first bytes become an extension header
  buf[14] = 0x00;
  buf[15] = 0x05; // 5 words = 20 bytes, more than the 4 left
  expectError(buf, 'bad-extension');
  expectError(Uint8Array.from([0x90, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe]), 'bad-extension');
});

test('parse errors: bad-padding', () => {
  const buf = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, payload: new Uint8Array(8) });
  buf[0] = 0xa0; // P set
  buf[buf.length - 1] = 0;
  expectError(buf, 'bad-padding');
  buf[buf.length - 1] = 9; // only 8 bytes after the header
  expectError(buf, 'bad-padding');
  buf[buf.length - 1] = 8; // exactly the whole payload: allowed, empty payload
  assert.is(parseRtp(buf).payload.length, 0);
});

test('isRtcp demultiplexes RTCP packet types from RTP payload types (RFC 5761)', () => {
  const sr = Uint8Array.from([0x80, 200, 0, 6, 0, 0, 0, 1]);
  const rr = Uint8Array.from([0x81, 201, 0, 7, 0, 0, 0, 1]);
  const bye = Uint8Array.from([0x81, 203, 0, 1, 0, 0, 0, 1]);
  assert.ok(isRtcp(sr));
  assert.ok(isRtcp(rr));
  assert.ok(isRtcp(bye));
  const rtp = serializeRtp({ marker: true, payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, payload });
  assert.not.ok(isRtcp(rtp));
  assert.not.ok(isRtcp(serializeRtp({ marker: true, payloadType: 101, sequence: 1, timestamp: 1, ssrc: 1, payload })));
  assert.not.ok(isRtcp(Uint8Array.from([0x40, 200, 0, 0])), 'wrong version');
  assert.not.ok(isRtcp(Uint8Array.from([0x80])), 'too short');
});

test('sequence numbers compare across the 16-bit wrap', () => {
  assert.ok(seqNewer(0, 65535));
  assert.ok(seqNewer(10, 65530));
  assert.not.ok(seqNewer(65535, 0));
  assert.not.ok(seqNewer(5, 5));
  assert.is(seqDiff(2, 65534), 4);
  assert.is(seqDiff(65534, 2), -4);
  assert.is(seqDiff(0x8000, 0), -32768);
});

test('timestamps differ across the 32-bit wrap', () => {
  assert.is(tsDiff(0, 0xffffffff), 1);
  assert.is(tsDiff(0xffffffff, 0), -1);
  assert.is(tsDiff(0x100, 0xffffff00), 512);
  assert.is(tsDiff(160, 0), 160);
});

test.run();
