import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalError } from '../../../firmware/core/errors.js';
import { PROFILES, getProfile } from '../../../firmware/line/profiles/index.js';
import type { CountryProfile } from '../../../firmware/line/profiles/types.js';
import { analyseTone } from '../../../firmware/media/tone-analyser.js';
import { ToneGenerator } from '../../../firmware/media/tone-generator.js';
import type { ToneSpec } from '../../../firmware/media/tone-spec.js';
import { toneCycleMs } from '../../../firmware/media/tone-spec.js';

const FS = 8000;
const TONE_NAMES = ['dial', 'ringback', 'busy', 'reorder', 'callWaiting', 'stutter', 'howler', 'confirm'] as const;

function tonesOf(p: CountryProfile): Array<[string, ToneSpec]> {
  const out: Array<[string, ToneSpec]> = [];
  for (const n of TONE_NAMES) {
    const spec = p.tones[n];
    if (spec) out.push([n, spec]);
  }
  return out;
}

/** Frequencies a listener may hear from a spec: components, and AM sidebands. */
function audible(spec: ToneSpec): number[] {
  const f: number[] = [];
  for (const s of spec.segments) {
    for (const c of s.components) {
      f.push(c.frequencyHz);
      if (s.modulationHz) f.push(c.frequencyHz - s.modulationHz, c.frequencyHz + s.modulationHz);
    }
  }
  return f;
}

/** 100 ms of silence, then the tone for three cycles (2 s to 12 s). */
function play(spec: ToneSpec): Int16Array {
  const cycle = toneCycleMs(spec);
  const ms = Number.isFinite(cycle) ? Math.min(12000, Math.max(2000, 3 * cycle)) : 2000;
  const pcm = new Int16Array(Math.round(((ms + 100) * FS) / 1000));
  new ToneGenerator(spec, FS).fill(pcm, 800);
  return pcm;
}

test('PROFILES keys match codes; getProfile is case-insensitive and knows gb = uk', () => {
  const codes = Object.keys(PROFILES);
  for (const c of ['us', 'uk', 'de', 'fr', 'jp', 'au', 'cn']) assert.ok(codes.includes(c), c);
  for (const [k, p] of Object.entries(PROFILES)) {
    assert.is(p.code, k);
    assert.is(getProfile(k.toUpperCase()), p);
  }
  assert.is(getProfile('gb'), PROFILES['uk']);
});

test('unknown profile: LocalError unknown-profile listing the known codes', () => {
  try {
    getProfile('xx');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, LocalError);
    assert.is((e as LocalError).code, 'unknown-profile');
    for (const c of Object.keys(PROFILES)) assert.match((e as Error).message, c);
  }
});

test('table values from the brief: US, UK, DE', () => {
  const us = getProfile('us');
  assert.equal(us.tones.dial.segments[0]!.components, [
    { frequencyHz: 350, levelDbm0: -13 },
    { frequencyHz: 440, levelDbm0: -13 },
  ]);
  assert.is(us.tones.dial.segments[0]!.durationMs, 0);
  assert.equal(us.tones.ringback.segments.map((s) => s.durationMs), [2000, 4000]);
  assert.equal(us.tones.busy.segments.map((s) => s.durationMs), [500, 500]);
  assert.equal(us.tones.reorder.segments.map((s) => s.durationMs), [250, 250]);
  assert.equal(us.tones.callWaiting.segments[0], { components: [{ frequencyHz: 440, levelDbm0: -13 }], durationMs: 300 });
  assert.is(us.ring.frequencyHz, 20);
  assert.equal(us.ring.cadences['default'], [2000, 4000]);
  assert.equal(us.emergencyNumbers, ['911']);
  assert.is(us.internationalPrefix, '011');
  const uk = getProfile('uk');
  assert.is(uk.ring.frequencyHz, 25);
  assert.equal(uk.ring.cadences['default'], [400, 200, 400, 2000]);
  assert.is(uk.callerId.standard, 'uk-sin227');
  assert.equal(getProfile('de').tones.dial.segments[0]!.components.map((c) => c.frequencyHz), [425]);
});

test('ring cadences and numbering facts are well formed', () => {
  for (const p of Object.values(PROFILES)) {
    assert.ok(p.ring.frequencyHz >= 15 && p.ring.frequencyHz <= 60, `${p.code} ring frequency`);
    assert.ok(p.ring.voltage > 0, `${p.code} ring voltage`);
    assert.ok('default' in p.ring.cadences, `${p.code} default cadence`);
    for (const [name, c] of Object.entries(p.ring.cadences)) {
      assert.ok(c.length >= 2 && c.length % 2 === 0 && c.every((v) => v > 0), `${p.code} cadence ${name}`);
    }
    assert.ok(p.flash.minMs > 0 && p.flash.minMs < p.flash.maxMs, `${p.code} flash window`);
    assert.ok(p.emergencyNumbers.length > 0 && p.emergencyNumbers.every((n) => /^\d+$/.test(n)), `${p.code} emergency`);
    assert.match(p.internationalPrefix, /^\d+$/);
    assert.match(p.nationalPrefix, /^\d+$/);
  }
});

test('every tone of every profile generates, and the analyser measures its frequencies back', () => {
  for (const p of Object.values(PROFILES)) {
    for (const [name, spec] of tonesOf(p)) {
      const a = analyseTone(play(spec), FS);
      const label = `${p.code}.${name}`;
      assert.is(a.silence, false, `${label} is audible`);
      const expected = audible(spec);
      assert.ok(a.frequencies.length >= 1, `${label} has a frequency`);
      for (const f of a.frequencies) {
        assert.ok(expected.some((e) => Math.abs(e - f) <= 1), `${label}: measured ${f} Hz, table has ${expected.join('/')}`);
      }
      const distinct = new Set(spec.segments.flatMap((s) => s.components.map((c) => c.frequencyHz)));
      if (distinct.size === 2 && spec.segments.every((s) => s.components.length !== 1)) {
        assert.equal(a.frequencies, [...distinct].sort((x, y) => x - y), `${label}: both components`);
      }
    }
  }
});

test('simple on/off tones: the analyser measures the table cadence back', () => {
  let checked = 0;
  for (const p of Object.values(PROFILES)) {
    for (const [name, spec] of tonesOf(p)) {
      const segs = spec.segments;
      if (!(spec.repeat && segs.length === 2 && segs[0]!.components.length > 0 && segs[1]!.components.length === 0)) continue;
      if (segs[0]!.durationMs <= 0 || segs[1]!.durationMs <= 0) continue;
      const a = analyseTone(play(spec), FS);
      const label = `${p.code}.${name}`;
      assert.ok(a.cadence, `${label} has a cadence`);
      // Rounded to 10 ms; the generator's 2 ms ramps sit inside the on time (half amplitude at 1 ms).
      const near = (measured: number, table: number) => Math.abs(measured - table) <= 7;
      assert.ok(near(a.cadence!.onMs, segs[0]!.durationMs), `${label} on ${a.cadence!.onMs} vs ${segs[0]!.durationMs}`);
      if (a.cadence!.offMs > 0) {
        assert.ok(near(a.cadence!.offMs, segs[1]!.durationMs), `${label} off ${a.cadence!.offMs} vs ${segs[1]!.durationMs}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 20, `${checked} tones checked`);
});

test.run();
