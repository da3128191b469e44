import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalError } from '../../../firmware/core/errors.js';
import { ConferenceMixer } from '../../../firmware/call/conference-mixer.js';
import { goertzelPower } from '../../../firmware/media/goertzel.js';

const FS = 8000;
const FRAME = 160;
// whole numbers of cycles in 20 ms, so each frame's Goertzel sees no leakage between them
const FREQS = [400, 1000, 1700];
const AMP = 6000;

/** Frame number `frame` of a sine at `f` Hz (continuous across frames). */
function sineFrame(f: number, frame: number, amp = AMP, out = new Int16Array(FRAME)): Int16Array {
  for (let n = 0; n < FRAME; n++) out[n] = Math.round(amp * Math.sin((2 * Math.PI * f * (frame * FRAME + n)) / FS + 0.4));
  return out;
}

function power(x: Int16Array, f: number): number {
  return goertzelPower(x, 0, x.length, f, FS);
}

test('each participant hears the other two tones and not its own', () => {
  const mixer = new ConferenceMixer();
  const inputs = FREQS.map(() => new Int16Array(FRAME));
  const outputs = FREQS.map(() => new Int16Array(FRAME));
  const full = (AMP * AMP) / 2;
  for (let frame = 0; frame < 25; frame++) {
    FREQS.forEach((f, k) => sineFrame(f, frame, AMP, inputs[k]));
    mixer.mix(inputs, outputs);
    for (let k = 0; k < 3; k++) {
      for (let j = 0; j < 3; j++) {
        const p = power(outputs[k]!, FREQS[j]!);
        if (j === k) assert.ok(p < full * 1e-6, `frame ${frame}: output ${k} contains its own ${FREQS[j]} Hz (${p})`);
        else assert.ok(Math.abs(p / full - 1) < 0.01, `frame ${frame}: output ${k} at ${FREQS[j]} Hz: ${p / full}`);
      }
    }
  }
});

test('exact sums of the others, sample by sample', () => {
  const mixer = new ConferenceMixer();
  const a = sineFrame(400, 0);
  const b = sineFrame(1000, 0);
  const c = sineFrame(1700, 0);
  const out = [new Int16Array(FRAME), new Int16Array(FRAME), new Int16Array(FRAME)];
  mixer.mix([a, b, c], out);
  for (let n = 0; n < FRAME; n++) {
    assert.is(out[0]![n], b[n]! + c[n]!);
    assert.is(out[1]![n], a[n]! + c[n]!);
    assert.is(out[2]![n], a[n]! + b[n]!);
  }
});

test('saturates instead of wrapping around', () => {
  const mixer = new ConferenceMixer();
  const hi = new Int16Array(FRAME).fill(30000);
  const lo = new Int16Array(FRAME).fill(-30000);
  const out = [new Int16Array(FRAME), new Int16Array(FRAME), new Int16Array(FRAME)];
  mixer.mix([hi, hi, hi], out);
  for (const o of out) assert.ok(o.every((v) => v === 32767), 'positive clip');
  mixer.mix([lo, lo, lo], out);
  for (const o of out) assert.ok(o.every((v) => v === -32768), 'negative clip');
  // mixed signs cancel without clipping
  mixer.mix([hi, lo, hi], out);
  assert.ok(out[0]!.every((v) => v === 0));
  assert.ok(out[1]!.every((v) => v === 32767));
  assert.ok(out[2]!.every((v) => v === 0));
  // a tone that clips stays a clipped tone: peaks at the rail, never sign-flipped
  const loud = [sineFrame(400, 0, 30000), sineFrame(400, 0, 30000), sineFrame(400, 0, 30000)];
  mixer.mix(loud, out);
  for (let n = 0; n < FRAME; n++) assert.ok(Math.sign(out[0]![n]!) === Math.sign(loud[1]![n]!) || loud[1]![n] === 0, `sample ${n}`);
  assert.ok(out[0]!.includes(32767) && out[0]!.includes(-32768));
});

test('per-input gain: what the others hear of it', () => {
  const mixer = new ConferenceMixer();
  mixer.setGain(1, 0.5);
  mixer.setGainDb(2, -6);
  assert.is(mixer.gain(1), 0.5);
  assert.ok(Math.abs(mixer.gain(2) - 0.501187) < 1e-5);
  const inputs = FREQS.map((f) => sineFrame(f, 3));
  const out = [new Int16Array(FRAME), new Int16Array(FRAME), new Int16Array(FRAME)];
  mixer.mix(inputs, out);
  const full = (AMP * AMP) / 2;
  // participant 0 hears 1 at -6 dB (power x 1/4) and 2 at -6 dB
  assert.ok(Math.abs(power(out[0]!, 1000) / full - 0.25) < 0.01);
  assert.ok(Math.abs(power(out[0]!, 1700) / full - 0.2512) < 0.01);
  // participant 1 hears 0 at full level; its own gain does not change what it hears
  assert.ok(Math.abs(power(out[1]!, 400) / full - 1) < 0.01);
  assert.ok(power(out[1]!, 1000) < full * 1e-6);
  // mute
  mixer.setGainDb(0, -Infinity);
  mixer.mix(inputs, out);
  assert.ok(power(out[1]!, 400) < full * 1e-6);
  assert.ok(power(out[2]!, 400) < full * 1e-6);
});

test('missing inputs are silence; missing outputs are skipped; two participants', () => {
  const mixer = new ConferenceMixer();
  const a = sineFrame(400, 0);
  const out = [new Int16Array(FRAME).fill(7), new Int16Array(FRAME).fill(7), null];
  mixer.mix([a, null, undefined], out);
  assert.ok(out[0]!.every((v) => v === 0), 'participant 0 alone hears silence');
  assert.equal([...out[1]!], [...a]);
  const two = new ConferenceMixer({ participants: 2 });
  const o = [new Int16Array(FRAME), new Int16Array(FRAME)];
  const b = sineFrame(1000, 0);
  two.mix([a, b], o);
  assert.equal([...o[0]!], [...b]);
  assert.equal([...o[1]!], [...a]);
});

test('other frame sizes (e.g. 10 ms at 16 kHz)', () => {
  const mixer = new ConferenceMixer({ frameSamples: 160 * 2 });
  const x = new Int16Array(320).fill(100);
  const out = [new Int16Array(320), new Int16Array(320), new Int16Array(320)];
  mixer.mix([x, x, x], out);
  assert.ok(out.every((o) => o.every((v) => v === 200)));
});

test('misuse: coded LocalErrors', () => {
  const codeOf = (fn: () => void): string => {
    try {
      fn();
    } catch (e) {
      assert.instance(e, LocalError);
      return (e as LocalError).code;
    }
    return 'none';
  };
  const mixer = new ConferenceMixer();
  const f = () => new Int16Array(FRAME);
  assert.is(codeOf(() => new ConferenceMixer({ participants: 1 })), 'bad-mixer-config');
  assert.is(codeOf(() => new ConferenceMixer({ participants: 9 })), 'bad-mixer-config');
  assert.is(codeOf(() => new ConferenceMixer({ frameSamples: 0 })), 'bad-mixer-config');
  assert.is(codeOf(() => mixer.setGain(3, 1)), 'mixer-misuse');
  assert.is(codeOf(() => mixer.setGain(0, -1)), 'bad-mixer-gain');
  assert.is(codeOf(() => mixer.setGain(0, NaN)), 'bad-mixer-gain');
  assert.is(codeOf(() => mixer.mix([f(), f()], [f(), f(), f()])), 'mixer-misuse');
  assert.is(codeOf(() => mixer.mix([f(), f(), new Int16Array(80)], [f(), f(), f()])), 'mixer-misuse');
  const shared = f();
  assert.is(codeOf(() => mixer.mix([shared, f(), f()], [f(), shared, f()])), 'mixer-misuse');
  assert.is(codeOf(() => mixer.mix([f(), f(), f()], [f(), f(), f()])), 'none');
});

test.run();
