import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  alawDecode,
  alawEncode,
  alawToLinear,
  linearToAlaw,
  linearToUlaw,
  ulawDecode,
  ulawEncode,
  ulawToLinear,
} from '../../../firmware/media/g711.js';
import { readWords } from './support.js';

const src = readWords('vectors/g711/sweep.src');

function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.is(actual.length, expected.length, 'lengths');
  let bad = 0;
  for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) bad++;
  return bad;
}

test('sweep.src holds every 16-bit value in order', () => {
  assert.is(src.length, 65536);
  assert.is(src[0], -32768);
  assert.is(src[65535], 32767);
});

test('A-law encode of the sweep matches sweep-r.a (scalar and block)', () => {
  const ref = readWords('vectors/g711/sweep-r.a');
  assert.is(mismatches(Array.from(src, linearToAlaw), ref), 0);
  const codes = new Uint8Array(65536);
  alawEncode(src, codes);
  assert.is(mismatches(codes, ref), 0);
});

test('µ-law encode of the sweep matches sweep-r.u (scalar and block)', () => {
  const ref = readWords('vectors/g711/sweep-r.u');
  assert.is(mismatches(Array.from(src, linearToUlaw), ref), 0);
  const codes = new Uint8Array(65536);
  ulawEncode(src, codes);
  assert.is(mismatches(codes, ref), 0);
});

test('A-law encode+decode matches sweep-r.a-a', () => {
  const ref = readWords('vectors/g711/sweep-r.a-a');
  const codes = new Uint8Array(65536);
  const out = new Int16Array(65536);
  alawEncode(src, codes);
  alawDecode(codes, out);
  assert.is(mismatches(out, ref), 0);
  assert.is(mismatches(Array.from(src, (x) => alawToLinear(linearToAlaw(x))), ref), 0);
});

test('µ-law encode+decode matches sweep-r.u-u', () => {
  const ref = readWords('vectors/g711/sweep-r.u-u');
  const codes = new Uint8Array(65536);
  const out = new Int16Array(65536);
  ulawEncode(src, codes);
  ulawDecode(codes, out);
  assert.is(mismatches(out, ref), 0);
  assert.is(mismatches(Array.from(src, (x) => ulawToLinear(linearToUlaw(x))), ref), 0);
});

test('A-law decode of sweep-r.a matches sweep-r.rea; all 256 codes covered', () => {
  const codes16 = readWords('vectors/g711/sweep-r.a');
  const ref = readWords('vectors/g711/sweep-r.rea');
  const codes = Uint8Array.from(codes16);
  assert.is(new Set(codes).size, 256);
  const out = new Int16Array(65536);
  alawDecode(codes, out);
  assert.is(mismatches(out, ref), 0);
  assert.is(mismatches(Array.from(codes, alawToLinear), ref), 0);
});

test('µ-law decode of sweep-r.u matches sweep-r.reu; all 256 codes covered', () => {
  const codes16 = readWords('vectors/g711/sweep-r.u');
  const ref = readWords('vectors/g711/sweep-r.reu');
  const codes = Uint8Array.from(codes16);
  assert.is(new Set(codes).size, 256);
  const out = new Int16Array(65536);
  ulawDecode(codes, out);
  assert.is(mismatches(out, ref), 0);
  assert.is(mismatches(Array.from(codes, ulawToLinear), ref), 0);
});

test('negative decision boundaries follow the reference one\'s-complement rule', () => {
  // A port that takes the magnitude of a negative sample as -x (two's complement) differs from
  // G.191 at decision boundaries; find those inputs and check we agree with the reference there.
  const refA = readWords('vectors/g711/sweep-r.a');
  const refU = readWords('vectors/g711/sweep-r.u');
  let boundaries = 0;
  for (let i = 0; i < 65536; i++) {
    const x = src[i] as number;
    if (x >= 0 || x === -32768) continue;
    const naiveU = linearToUlaw(-x) & 0x7f;
    const naiveA = ((linearToAlaw(-x) ^ 0x55) & 0x7f) ^ 0x55; // same magnitude, negative sign
    if (naiveU !== refU[i] || naiveA !== refA[i]) {
      boundaries++;
      assert.is(linearToUlaw(x), refU[i], `µ-law at ${x}`);
      assert.is(linearToAlaw(x), refA[i], `A-law at ${x}`);
    }
  }
  assert.ok(boundaries > 100, `found ${boundaries} boundary inputs`);
});

test('code → linear → code is the identity (µ-law negative zero excepted)', () => {
  for (let c = 0; c < 256; c++) {
    assert.is(linearToAlaw(alawToLinear(c)), c, `A-law code ${c}`);
    if (c === 0x7f) assert.is(linearToUlaw(ulawToLinear(c)), 0xff, 'µ-law -0 encodes as +0');
    else assert.is(linearToUlaw(ulawToLinear(c)), c, `µ-law code ${c}`);
  }
});

test('decoded ranges are the 13-bit / 14-bit reference scales', () => {
  const a = Array.from({ length: 256 }, (_, c) => alawToLinear(c));
  const u = Array.from({ length: 256 }, (_, c) => ulawToLinear(c));
  assert.is(Math.max(...a), 32256);
  assert.is(Math.min(...a), -32256);
  assert.is(Math.min(...a.map(Math.abs)), 8);
  assert.is(Math.max(...u), 32124);
  assert.is(Math.min(...u), -32124);
  assert.is(ulawToLinear(0xff), 0);
});

test('block functions write min(in, out) samples and leave the rest', () => {
  const pcm = Int16Array.from([1000, -1000, 5000, -5000]);
  const codes = new Uint8Array(3).fill(0xaa);
  ulawEncode(pcm, codes);
  assert.equal(Array.from(codes), [linearToUlaw(1000), linearToUlaw(-1000), linearToUlaw(5000)]);
  const out = new Int16Array(5).fill(7);
  alawDecode(Uint8Array.from([0xd5, 0x55]), out);
  assert.equal(Array.from(out), [8, -8, 7, 7, 7]);
});

test('scalar encoders round and clamp out-of-range input', () => {
  assert.is(linearToUlaw(40000), linearToUlaw(32767));
  assert.is(linearToAlaw(-40000), linearToAlaw(-32768));
  assert.is(linearToAlaw(1000.4), linearToAlaw(1000));
});

test.run();
