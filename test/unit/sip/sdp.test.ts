import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { acceptAnswer, DEFAULT_FORMATS, formatAudioDescription, negotiate, parseAudioDescription } from '../../../firmware/sip/sdp/sdp.js';
import { SdpError } from '../../../firmware/sip/sdp/sdp-errors.js';

const OFFER = [
  'v=0', 'o=sipp 53655765 2353687637 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0',
  'm=audio 6000 RTP/AVP 8 0 101', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15', 'a=ptime:20', 'a=sendrecv', '',
].join('\r\n');

test('parses an offer and negotiates the offerer\'s first common codec', () => {
  const d = parseAudioDescription(OFFER);
  assert.is(d.address, '192.0.2.10');
  assert.is(d.port, 6000);
  assert.equal(d.formats.map((f) => f.encoding), ['PCMA', 'PCMU', 'telephone-event']);
  const m = negotiate(d, DEFAULT_FORMATS);
  assert.is(m.encoding, 'PCMA');
  assert.is(m.payloadType, 8);
  assert.is(m.telephoneEventPt, 101);
  assert.is(m.ptime, 20);
  assert.is(m.direction, 'sendrecv');
});

test('static payload types without rtpmap are understood; sendonly offer means we receive only', () => {
  const d = parseAudioDescription(OFFER.replace(/a=rtpmap:[08] .*\r\n/g, '').replace('a=sendrecv', 'a=sendonly'));
  const m = negotiate(d, DEFAULT_FORMATS);
  assert.is(m.encoding, 'PCMA');
  assert.is(m.direction, 'recvonly');
});

test('no common codec is a 488; garbage is a 400; no audio is a 488', () => {
  const g729 = OFFER.replace('m=audio 6000 RTP/AVP 8 0 101', 'm=audio 6000 RTP/AVP 18').replace(/a=rtpmap.*\r\n/g, '');
  try {
    negotiate(parseAudioDescription(g729), DEFAULT_FORMATS);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, SdpError);
    assert.is((e as SdpError).status, 488);
  }
  assert.throws(() => parseAudioDescription('hello'), (e: unknown) => e instanceof SdpError && e.status === 400);
  assert.throws(() => parseAudioDescription(OFFER.replace('m=audio', 'm=video')), (e: unknown) => e instanceof SdpError && e.status === 488);
});

test('our description round-trips through the parser and the answer is accepted', () => {
  const text = formatAudioDescription({ address: '127.0.0.1', port: 16384, formats: DEFAULT_FORMATS, ptime: 20, direction: 'sendrecv', sessionId: '42', sessionVersion: 1 });
  assert.match(text, /m=audio 16384 RTP\/AVP 0 8 101/);
  const back = parseAudioDescription(text);
  assert.equal(back.formats, DEFAULT_FORMATS);
  const m = acceptAnswer(back, DEFAULT_FORMATS);
  assert.is(m.encoding, 'PCMU');
  assert.is(m.remotePort, 16384);
});

test.run();
