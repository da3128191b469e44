import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dbm0ToAmplitude } from '../../../firmware/media/levels.js';
import { analyseTone, levelDbm0 } from '../../../firmware/media/tone-analyser.js';
import { lcg, synth, throughG711 } from './support.js';

const A13 = dbm0ToAmplitude(-13);

test('US dial tone: 350+440 Hz, continuous, no cadence', () => {
  const a = analyseTone(throughG711(synth([[[350, 440], 1500]], A13), 'u'));
  assert.is(a.silence, false);
  assert.equal(a.frequencies, [350, 440]);
  assert.ok(Math.abs(a.levelDbm0 - (-13 + 3.01)) < 0.2, `level ${a.levelDbm0}`);
  assert.is(a.cadence, undefined);
});

test('US busy: 480+620 Hz with cadence 500/500', () => {
  const segs: Array<[number[], number]> = [[[], 130]];
  for (let i = 0; i < 6; i++) segs.push([[480, 620], 500], [[], 500]);
  const a = analyseTone(throughG711(synth(segs, dbm0ToAmplitude(-24)), 'u'));
  assert.equal(a.frequencies, [480, 620]);
  assert.equal(a.cadence && [a.cadence.onMs, a.cadence.offMs], [500, 500]);
  assert.ok(Math.abs(a.levelDbm0 - (-24 + 3.01)) < 0.3, `level ${a.levelDbm0}`);
});

test('UK ringback: 400+450 Hz, cadence 0.4/0.2/0.4/2.0 measured from the first on-run', () => {
  const cycle: Array<[number[], number]> = [
    [[400, 450], 400],
    [[], 200],
    [[400, 450], 400],
    [[], 2000],
  ];
  const a = analyseTone(throughG711(synth([[[], 70], ...cycle, ...cycle, [[400, 450], 300]], A13), 'a'));
  assert.equal(a.frequencies, [400, 450]);
  assert.is(a.cadence?.onMs, 400);
  assert.is(a.cadence?.offMs, 200);
  assert.equal(a.cadence?.pattern, [400, 200, 400, 2000, 400, 200, 400, 2000]);
});

test('silence, and tones below −50 dBm0, are silence', () => {
  const zero = analyseTone(new Int16Array(8000));
  assert.is(zero.silence, true);
  assert.equal(zero.frequencies, []);
  assert.is(analyseTone(throughG711(new Int16Array(8000), 'a')).silence, true, 'A-law idle pattern');
  assert.is(analyseTone(synth([[[1000], 1000]], dbm0ToAmplitude(-55))).silence, true);
  assert.is(analyseTone(synth([[[1000], 1000]], dbm0ToAmplitude(-45))).silence, false);
  assert.is(analyseTone(new Int16Array(10)).silence, true, 'too short to analyse');
});

test('±1 Hz for steady tones of 300 ms, at any frequency and phase', () => {
  const rnd = lcg(3);
  for (let i = 0; i < 25; i++) {
    const f = 300 + rnd() * 3000;
    const pcm = throughG711(synth([[[], 50], [[f], 300], [[], 50]], A13, 8000, rnd() * 6.28), 'u');
    const a = analyseTone(pcm);
    assert.is(a.frequencies.length, 1, `${f}`);
    assert.ok(Math.abs(a.frequencies[0]! - f) <= 1, `${f.toFixed(2)} Hz measured ${a.frequencies[0]}`);
  }
});

test('close pairs are told apart: 350/440, 400/450, 413/438', () => {
  for (const pair of [
    [350, 440],
    [400, 450],
    [413, 438],
  ]) {
    const a = analyseTone(throughG711(synth([[pair, 300]], A13, 8000, 1.1), 'a'));
    assert.equal(a.frequencies, pair);
  }
});

test('a single beep is reported with its on time', () => {
  const a = analyseTone(synth([[[], 200], [[440], 300], [[], 700]], A13));
  assert.equal(a.frequencies, [440]);
  assert.is(a.cadence?.onMs, 300);
});

test('levelDbm0 of a whole buffer', () => {
  assert.ok(Math.abs(levelDbm0(synth([[[1000], 1000]], dbm0ToAmplitude(-20))) + 20) < 0.05);
  assert.ok(Math.abs(levelDbm0(synth([[[1000], 500], [[], 500]], dbm0ToAmplitude(-20))) - -23.01) < 0.05);
  assert.ok(levelDbm0(new Int16Array(100)) < -100);
});

test.run();
