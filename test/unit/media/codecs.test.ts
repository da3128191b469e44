import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CODECS, PCMA, PCMU, getCodec, getCodecByPayloadType } from '../../../firmware/media/codecs.js';
import { alawToLinear, linearToAlaw, linearToUlaw, ulawToLinear } from '../../../firmware/media/g711.js';

test('registry: PCMU and PCMA with their static payload types', () => {
  assert.is(PCMU.payloadType, 0);
  assert.is(PCMA.payloadType, 8);
  assert.is(PCMU.clockRate, 8000);
  assert.is(PCMA.clockRate, 8000);
  assert.equal(Object.keys(CODECS), ['PCMU', 'PCMA']);
});

test('getCodec is case-insensitive and returns undefined for unknown names', () => {
  assert.is(getCodec('pcmu'), PCMU);
  assert.is(getCodec('PcMa'), PCMA);
  assert.is(getCodec('opus'), undefined);
  assert.is(getCodec('toString'), undefined);
  assert.is(getCodecByPayloadType(8), PCMA);
  assert.is(getCodecByPayloadType(18), undefined);
});

test('encode/decode a 20 ms frame through each codec', () => {
  const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin(i / 3)));
  for (const [codec, enc, dec] of [
    [PCMU, linearToUlaw, ulawToLinear],
    [PCMA, linearToAlaw, alawToLinear],
  ] as const) {
    const payload = new Uint8Array(160);
    assert.is(codec.encode(pcm, payload), 160);
    for (let i = 0; i < 160; i++) assert.is(payload[i], enc(pcm[i] as number));
    const out = new Int16Array(200);
    assert.is(codec.decode(payload, out), 160);
    for (let i = 0; i < 160; i++) assert.is(out[i], dec(payload[i] as number));
  }
});

test.run();
