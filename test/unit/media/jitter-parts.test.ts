import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DelayEstimator } from '../../../firmware/media/jitter/delay-estimator.js';
import { PacketStore } from '../../../firmware/media/jitter/packet-store.js';
import { SampleQueue } from '../../../firmware/media/jitter/sample-queue.js';
import { StreamTracker } from '../../../firmware/media/jitter/stream-tracker.js';
import { DEFAULT_STRETCH, findLag, mergePeriods, repeatPeriod } from '../../../firmware/media/jitter/time-stretch.js';
import { Prng } from '../../../firmware/media/jitter/sim/prng.js';

function periodic(n: number, period: number, amp = 8000): Int16Array {
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(amp * (0.7 * Math.sin((2 * Math.PI * i) / period) + 0.3 * Math.sin((6 * Math.PI * i) / period + 0.4)));
  return x;
}

/** Largest step between neighbouring samples. */
function maxStep(x: Int16Array, from = 1, to = x.length): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(x[i] - x[i - 1]));
  return m;
}

test('findLag: the period of a periodic signal, with correlation ≈ 1', () => {
  for (const period of [33, 57, 96]) {
    const c = findLag(periodic(400, period));
    assert.is(c.lag % period, 0, `period ${period}: lag ${c.lag}`);
    assert.ok(c.corr > 0.99, `corr ${c.corr}`);
    assert.is(c.quiet, false);
  }
});

test('findLag: noise does not correlate; quiet noise is flagged quiet', () => {
  const rng = new Prng(7);
  const loud = new Int16Array(400).map(() => Math.round(6000 * rng.normal()));
  const c = findLag(loud);
  assert.ok(c.corr < 0.5, `corr ${c.corr}`);
  assert.is(c.quiet, false);
  const soft = new Int16Array(400).map(() => Math.round(20 * rng.normal()));
  const q = findLag(soft);
  assert.is(q.quiet, true);
  assert.is(q.lag, Math.min(DEFAULT_STRETCH.maxLag, 200));
  assert.is(findLag(new Int16Array(30)).lag, 0, 'too short: no lag');
});

test('mergePeriods / repeatPeriod keep the waveform smooth while shortening / lengthening it', () => {
  const period = 57;
  const x = periodic(600, period);
  const smooth = maxStep(x);
  // Accelerate: merge x[0, 2P) into P samples, then drop x[P, 2P).
  const a = x.slice();
  mergePeriods(a, period);
  const shorter = new Int16Array(600 - period);
  shorter.set(a.subarray(0, period));
  shorter.set(a.subarray(2 * period), period);
  assert.ok(maxStep(shorter) <= smooth + 2, `accelerated step ${maxStep(shorter)} vs ${smooth}`);
  // For an exactly periodic signal the result is the same signal, one period shorter.
  for (let i = 0; i < shorter.length; i++) if (Math.abs(shorter[i] - x[i]) > 1) assert.unreachable(`sample ${i}`);
  // Expand: insert one cross-faded period after the first.
  const ins = new Int16Array(period);
  repeatPeriod(x, period, ins);
  const longer = new Int16Array(600 + period);
  longer.set(x.subarray(0, period));
  longer.set(ins, period);
  longer.set(x.subarray(period), 2 * period);
  assert.ok(maxStep(longer) <= smooth + 2, `expanded step ${maxStep(longer)}`);
  for (let i = 0; i < longer.length - period; i++) if (Math.abs(longer[i + period] - x[i]) > 1) assert.unreachable(`sample ${i}`);
});

test('DelayEstimator: the quantile of relative delay, against the distribution', () => {
  // Exponential jitter with mean 10 ms: the 0.99 quantile is 10·ln(100) ≈ 46 ms above the minimum.
  const rng = new Prng(3);
  const est = new DelayEstimator({ quantile: 0.99, forgetFactor: 0.999 });
  for (let k = 0; k < 20000; k++) {
    const send = k * 20;
    est.update(send + 50 - 10 * Math.log(rng.open()), send);
  }
  const q = est.quantileMs();
  assert.ok(Math.abs(q - 10 * Math.log(100)) < 4, `q99 ${q}`);
  assert.ok(Math.abs(est.reference - 50) < 1, `reference ${est.reference}`);
});

test('DelayEstimator: the reference follows a drifting clock', () => {
  const est = new DelayEstimator({ referenceWindowMs: 2000 });
  // Sender 300 ppm slow: arrival − media time grows by 0.3 ms per second.
  for (let k = 0; k < 6000; k++) est.update(k * 20 * (1 + 300e-6) + 40, k * 20);
  const expected = 5999 * 20 * 300e-6 + 40;
  assert.ok(Math.abs(est.reference - expected) < 1, `reference ${est.reference} vs ${expected}`);
  assert.ok(est.quantileMs() <= 2, `no jitter, quantile ${est.quantileMs()}`);
});

test('DelayEstimator: a long arrival gap ended by a late burst is a spike', () => {
  const est = new DelayEstimator({ quantile: 0.95 });
  for (let k = 0; k < 200; k++) est.update(k * 20 + 30 + (k % 5), k * 20);
  const before = est.quantileMs();
  for (let k = 200; k < 215; k++) est.update(215 * 20 + 30, k * 20);
  assert.is(est.spikes, 1);
  assert.ok(est.quantileMs() <= before + 1);
});

test('DelayEstimator: packets of a marked spike stay out of the histogram', () => {
  const est = new DelayEstimator({ quantile: 0.95, spikeGapMs: Infinity });
  for (let k = 0; k < 200; k++) est.update(k * 20 + 30 + (k % 5), k * 20);
  const before = est.quantileMs();
  est.markSpike(215 * 20 + 30, 200 * 20);
  for (let k = 200; k < 215; k++) est.update(215 * 20 + 30, k * 20); // a burst after 300 ms
  for (let k = 215; k < 260; k++) est.update(k * 20 + 30 + (k % 5), k * 20);
  assert.is(est.spikes, 1);
  assert.ok(est.spikePackets >= 10, `spike packets ${est.spikePackets}`);
  assert.ok(est.quantileMs() <= before + 1, `quantile ${est.quantileMs()} vs ${before}`);
  // With spike detection off the same burst raises it.
  const plain = new DelayEstimator({ quantile: 0.95, spikeExcessMs: Infinity });
  for (let k = 0; k < 200; k++) plain.update(k * 20 + 30 + (k % 5), k * 20);
  for (let k = 200; k < 215; k++) plain.update(215 * 20 + 30, k * 20);
  assert.ok(plain.quantileMs() > before + 50, `unmarked quantile ${plain.quantileMs()}`);
});

test('DelayEstimator: a spike is also found by its run of late arrivals (gap detection off)', () => {
  const est = new DelayEstimator({ quantile: 0.99, spikeGapMs: Infinity });
  for (let k = 0; k < 300; k++) est.update(k * 20 + 30 + (k % 7) * 3, k * 20);
  const before = est.quantileMs();
  // Packets sent during a 300 ms outage drain out 5 ms apart, interleaved with the ones sent after it.
  const arrivals: Array<[number, number]> = [];
  for (let k = 300; k < 315; k++) arrivals.push([6330 + 5 * (k - 300), k * 20]);
  for (let k = 315; k < 400; k++) arrivals.push([k * 20 + 30 + (k % 7) * 3, k * 20]);
  arrivals.sort((a, b) => a[0] - b[0]);
  for (const [at, media] of arrivals) est.update(at, media);
  assert.is(est.spikes, 1);
  assert.ok(est.spikePackets >= 5, `spike packets ${est.spikePackets}`);
  assert.ok(est.quantileMs() <= before + 2, `quantile ${est.quantileMs()} vs ${before}`);
  // Well after the spike (past the 3 s cool-down), a lone straggler is no spike.
  for (let k = 400; k < 600; k++) est.update(k * 20 + 30 + (k % 7) * 3, k * 20);
  est.update(600 * 20 + 30 + 300, 600 * 20);
  for (let k = 601; k < 620; k++) est.update(k * 20 + 30 + (k % 7) * 3, k * 20);
  assert.is(est.spikes, 1);
  assert.is(est.spiking, false);
});

test('SampleQueue: FIFO with cut and open near the head', () => {
  const q = new SampleQueue(64);
  q.reserve(10).set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  q.commit(10);
  q.cut(2, 3); // remove 2, 3, 4
  assert.equal(Array.from(q.view()), [0, 1, 5, 6, 7, 8, 9]);
  q.open(1, 2).set([70, 71]);
  assert.equal(Array.from(q.view()), [0, 70, 71, 1, 5, 6, 7, 8, 9]);
  const out = new Int16Array(4);
  q.take(out);
  assert.equal(Array.from(out), [0, 70, 71, 1]);
  const more = new Int16Array(8);
  q.take(more);
  assert.equal(Array.from(more), [5, 6, 7, 8, 9, 0, 0, 0], 'short: zero-filled');
  assert.is(q.length, 0);
  // Compaction makes room again after many takes.
  for (let i = 0; i < 20; i++) {
    q.reserve(40).fill(i);
    q.commit(40);
    q.take(new Int16Array(40));
  }
  assert.is(q.length, 0);
});

test('PacketStore: timestamp order, duplicate timestamps refused, slots reused', () => {
  const s = new PacketStore(8);
  const put = (ts: number) => {
    const p = s.acquire(160);
    p.ts = ts;
    p.span = 160;
    return s.insert(p);
  };
  assert.ok(put(320));
  assert.ok(put(0));
  assert.ok(put(160));
  assert.not.ok(put(160), 'duplicate timestamp');
  assert.is(s.size, 3);
  const order: number[] = [];
  for (let p = s.shift(); p; p = s.shift()) {
    order.push(p.ts);
    s.release(p);
  }
  assert.equal(order, [0, 160, 320]);
  const a = s.acquire(160);
  assert.ok(a.pcm.length >= 160, 'a pooled slot');
});

test('StreamTracker: timestamp unwrap across 2^32, duplicates across the sequence wrap', () => {
  const t = new StreamTracker();
  t.follow(5);
  const e0 = t.unwrap(0xffffff00);
  const e1 = t.unwrap(0x00000060);
  assert.is(e1 - e0, 0x160, 'forward across the wrap');
  assert.is(t.unwrap(0xfffffff0) - e0, 0xf0, 'a late packet from before the wrap');
  t.markSeen(65535);
  t.markSeen(0);
  assert.ok(t.isDuplicate(65535) && t.isDuplicate(0));
  assert.not.ok(t.isDuplicate(1));
  assert.ok(t.isNewSource(6));
  t.follow(6);
  assert.not.ok(t.isDuplicate(0), 'a new source forgets the old sequence numbers');
});

test.run();
