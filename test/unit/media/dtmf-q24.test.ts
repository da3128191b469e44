/**
 * The DTMF detector against ITU-T Q.24 / RFC 2833 §3.5 receiver limits, table-driven, all 16
 * digits, through G.711 µ-law and A-law. Signals: hard-edged bursts with random phases
 * (test/oracles/dtmf/mitel.ts) and the firmware's own generator.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DTMF_KEYS } from '../../../firmware/media/dtmf.js';
import { DtmfDetector } from '../../../firmware/media/dtmf-detector.js';
import { DtmfGenerator } from '../../../firmware/media/dtmf-generator.js';
import { accepted, burstTrain, latencyMs, rejected, score, throughLaw, tipringDetect } from '../../oracles/dtmf/mitel.js';
import type { BurstSpec, Score } from '../../oracles/dtmf/mitel.js';

const LAWS = ['u', 'a'] as const;
const detect = (pcm: Int16Array) => tipringDetect(pcm);
const show = (r: Score) => `${r.hits}/${r.count} hits, ${r.wrong} wrong`;

function expectAccept(s: BurstSpec, what: string): void {
  const r = score(detect, s);
  assert.ok(accepted(r), `${what}: ${show(r)}`);
}

function expectReject(s: BurstSpec, what: string): void {
  const r = score(detect, s);
  assert.ok(rejected(r), `${what}: ${show(r)}`);
}

test('frequency: ±1.5 % operates, ±3.5 % does not (low, high and both groups)', () => {
  for (const law of LAWS) {
    for (const digit of DTMF_KEYS) {
      for (const [group, lo, hi] of [['low', 1, 0], ['high', 0, 1], ['both', 1, 1]] as const) {
        for (const e of [-0.015, 0.015]) expectAccept({ digit, law, lowError: lo * e, highError: hi * e, seed: 7 }, `${law} ${digit} ${group} ${e}`);
        for (const e of [-0.035, 0.035]) expectReject({ digit, law, lowError: lo * e, highError: hi * e, seed: 8 }, `${law} ${digit} ${group} ${e}`);
      }
    }
  }
});

test('twist: high group 8 dB weaker and 4 dB stronger accepted', () => {
  for (const law of LAWS) {
    for (const digit of DTMF_KEYS) {
      expectAccept({ digit, law, lowDbm0: -6, highDbm0: -14 }, `${law} ${digit} −8 dB`);
      expectAccept({ digit, law, lowDbm0: -30, highDbm0: -38 }, `${law} ${digit} −8 dB at −30 dBm0`);
      expectAccept({ digit, law, lowDbm0: -10, highDbm0: -6 }, `${law} ${digit} +4 dB`);
      expectAccept({ digit, law, lowDbm0: -36, highDbm0: -32 }, `${law} ${digit} +4 dB at −36 dBm0`);
    }
  }
});

test('level: 0 … −36 dBm0 per tone accepted; −45 dBm0 and below rejected (threshold −40)', () => {
  for (const law of LAWS) {
    for (const digit of DTMF_KEYS) {
      for (const l of [0, -10, -20, -30, -36]) expectAccept({ digit, law, lowDbm0: l, highDbm0: l }, `${law} ${digit} ${l} dBm0`);
      for (const l of [-45, -55, -60]) expectReject({ digit, law, lowDbm0: l, highDbm0: l }, `${law} ${digit} ${l} dBm0`);
    }
  }
});

test('duration: 40 ms tones with 40 ms pauses accepted; 23 ms tones rejected', () => {
  for (const law of LAWS) {
    for (const digit of DTMF_KEYS) {
      expectAccept({ digit, law, onMs: 40, offMs: 40, count: 20, seed: 3 }, `${law} ${digit} 40/40`);
      // 23 ms with pauses of 37 … 59 ms: every alignment against the 12.75 ms blocks.
      for (const off of [37, 50, 59]) expectReject({ digit, law, onMs: 23, offMs: off, count: 20, seed: off }, `${law} ${digit} 23/${off}`);
    }
  }
});

test('S/N 10 dB (full-band white noise): 50 of 50 bursts per digit, nothing extra', () => {
  for (const law of LAWS) {
    for (const digit of DTMF_KEYS) expectAccept({ digit, law, snrDb: 10, count: 50, seed: 100 + DTMF_KEYS.indexOf(digit) }, `${law} ${digit} 10 dB S/N`);
  }
});

test('detection latency ≤ 45 ms after onset, every digit', () => {
  for (const law of LAWS) {
    for (const digit of DTMF_KEYS) {
      const ms = latencyMs(detect, digit, law);
      assert.ok(ms > 0 && ms <= 45, `${law} ${digit}: ${ms} ms`);
    }
  }
});

test('generator → G.711 → detector: all keys, 40/40 ms, 0 … −36 dBm0 and twist', () => {
  for (const law of LAWS) {
    for (const [level, twist] of [[-3, 0], [-20, 0], [-36, 0], [-10, -8], [-14, 4]] as const) {
      const g = new DtmfGenerator({ levelDbm0: level, twistDb: twist });
      g.queue(DTMF_KEYS, 40, 40);
      const pcm = new Int16Array(DTMF_KEYS.length * 640 + 200);
      g.fill(pcm);
      const got = detect(throughLaw(pcm, law)).map((d) => d.digit).join('');
      assert.is(got, DTMF_KEYS, `${law} ${level} dBm0 twist ${twist}`);
    }
  }
});

test('burst trains are what they claim (the synthesiser can fail the detector)', () => {
  // Guards the measurement itself: a clean train is fully accepted, silence gives nothing.
  const clean = burstTrain({ digit: '5', law: 'a' });
  assert.is(tipringDetect(clean, new DtmfDetector()).length, 10);
  const shifted = burstTrain({ digit: '5', law: 'a', lowError: 0.06 });
  assert.is(tipringDetect(shifted).length, 0);
});

test.run();
