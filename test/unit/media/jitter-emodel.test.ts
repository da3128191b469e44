import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  absoluteDelayImpairment,
  burstRatio,
  eModel,
  effectiveEquipmentImpairment,
  mosFromR,
  voipRating,
} from '../../../firmware/media/emodel.js';

test('G.107 defaults give R = 93.2 and MOS 4.41', () => {
  const r = eModel();
  assert.ok(Math.abs(r.R - 93.2) < 0.05, `R ${r.R}`);
  assert.ok(Math.abs(r.MOS - 4.41) < 0.005, `MOS ${r.MOS}`);
  assert.is(r.Idd, 0);
  assert.is(r.IeEff, 0);
});

test('Idd follows 25{(1+X^6)^1/6 − 3(1+(X/3)^6)^1/6 + 2}, X = log2(Ta/100), 0 up to 100 ms', () => {
  assert.is(absoluteDelayImpairment(0), 0);
  assert.is(absoluteDelayImpairment(100), 0);
  // Ta = 200 ms: X = 1.
  const at200 = 25 * (Math.pow(2, 1 / 6) - 3 * Math.pow(1 + 1 / 729, 1 / 6) + 2);
  assert.ok(Math.abs(absoluteDelayImpairment(200) - at200) < 1e-9);
  // Ta = 400 ms: X = 2.
  const at400 = 25 * (Math.pow(1 + 64, 1 / 6) - 3 * Math.pow(1 + Math.pow(2 / 3, 6), 1 / 6) + 2);
  assert.ok(Math.abs(absoluteDelayImpairment(400) - at400) < 1e-9);
  let prev = 0;
  for (let ta = 110; ta <= 800; ta += 10) {
    const v = absoluteDelayImpairment(ta);
    assert.ok(v > prev, `Idd grows with delay (${ta} ms)`);
    prev = v;
  }
  // It enters R one for one when the echo terms are held fixed.
  const base = eModel({ Ta: 0 });
  const late = eModel({ Ta: 300 });
  assert.ok(Math.abs(base.R - late.R - absoluteDelayImpairment(300)) < 1e-9);
});

test('Ie,eff = Ie + (95 − Ie)·Ppl/(Ppl/BurstR + Bpl)', () => {
  assert.is(effectiveEquipmentImpairment(0, 0, 25.1), 0);
  const expect = (95 * 2) / (2 + 25.1);
  assert.ok(Math.abs(effectiveEquipmentImpairment(0, 2, 25.1, 1) - expect) < 1e-12);
  const bursty = effectiveEquipmentImpairment(0, 2, 25.1, 2);
  assert.ok(bursty > expect, 'bursty loss hurts more');
  // PLC (Bpl 25.1) is worth more than no PLC (Bpl 4.3) at the same loss.
  assert.ok(voipRating(0, 5, 1, { Ie: 0, Bpl: 25.1 }).R > voipRating(0, 5, 1, { Ie: 0, Bpl: 4.3 }).R);
  const r = eModel({ Ppl: 2, Bpl: 25.1 });
  assert.ok(Math.abs(eModel().R - r.R - expect) < 1e-9);
});

test('MOS from R: endpoints and monotonic in between', () => {
  assert.is(mosFromR(-5), 1);
  assert.is(mosFromR(120), 4.5);
  assert.is(mosFromR(3), 1, 'never below 1');
  let prev = 1;
  for (let R = 1; R < 100; R++) {
    const m = mosFromR(R);
    assert.ok(m >= prev - 1e-12, `MOS non-decreasing at R=${R}`);
    prev = m;
  }
  assert.ok(Math.abs(mosFromR(50) - (1 + 0.035 * 50 + 50 * -10 * 50 * 7e-6)) < 1e-12);
});

test('burst ratio: 1 for isolated losses, mean burst × (1 − Ppl) for bursts', () => {
  assert.is(burstRatio([]), 1);
  assert.is(burstRatio(new Array(50).fill(false)), 1);
  // One loss in ten: p = 1/9, r = 1 → 0.9, reported as random (1).
  const isolated = Array.from({ length: 1000 }, (_, i) => i % 10 === 9);
  assert.is(burstRatio(isolated), 1);
  // Bursts of 3 in 30: Ppl = 0.1, mean burst 3 → BurstR = 3 × 0.9 = 2.7.
  const bursts = Array.from({ length: 3000 }, (_, i) => i % 30 >= 27);
  assert.ok(Math.abs(burstRatio(bursts) - 2.7) < 0.03, `BurstR ${burstRatio(bursts)}`);
});

test('voipRating: delay and loss each lower R', () => {
  const clean = voipRating(40, 0).R;
  assert.ok(voipRating(250, 0).R < clean);
  assert.ok(voipRating(40, 3).R < clean);
  assert.ok(voipRating(40, 3, 3).R < voipRating(40, 3, 1).R);
});

test.run();
