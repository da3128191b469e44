import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { G711Plc, PLC_DELAY, PLC_FRAME } from '../../../firmware/media/plc/g711-plc.js';
import { LocalError } from '../../../firmware/core/errors.js';
import { readWords } from './support.js';

const RECEIVED = 0x6b21;
const LOST = 0x6b20;

/**
 * Run the PLC over `input` frame by frame (`blockFrames` frames per call to `process`, with the
 * loss flag of the block's first frame), dropping the first PLC_DELAY output samples and
 * appending the drained tail, as the Appendix I reference program writes its output.
 */
function conceal(input: Int16Array, lostFrame: (f: number) => boolean, blockFrames = 1): Int16Array {
  const plc = new G711Plc();
  const frames = Math.floor(input.length / PLC_FRAME);
  const raw = new Int16Array(frames * PLC_FRAME + PLC_DELAY);
  const block = PLC_FRAME * blockFrames;
  for (let o = 0; o < frames * PLC_FRAME; o += block) {
    const n = Math.min(block, frames * PLC_FRAME - o);
    const src = input.slice(o, o + n);
    plc.process(src, lostFrame(o / PLC_FRAME), raw.subarray(o, o + n));
  }
  plc.drain(raw.subarray(frames * PLC_FRAME));
  return raw.subarray(PLC_DELAY);
}

function compare(out: Int16Array, ref: Int16Array): { maxDiff: number; snrDb: number; diffs: number } {
  assert.is(out.length, ref.length, 'same length as the reference');
  let maxDiff = 0;
  let diffs = 0;
  let sig = 0;
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = out[i] - ref[i];
    if (d !== 0) diffs++;
    maxDiff = Math.max(maxDiff, Math.abs(d));
    sig += ref[i] * ref[i];
    err += d * d;
  }
  return { maxDiff, diffs, snrDb: err === 0 ? Infinity : 10 * Math.log10(sig / err) };
}

const input = readWords('vectors/g711-plc/f2.le');

for (const [maskName, refName] of [
  ['fe10.g192', 'f2_10.raw'],
  ['fe10_2.g192', 'f2_10_2.raw'],
] as const) {
  test(`Appendix I vector ${refName}: within 1 LSB and ≥ 60 dB SNR (bit-exact in practice)`, () => {
    const mask = readWords(`vectors/g711-plc/${maskName}`);
    for (const w of mask) assert.ok(w === RECEIVED || w === LOST, 'mask words are G.192 frame headers');
    const lostFrame = (f: number) => mask[f % mask.length] === LOST;
    const ref = readWords(`vectors/g711-plc/${refName}`);
    const out = conceal(input, lostFrame);
    const r = compare(out, ref);
    console.log(`  ${refName}: max |diff| ${r.maxDiff}, differing samples ${r.diffs}, SNR ${r.snrDb} dB`);
    assert.ok(r.maxDiff <= 1, `max |diff| ${r.maxDiff}`);
    assert.ok(r.snrDb >= 60, `SNR ${r.snrDb}`);
    assert.is(r.maxDiff, 0, 'bit-exact with the reference output');
    // The vector really exercises concealment: the output differs from the input where frames were lost.
    let changed = 0;
    for (let i = 0; i < out.length; i++) if (out[i] !== input[i]) changed++;
    assert.ok(changed > 1000, `concealment changed ${changed} samples`);
  });
}

test('20 ms packets (two frames, one flag) give the frame-by-frame result', () => {
  const mask = readWords('vectors/g711-plc/fe10_2.g192');
  const lostFrame = (f: number) => mask[f % mask.length] === LOST;
  const byFrame = conceal(input, lostFrame, 1);
  const byPacket = conceal(input, lostFrame, 2);
  assert.equal(Array.from(byPacket), Array.from(byFrame));
  assert.equal(Array.from(byPacket), Array.from(readWords('vectors/g711-plc/f2_10_2.raw')));
});

test('30 ms packets: one flag for three frames, same as three frame calls', () => {
  // Lose every 7th 30 ms packet, and one run of three packets (frames 150..158: 90 ms).
  const lostPacket = (p: number) => p % 7 === 3 || (p >= 50 && p < 53);
  const byPacket = conceal(input, (f) => lostPacket(Math.floor(f / 3)), 3);
  const byFrame = conceal(input, (f) => lostPacket(Math.floor(f / 3)), 1);
  assert.equal(Array.from(byPacket), Array.from(byFrame));
  // Frames 150..158 are lost: 60 ms of synthetic speech, then silence until the good frame 159.
  const frameEnergy = (f: number) => {
    let e = 0;
    for (let i = f * PLC_FRAME; i < (f + 1) * PLC_FRAME; i++) e += byPacket[i] * byPacket[i];
    return e;
  };
  assert.ok(frameEnergy(149) > 0, 'speech before the loss');
  assert.ok(frameEnergy(150) > 0, 'the first lost frame is synthesised');
  for (let f = 156; f <= 158; f++) assert.is(frameEnergy(f), 0, `frame ${f} silent after 60 ms`);
  assert.ok(frameEnergy(159) > 0, 'merging back in');
});

test('without loss the output is the input delayed by 30 samples', () => {
  const plc = new G711Plc();
  const out = new Int16Array(input.length);
  for (let o = 0; o + PLC_FRAME <= input.length; o += PLC_FRAME) plc.good(input.subarray(o, o + PLC_FRAME), out.subarray(o, o + PLC_FRAME));
  for (let i = 0; i < PLC_DELAY; i++) assert.is(out[i], 0);
  for (let i = PLC_DELAY; i < out.length; i++) if (out[i] !== input[i - PLC_DELAY]) assert.unreachable(`sample ${i}`);
});

test('a periodic signal: pitch found, first lost frame continues it, then fades to silence', () => {
  const period = 57;
  const wave = (n: number) => Math.round(6000 * Math.sin((2 * Math.PI * n) / period) + 2500 * Math.sin((4 * Math.PI * n) / period + 1));
  const plc = new G711Plc();
  const out = new Int16Array(PLC_FRAME);
  const frame = new Int16Array(PLC_FRAME);
  let n = 0;
  for (let f = 0; f < 10; f++) {
    for (let i = 0; i < PLC_FRAME; i++) frame[i] = wave(n++);
    plc.good(frame, out);
  }
  const energies: number[] = [];
  let errFirst = 0;
  let sigFirst = 0;
  for (let f = 0; f < 8; f++) {
    plc.lost(out);
    let e = 0;
    for (let i = 0; i < PLC_FRAME; i++) {
      e += out[i] * out[i];
      if (f === 0 && i >= PLC_DELAY) {
        // out[i] stands for sample n - PLC_DELAY + i of the signal that would have continued.
        const want = wave(n - PLC_DELAY + i);
        errFirst += (out[i] - want) ** 2;
        sigFirst += want * want;
      }
    }
    n += PLC_FRAME;
    energies.push(e);
  }
  // The estimate is the period or a multiple of it (equally good for a strictly periodic signal).
  const k = Math.round(plc.pitch / period);
  assert.ok(k >= 1 && Math.abs(plc.pitch - k * period) <= 1, `pitch ${plc.pitch}`);
  assert.ok(10 * Math.log10(sigFirst / errFirst) > 25, 'first concealed frame follows the waveform');
  for (let f = 2; f < 6; f++) assert.ok(energies[f] < energies[f - 1], `frame ${f} quieter than frame ${f - 1}`);
  assert.is(energies[7], 0, 'silence after 60 ms');
  assert.is(plc.lostFrames, 8);
  // The next good frame restarts the signal (merged in from silence).
  for (let i = 0; i < PLC_FRAME; i++) frame[i] = wave(n++);
  plc.good(frame, out);
  assert.is(plc.lostFrames, 0);
});

test('wrong frame sizes are refused with a coded LocalError', () => {
  const plc = new G711Plc();
  try {
    plc.lost(new Int16Array(79));
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, LocalError);
    assert.is((e as LocalError).code, 'plc-frame-size');
  }
  try {
    plc.process(new Int16Array(100), false);
    assert.unreachable('should throw');
  } catch (e) {
    assert.is((e as LocalError).code, 'plc-block-size');
  }
});

test.run();
