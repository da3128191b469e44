import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DTMF_COL_HZ, DTMF_KEYS, DTMF_ROW_HZ, DtmfDigitError, dtmfFrequencies } from '../../../firmware/media/dtmf.js';
import { DtmfGenerator } from '../../../firmware/media/dtmf-generator.js';
import { goertzelPower } from '../../../firmware/media/goertzel.js';
import { powerToDbm0 } from '../../../firmware/media/levels.js';
import { meanSquare } from './support.js';

test('keypad layout and frequencies (Q.23)', () => {
  assert.equal(dtmfFrequencies('1'), [697, 1209]);
  assert.equal(dtmfFrequencies('5'), [770, 1336]);
  assert.equal(dtmfFrequencies('9'), [852, 1477]);
  assert.equal(dtmfFrequencies('*'), [941, 1209]);
  assert.equal(dtmfFrequencies('0'), [941, 1336]);
  assert.equal(dtmfFrequencies('#'), [941, 1477]);
  assert.equal(dtmfFrequencies('d'), [941, 1633]);
  assert.is(DTMF_KEYS.length, 16);
  for (const k of DTMF_KEYS) {
    const [lo, hi] = dtmfFrequencies(k);
    assert.ok(DTMF_ROW_HZ.includes(lo) && DTMF_COL_HZ.includes(hi));
  }
  assert.throws(() => dtmfFrequencies('E'), (e: unknown) => e instanceof DtmfDigitError && e.code === 'bad-dtmf-digit');
});

test('one digit: 80 ms of both tones at the set level, then 80 ms of silence', () => {
  const g = new DtmfGenerator({ levelDbm0: -10 });
  g.queue('5');
  assert.is(g.idle, false);
  const out = new Int16Array(1280 + 160);
  g.fill(out);
  assert.is(g.idle, true);
  // Tone lies in [0, 640); the rest is digital silence.
  for (let i = 640; i < out.length; i++) assert.is(out[i], 0);
  assert.ok(meanSquare(out, 620, 640) > 0, 'tone lasts to the end of its 80 ms');
  for (const f of [770, 1336]) {
    const lvl = powerToDbm0(goertzelPower(out, 40, 560, f, 8000));
    assert.ok(Math.abs(lvl - -10) < 0.2, `${f} Hz at ${lvl}`);
  }
  assert.ok(powerToDbm0(goertzelPower(out, 40, 560, 697, 8000)) < -40, 'other row silent');
});

test('twist raises the high group relative to the low group', () => {
  const g = new DtmfGenerator({ levelDbm0: -12, twistDb: 3 });
  g.queue('1', 100, 0);
  const out = new Int16Array(800);
  g.fill(out);
  const lo = powerToDbm0(goertzelPower(out, 40, 720, 697, 8000));
  const hi = powerToDbm0(goertzelPower(out, 40, 720, 1209, 8000));
  assert.ok(Math.abs(hi - lo - 3) < 0.2, `twist ${hi - lo}`);
});

test('callbacks: onDigitSent after each tone, onIdle once after the last gap', () => {
  const g = new DtmfGenerator();
  const events: string[] = [];
  let sample = 0;
  g.onDigitSent = (d) => events.push(`${d}@${sample}`);
  g.onIdle = () => events.push(`idle@${sample}`);
  g.queue('12#', 50, 30);
  const frame = new Int16Array(80);
  for (let i = 0; i < 30; i++) {
    g.fill(frame);
    sample += 80; // callbacks fire inside fill: they see the frame's start
  }
  // 50 ms = 400 samples on, 30 ms = 240 off; 640 per digit.
  assert.equal(events, ['1@320', '2@960', '#@1600', 'idle@1840']);
  assert.is(g.idle, true);
});

test('queue validates all digits before queueing any; cancel stops at once', () => {
  const g = new DtmfGenerator();
  assert.throws(() => g.queue('12x3'));
  assert.is(g.idle, true);
  g.queue('123');
  const f = new Int16Array(160);
  g.fill(f);
  g.cancel();
  assert.is(g.idle, true);
  g.fill(f);
  assert.ok(f.every((v) => v === 0));
});

test.run();
