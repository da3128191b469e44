import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DTMF_KEYS, dtmfFrequencies } from '../../../firmware/media/dtmf.js';
import { DtmfDetector } from '../../../firmware/media/dtmf-detector.js';
import { DtmfGenerator } from '../../../firmware/media/dtmf-generator.js';
import { dbm0ToAmplitude } from '../../../firmware/media/levels.js';
import { ToneGenerator } from '../../../firmware/media/tone-generator.js';
import type { ToneSpec } from '../../../firmware/media/tone-spec.js';
import { lcg, throughG711 } from './support.js';
import { EDGE_SAMPLES, edgeFillResidual } from '../../../firmware/media/dtmf-fill.js';

function detect(pcm: Int16Array, chunk = 160, det = new DtmfDetector()): string {
  let out = '';
  for (let i = 0; i < pcm.length; i += chunk) out += det.process(pcm.subarray(i, Math.min(pcm.length, i + chunk))).join('');
  return out;
}

/** `lead` ms of silence, a two-tone burst of `onMs`, then `offMs` of silence (through A-law). */
function burst(freqs: number[], onMs: number, offMs = 60, leadMs = 10, levelDbm0 = -10, twistDb = 0): Int16Array {
  const spec: ToneSpec = {
    name: 'burst',
    repeat: false,
    segments: [
      { components: [], durationMs: leadMs },
      { components: freqs.map((f, i) => ({ frequencyHz: f, levelDbm0: levelDbm0 + (i === 1 ? twistDb : 0) })), durationMs: onMs },
      { components: [], durationMs: offMs },
    ],
  };
  const pcm = new Int16Array(Math.round(((leadMs + onMs + offMs) * 8000) / 1000));
  new ToneGenerator(spec).fill(pcm);
  return throughG711(pcm, 'a');
}

test('generator → G.711 → detector: all 16 digits at −5…−30 dBm0, 80/80 ms, µ-law and A-law', () => {
  for (const law of ['u', 'a'] as const) {
    for (const level of [-5, -10, -15, -20, -25, -30]) {
      const g = new DtmfGenerator({ levelDbm0: level });
      g.queue(DTMF_KEYS, 80, 80);
      const pcm = new Int16Array(16 * 1280 + 400);
      g.fill(pcm);
      assert.is(detect(throughG711(pcm, law)), DTMF_KEYS, `${law}-law at ${level} dBm0`);
    }
  }
});

test('input chunking does not matter', () => {
  const g = new DtmfGenerator({ levelDbm0: -15 });
  g.queue('159D*0#', 80, 80);
  const pcm = new Int16Array(7 * 1280 + 100);
  g.fill(pcm);
  for (const chunk of [1, 7, 102, 160, 333, pcm.length]) assert.is(detect(pcm, chunk), '159D*0#', `chunks of ${chunk}`);
});

test('the same key pressed repeatedly is reported each time; held keys once', () => {
  const g = new DtmfGenerator({ levelDbm0: -10 });
  g.queue('1111', 60, 60);
  g.queue('2', 1000, 60);
  const pcm = new Int16Array(4 * 960 + 8480 + 200);
  g.fill(pcm);
  assert.is(detect(pcm), '11112');
});

test('duration: 20 ms bursts rejected, 40 ms bursts accepted, at every alignment', () => {
  for (const key of DTMF_KEYS) {
    const f = dtmfFrequencies(key);
    for (let lead = 1; lead < 14; lead += 3) {
      assert.is(detect(burst(f, 20, 60, lead)), '', `${key} 20 ms, lead ${lead}`);
      assert.is(detect(burst(f, 40, 60, lead)), key, `${key} 40 ms, lead ${lead}`);
    }
  }
});

test('frequency: ±1.5 % accepted, ±3.5 % rejected (each group and both)', () => {
  for (const key of DTMF_KEYS) {
    const [lo, hi] = dtmfFrequencies(key);
    for (const e of [-0.015, 0.015]) {
      assert.is(detect(burst([lo * (1 + e), hi], 60)), key, `${key} low ${e}`);
      assert.is(detect(burst([lo, hi * (1 + e)], 60)), key, `${key} high ${e}`);
      assert.is(detect(burst([lo * (1 + e), hi * (1 + e)], 60)), key, `${key} both ${e}`);
    }
    for (const e of [-0.035, 0.035]) {
      assert.is(detect(burst([lo * (1 + e), hi], 60)), '', `${key} low ${e}`);
      assert.is(detect(burst([lo, hi * (1 + e)], 60)), '', `${key} high ${e}`);
      assert.is(detect(burst([lo * (1 + e), hi * (1 + e)], 60)), '', `${key} both ${e}`);
    }
  }
});

test('twist: 8 dB high-weaker and 4 dB high-stronger accepted; 10 / 6 dB rejected', () => {
  for (const key of DTMF_KEYS) {
    const f = dtmfFrequencies(key);
    assert.is(detect(burst(f, 60, 60, 10, -12, -8)), key, `${key} −8 dB`);
    assert.is(detect(burst(f, 60, 60, 10, -12, 4)), key, `${key} +4 dB`);
    assert.is(detect(burst(f, 60, 60, 10, -12, -10)), '', `${key} −10 dB`);
    assert.is(detect(burst(f, 60, 60, 10, -12, 6)), '', `${key} +6 dB`);
  }
});

test('level: −45 dBm0 per tone is ignored', () => {
  const g = new DtmfGenerator({ levelDbm0: -45 });
  g.queue('123', 80, 80);
  const pcm = new Int16Array(4000);
  g.fill(pcm);
  assert.is(detect(throughG711(pcm, 'u')), '');
});

test('no digits from silence, a single tone, noise or a harmonic-rich buzz', () => {
  assert.is(detect(new Int16Array(8000)), '');
  assert.is(detect(burst([697], 500)), '', 'one row tone');
  assert.is(detect(burst([941, 1209, 1336], 500)), '', 'two column tones');
  const rnd = lcg(7);
  const noise = Int16Array.from({ length: 16000 }, () => Math.round((rnd() - 0.5) * 20000));
  assert.is(detect(noise), '', 'white noise');
  // A 100 Hz buzz with harmonics up to 3 kHz (speech-like voiced spectrum).
  const amp = dbm0ToAmplitude(-20);
  const buzz = Int16Array.from({ length: 16000 }, (_, n) => {
    let v = 0;
    for (let k = 1; k <= 30; k++) v += (amp / k) * Math.sin((2 * Math.PI * 100 * k * n) / 8000);
    return Math.round(v);
  });
  assert.is(detect(buzz), '', 'harmonic buzz');
});

test('detection latency ≤ 45 ms after onset', () => {
  for (const key of ['1', '5', 'D', '#']) {
    const pcm = burst(dtmfFrequencies(key), 200, 20, 10);
    const det = new DtmfDetector();
    let at = -1;
    for (let i = 0; i < pcm.length && at < 0; i += 8) if (det.process(pcm.subarray(i, i + 8)).length) at = i + 8;
    assert.ok(at > 0, `${key} detected`);
    const latencyMs = (at - 80) / 8; // onset at 10 ms
    assert.ok(latencyMs <= 45, `${key} latency ${latencyMs} ms`);
  }
});

test('reset forgets a digit in progress', () => {
  const det = new DtmfDetector();
  const pcm = burst(dtmfFrequencies('7'), 200, 1, 1);
  assert.is(det.process(pcm.subarray(0, 800)).join(''), '7');
  det.reset();
  assert.is(det.process(pcm.subarray(800)).join(''), '7', 'reported again after reset');
});

test('activeKey: the held key while the tone lasts, null ~40 ms after it stops', () => {
  const det = new DtmfDetector();
  const pcm = burst(dtmfFrequencies('8'), 200, 100, 10);
  assert.is(det.activeKey, null);
  det.process(pcm.subarray(0, 8 * 150)); // 150 ms: tone on since 10 ms
  assert.is(det.activeKey, '8');
  det.process(pcm.subarray(8 * 150, 8 * 215)); // 5 ms after the tone ended
  assert.is(det.activeKey, '8', 'not ended at once');
  det.process(pcm.subarray(8 * 215, 8 * 270)); // 60 ms after
  assert.is(det.activeKey, null);
});

test('fill check: a full block leaves ~0, a block with a gap at one end is flagged', () => {
  const n = 102;
  const w1 = (2 * Math.PI * 770) / 8000;
  const w2 = (2 * Math.PI * 1336) / 8000;
  const model = new Float64Array(n);
  const block = (silentHead: number, silentTail: number) =>
    Float64Array.from({ length: n }, (_, i) => (i < silentHead || i >= n - silentTail ? 0 : 8000 * Math.sin(w1 * i + 0.4) + 8000 * Math.sin(w2 * i + 1.1)));
  assert.ok(edgeFillResidual(block(0, 0), w1, w2, model) < 0.05, 'full block');
  for (const gap of [6, 10, EDGE_SAMPLES]) {
    assert.ok(edgeFillResidual(block(gap, 0), w1, w2, model) > 0.3, `head gap ${gap}`);
    assert.ok(edgeFillResidual(block(0, gap), w1, w2, model) > 0.3, `tail gap ${gap}`);
  }
});

test.run();
