import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateTrace, arrivalOrder } from '../../../firmware/media/jitter/sim/network-model.js';
import type { TraceSpec } from '../../../firmware/media/jitter/sim/network-model.js';
import { hindsightPlayout, scorePlayout } from '../../../firmware/media/jitter/sim/metrics.js';
import { replayTrace } from '../../../firmware/media/jitter/sim/replay.js';
import { TRACE_SUITE } from '../../../firmware/media/jitter/sim/suite.js';
import { readWords } from './support.js';

const SPEECH = readWords('vectors/g711-plc/f2.le');

function spec(over: Partial<TraceSpec>): TraceSpec {
  return { name: 't', seed: 1, delay: { kind: 'gamma', baseMs: 30, sigmaMs: 10 }, ...over };
}

function std(x: number[]): number {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
}

test('traces are reproducible from their seed, and differ between seeds', () => {
  const a = generateTrace(spec({ seed: 5, loss: { rate: 0.05, meanBurst: 2 } }));
  const b = generateTrace(spec({ seed: 5, loss: { rate: 0.05, meanBurst: 2 } }));
  const c = generateTrace(spec({ seed: 6, loss: { rate: 0.05, meanBurst: 2 } }));
  assert.equal(a.packets.slice(0, 200), b.packets.slice(0, 200));
  assert.not.equal(a.packets.slice(0, 200).map((p) => p.arrivalMs), c.packets.slice(0, 200).map((p) => p.arrivalMs));
  assert.is(a.pullPhaseMs, b.pullPhaseMs);
});

test('Gilbert–Elliott loss: rate and mean burst length as asked', () => {
  const t = generateTrace(spec({ seed: 11, durationMs: 2_000_000, loss: { rate: 0.06, meanBurst: 3 } }));
  const lost = t.packets.map((p) => Number.isNaN(p.arrivalMs));
  const rate = lost.filter(Boolean).length / lost.length;
  let bursts = 0;
  for (let i = 0; i < lost.length; i++) if (lost[i] && !lost[i - 1]) bursts++;
  const meanBurst = lost.filter(Boolean).length / bursts;
  assert.ok(Math.abs(rate - 0.06) < 0.005, `rate ${rate}`);
  assert.ok(Math.abs(meanBurst - 3) < 0.2, `mean burst ${meanBurst}`);
});

test('delay models: minimum at the base, standard deviation as asked (Gamma and Pareto)', () => {
  for (const kind of ['gamma', 'pareto'] as const) {
    const t = generateTrace(spec({ seed: 12, durationMs: 4_000_000, delay: { kind, baseMs: 40, sigmaMs: 20 } }));
    const d = t.packets.map((p) => p.arrivalMs - p.sendMs);
    assert.ok(d.reduce((a, b) => Math.min(a, b), Infinity) >= 40, `${kind}: never below the base`);
    const s = std(d);
    // Pareto (shape 3) has a heavy tail: its sample deviation converges slowly.
    assert.ok(Math.abs(s - 20) < (kind === 'gamma' ? 1 : 4), `${kind}: σ ${s}`);
  }
  // Correlated jitter: neighbours are alike.
  const t = generateTrace(spec({ seed: 13, durationMs: 400_000, delay: { kind: 'gamma', baseMs: 0, sigmaMs: 20, correlation: 0.9 } }));
  const d = t.packets.map((p) => p.arrivalMs - p.sendMs);
  let diff = 0;
  for (let i = 1; i < d.length; i++) diff += Math.abs(d[i] - d[i - 1]);
  assert.ok(diff / (d.length - 1) < 10, `mean neighbour difference ${diff / (d.length - 1)}`);
});

test('drift, spikes, FIFO and wrap-around numbering', () => {
  const t = generateTrace(spec({ seed: 14, driftPpm: 300, spikes: { count: 2, durationMs: 300 }, fifo: true }));
  const last = t.packets[t.packets.length - 1];
  const k = t.packets.length - 1;
  assert.ok(Math.abs(last.sendMs - (k * 20) / 1.0003) < 1e-6, 'a fast sender sends early');
  assert.is(t.spikeStarts.length, 2);
  for (const s of t.spikeStarts) {
    for (const p of t.packets) if (p.sendMs >= s && p.sendMs < s + 300) assert.ok(p.arrivalMs >= s + 300, 'held until the spike ends');
  }
  const order = arrivalOrder(t);
  for (let i = 1; i < order.length; i++) assert.ok(order[i].sendMs > order[i - 1].sendMs, 'FIFO: no overtaking');
  assert.ok(t.packets.some((p, i) => i > 0 && p.sequence < t.packets[i - 1].sequence), 'sequence numbers wrap');
  assert.ok(t.packets.some((p, i) => i > 0 && p.timestamp < t.packets[i - 1].timestamp), 'timestamps wrap');
});

test('hindsight oracle: the smallest fixed delay with at most 1% late', () => {
  const t = generateTrace(spec({ seed: 15, delay: { kind: 'pareto', baseMs: 30, sigmaMs: 30 }, loss: { rate: 0.03, meanBurst: 1 } }));
  const h = hindsightPlayout(t);
  const m = scorePlayout('hindsight', t, h.playAt);
  assert.ok(m.lateLoss <= 0.01, `late ${m.lateLoss}`);
  assert.ok(Math.abs(m.meanDelayMs - h.delayMs) < 1e-9, 'every packet plays at the same delay');
  // One step smaller is more than 1% late.
  const arrived = t.packets.filter((p) => !Number.isNaN(p.arrivalMs));
  const lateAtLess = arrived.filter((p) => p.arrivalMs - p.sendMs > h.delayMs - 1e-6).length;
  assert.ok(lateAtLess / arrived.length > 0.01, 'minimal');
  assert.ok(Math.abs(m.networkLoss - 0.03) < 0.01, `network loss ${m.networkLoss}`);
});

test('scorePlayout: losses, late packets and delays are counted as given', () => {
  const t = generateTrace(spec({ seed: 16, durationMs: 2000 }));
  t.packets[3].arrivalMs = NaN; // lost in the network
  const playAt = t.packets.map((p) => p.sendMs + 100);
  playAt[3] = NaN;
  playAt[10] = NaN; // arrived, not played: late
  const m = scorePlayout('x', t, playAt);
  assert.is(m.packets, 100);
  assert.ok(Math.abs(m.networkLoss - 0.01) < 1e-12);
  assert.ok(Math.abs(m.lateLoss - 1 / 99) < 1e-12);
  assert.ok(Math.abs(m.totalLoss - 0.02) < 1e-12);
  assert.ok(Math.abs(m.meanDelayMs - 100) < 1e-9);
  assert.ok(m.R < 93.2 && m.R > 70, `R ${m.R}`);
});

// The adaptive buffer on a few suite traces, as the firmware runs it (20 ms pulls): the T2.1
// late-loss and delay targets, on the virtual clock.
for (const name of ['g10-l1', 'p15-l3b2', 'g20-drift+300', 'p30-spikes', 'g10-step50']) {
  test(`adaptive buffer on ${name}: late loss ≤ 1%, mean delay ≤ hindsight + 20 ms`, () => {
    const t = generateTrace(TRACE_SUITE.find((s) => s.name === name)!);
    const r = replayTrace(t, { source: SPEECH });
    const h = scorePlayout('hindsight', t, hindsightPlayout(t).playAt);
    assert.ok(r.metrics.lateLoss <= 0.01, `late ${(100 * r.metrics.lateLoss).toFixed(2)}%`);
    assert.ok(r.metrics.meanDelayMs <= h.meanDelayMs + 20, `delay ${r.metrics.meanDelayMs.toFixed(1)} vs hindsight ${h.meanDelayMs.toFixed(1)}`);
    // Everything that arrived is accounted for: played, late, or (never) silently dropped.
    const arrived = t.packets.filter((p) => !Number.isNaN(p.arrivalMs)).length;
    assert.is(r.report.played + r.report.late + r.report.discarded + r.report.overflow, arrived);
    assert.ok(r.report.acceleratedRatio < 0.05 && r.report.expandedRatio < 0.05, 'stretching stays modest');
  });
}

test.run();
