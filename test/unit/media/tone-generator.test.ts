import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { goertzelPower } from '../../../firmware/media/goertzel.js';
import { dbm0ToAmplitude, dbm0ToPower, powerToDbm0 } from '../../../firmware/media/levels.js';
import { analyseTone } from '../../../firmware/media/tone-analyser.js';
import { ToneGenerator } from '../../../firmware/media/tone-generator.js';
import { parseToneString } from '../../../firmware/media/tone-spec.js';
import type { ToneSpec } from '../../../firmware/media/tone-spec.js';
import { meanSquare } from './support.js';

const FS = 8000;

function render(spec: ToneSpec, samples: number, frame = 160): Int16Array {
  const g = new ToneGenerator(spec, FS);
  const out = new Int16Array(samples);
  for (let o = 0; o < samples; o += frame) g.fill(out, o, Math.min(frame, samples - o));
  return out;
}

test('frequency and level of steady tones, by the analyser and by Goertzel', () => {
  const cases: Array<[string, number[], number]> = [
    ['350+440', [350, 440], -13],
    ['425', [425], -10],
    ['480+620', [480, 620], -24],
    ['413+438', [413, 438], -13],
    ['1400', [1400], -16],
  ];
  for (const [text, freqs, level] of cases) {
    const pcm = render(parseToneString(text, level), FS); // 1 s: whole cycles of every component
    const a = analyseTone(pcm, FS);
    assert.equal(a.frequencies, freqs, text);
    const totalDb = 10 * Math.log10(freqs.length) + level;
    assert.ok(Math.abs(a.levelDbm0 - totalDb) < 0.2, `${text}: analyser level ${a.levelDbm0} vs ${totalDb}`);
    for (const f of freqs) {
      const p = powerToDbm0(goertzelPower(pcm, 800, 7200, f, FS)); // skip the first 100 ms
      assert.ok(Math.abs(p - level) < 0.1, `${text}: ${f} Hz at ${p} dBm0, want ${level}`);
    }
    // And nothing at a frequency that is not in the tone.
    assert.ok(powerToDbm0(goertzelPower(pcm, 800, 7200, 1000, FS)) < level - 40, `${text}: 1 kHz is quiet`);
  }
});

test('AM tone: carrier and ±modulation sidebands at 90 % depth, total power at the spec level', () => {
  const pcm = render(parseToneString('400*16', -13), FS);
  const c = goertzelPower(pcm, 0, FS, 400, FS);
  const lo = goertzelPower(pcm, 0, FS, 384, FS);
  const hi = goertzelPower(pcm, 0, FS, 416, FS);
  const sideDb = 10 * Math.log10((0.9 / 2) ** 2);
  assert.ok(Math.abs(10 * Math.log10(lo / c) - sideDb) < 0.1, 'lower sideband');
  assert.ok(Math.abs(10 * Math.log10(hi / c) - sideDb) < 0.1, 'upper sideband');
  assert.ok(Math.abs(powerToDbm0(meanSquare(pcm)) - -13) < 0.1, 'total level');
  assert.ok(analyseTone(pcm).frequencies.includes(400));
});

test('cadence edges are sample-accurate and do not drift', () => {
  // 333 ms on / 167 ms off: 2664 + 1336 samples per cycle. The 2 ms ramps are centred on the
  // boundaries (8 samples either side), except the very first one, which has nothing before it.
  const spec = parseToneString('425/333,0/167', -10);
  const cycles = 40;
  const pcm = render(spec, cycles * 4000 + 100, 160);
  const amp = dbm0ToAmplitude(-10);
  const maxAbs = (a: number, b: number) => {
    let m = 0;
    for (let i = a; i < b; i++) m = Math.max(m, Math.abs(pcm[i] as number));
    return m;
  };
  for (let k = 0; k < cycles; k++) {
    const start = k * 4000;
    const offStart = start + 2664;
    const next = start + 4000;
    for (let i = offStart + 8; i < next - 8; i++) if (pcm[i] !== 0) assert.unreachable(`cycle ${k}: sample ${i} in the gap is ${pcm[i]}`);
    assert.ok(maxAbs(offStart, offStart + 8) > 0, `cycle ${k}: the ramp down ends 1 ms into the gap`);
    assert.ok(maxAbs(next - 8, next) > 0, `cycle ${k}: the next ramp up starts 1 ms before its segment`);
    // Half amplitude at the boundary, full amplitude once the ramp is over.
    assert.ok(maxAbs(offStart - 2, offStart + 2) < 0.7 * amp, `cycle ${k}: about half amplitude at the boundary`);
    assert.ok(maxAbs(offStart + 6, offStart + 8) < 0.05 * amp, `cycle ${k}: nearly silent at the ramp end`);
    const inner = Math.sqrt(2 * meanSquare(pcm, start + 16, offStart - 8));
    assert.ok(Math.abs(inner / amp - 1) < 0.01, `cycle ${k}: on level`);
  }
  assert.ok(Math.abs(pcm[0] as number) < 0.01 * amp, 'the first ramp starts from near zero');
  // The analyser agrees: 333/167 ms, rounded to 10 ms.
  const a = analyseTone(pcm, FS);
  assert.equal(a.cadence && [a.cadence.onMs, a.cadence.offMs], [330, 170]);
});

test('frame size does not change the output (phase continuity across fills)', () => {
  for (const text of ['350+440', '480+620/500,0/500', '400*16/1000,0/2000', '350+440/750,440/750', '!350+440/100,!0/100,425']) {
    const spec = parseToneString(text, -13);
    const whole = render(spec, 24000, 24000);
    for (const frame of [1, 37, 160, 161]) {
      const pieces = render(spec, 24000, frame);
      let diff = 0;
      for (let i = 0; i < whole.length; i++) if (whole[i] !== pieces[i]) diff++;
      assert.is(diff, 0, `${text} in frames of ${frame}`);
    }
  }
});

test('no clicks: sample-to-sample steps bounded by the signal slope, across frames and joins', () => {
  for (const [text, level] of [
    ['350+440', -13],
    ['480+620/500,0/500', -10],
    ['350+440/750,440/750', -10], // 440 continues across the join, 350 stops and starts
    ['425/375,0/375,425@-23/375,0/375', -10],
    ['!950/330,!1400/330,!1800/330,0/1000', -10],
  ] as const) {
    const spec = parseToneString(text, level);
    const pcm = render(spec, 3 * FS, 160);
    // Largest possible step of the steady components, plus a margin for the 2 ms ramps.
    let bound = 0;
    for (const seg of spec.segments) {
      let b = 0;
      for (const c of seg.components) b += dbm0ToAmplitude(c.levelDbm0) * 2 * Math.sin((Math.PI * c.frequencyHz) / FS);
      bound = Math.max(bound, b);
    }
    bound = bound * 1.25 + 2;
    let max = 0;
    for (let i = 1; i < pcm.length; i++) max = Math.max(max, Math.abs((pcm[i] as number) - (pcm[i - 1] as number)));
    assert.ok(max <= bound, `${text}: step ${max} > ${bound.toFixed(0)}`);
    assert.ok(max > 0.5 * bound / 1.25 - 2, `${text}: the signal is really there`);
  }
});

test('a play-once tone finishes, then writes silence; reset plays it again', () => {
  const spec = parseToneString('!440/100,!0/50,!440/100', -10);
  const g = new ToneGenerator(spec, FS);
  const first = new Int16Array(2400);
  g.fill(first);
  assert.is(g.done, true);
  for (let i = 2000; i < 2400; i++) assert.is(first[i], 0);
  for (let i = 808; i < 1192; i++) assert.is(first[i], 0); // the 50 ms gap, less 1 ms ramp halves
  assert.ok(meanSquare(first, 1200, 2000) > 0, 'second burst at 150..250 ms');
  const more = new Int16Array(160).fill(5);
  g.fill(more);
  assert.ok(more.every((v) => v === 0));
  g.reset();
  assert.is(g.done, false);
  const again = new Int16Array(2400);
  g.fill(again);
  assert.equal(Array.from(again), Array.from(first));
});

test('repeatFrom: the play-once prefix is not repeated', () => {
  const spec = parseToneString('!1000/100,!0/100,440/200,0/200', -10);
  const pcm = render(spec, 8000);
  const p1000 = (a: number, b: number) => goertzelPower(pcm, a, b - a, 1000, FS);
  assert.ok(p1000(0, 800) > dbm0ToPower(-12), 'prefix plays');
  assert.ok(p1000(1600, 8000) < dbm0ToPower(-60), 'prefix does not come back');
  assert.ok(goertzelPower(pcm, 1600, 1600, 440, FS) > dbm0ToPower(-12), 'repeated part at 200..400 ms');
  assert.ok(goertzelPower(pcm, 4800, 1600, 440, FS) > dbm0ToPower(-12), 'and again at 600..800 ms');
  assert.ok(meanSquare(pcm, 3208, 4792) === 0, 'its gap at 400..600 ms (less the ramp halves)');
});

test('fill with offset and count writes only that range', () => {
  const g = new ToneGenerator(parseToneString('440', -10), FS);
  const out = new Int16Array(100).fill(7);
  g.fill(out, 10, 20);
  assert.ok(out.subarray(0, 10).every((v) => v === 7));
  assert.ok(out.subarray(30).every((v) => v === 7));
  assert.ok(out.subarray(10, 30).some((v) => v !== 7));
});

test.run();
