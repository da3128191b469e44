import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ToneSyntaxError, formatToneSpec, parseToneString, toneCycleMs } from '../../../firmware/media/tone-spec.js';

test('a steady two-frequency tone', () => {
  const s = parseToneString('350+440', -13);
  assert.is(s.segments.length, 1);
  assert.equal(s.segments[0]!.components, [
    { frequencyHz: 350, levelDbm0: -13 },
    { frequencyHz: 440, levelDbm0: -13 },
  ]);
  assert.is(s.segments[0]!.durationMs, 0);
  assert.is(toneCycleMs(s), Infinity);
});

test('repeating cadence vs play-once elements', () => {
  const rep = parseToneString('480+620/500,0/500');
  assert.is(rep.repeat, true);
  assert.is(rep.repeatFrom, undefined);
  assert.equal(rep.segments.map((g) => [g.components.length, g.durationMs]), [[2, 500], [0, 500]]);
  assert.is(toneCycleMs(rep), 1000);
  const once = parseToneString('!480+620/500,!0/500');
  assert.is(once.repeat, false);
});

test('play-once prefix then a repeated tail (stutter dial tone)', () => {
  const s = parseToneString('!350+440/100,!0/100,!350+440/100,!0/100,350+440');
  assert.is(s.repeat, true);
  assert.is(s.repeatFrom, 4);
  assert.is(s.segments[4]!.durationMs, 0);
});

test('AM element, MIDI notes and per-component levels', () => {
  const am = parseToneString('425*16/1000,0/4000', -10);
  assert.equal(am.segments[0], { components: [{ frequencyHz: 425, levelDbm0: -10 }], durationMs: 1000, modulationHz: 16 });
  for (const text of ['M69+81/200', 'm69+M81/200']) {
    const midi = parseToneString(text);
    assert.ok(Math.abs(midi.segments[0]!.components[0]!.frequencyHz - 440) < 1e-9, text);
    assert.ok(Math.abs(midi.segments[0]!.components[1]!.frequencyHz - 880) < 1e-9, text);
  }
  const lv = parseToneString('350@-10+440@-16.5/300', -13);
  assert.equal(lv.segments[0]!.components.map((c) => c.levelDbm0), [-10, -16.5]);
});

test('syntax errors are ToneSyntaxError with code bad-tone-string', () => {
  for (const bad of ['', 'abc', '440/x', '440,,0/10', '1*2*3', '440@loud', '440/-5']) {
    try {
      parseToneString(bad);
      assert.unreachable(`'${bad}' should not parse`);
    } catch (e) {
      assert.instance(e, ToneSyntaxError);
      assert.is((e as ToneSyntaxError).code, 'bad-tone-string');
    }
  }
});

test('formatToneSpec writes a string that parses back to the same spec', () => {
  for (const text of ['350+440', '!480+620/500,!0/500', '!350+440/100,!0/100,350+440', '425*16/1000,0/4000', '425/375,0/375,425@-23/375,0/375']) {
    const spec = parseToneString(text, -13);
    const again = parseToneString(formatToneSpec(spec, -13), -13);
    assert.equal(again.segments, spec.segments, text);
    assert.is(again.repeat, spec.repeat);
    assert.is(again.repeatFrom, spec.repeatFrom);
  }
});

test.run();
