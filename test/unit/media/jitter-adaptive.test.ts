import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AdaptiveJitterBuffer } from '../../../firmware/media/jitter/adaptive-jitter-buffer.js';
import type { AdaptiveJitterBufferOptions } from '../../../firmware/media/jitter/jitter-options.js';
import { PCMU } from '../../../firmware/media/codecs.js';
import type { RtpPacket } from '../../../firmware/media/rtp-packet.js';
import { repoRoot } from './support.js';

/** f2.le, the Appendix I speech vector, as the audio every stream carries. */
function speech(): Int16Array {
  const buf = readFileSync(path.join(repoRoot(), 'test/fixtures/vectors/g711-plc/f2.le'));
  const out = new Int16Array(buf.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(2 * i);
  return out;
}
const SPEECH = speech();

interface StreamSpec {
  span?: number;
  seq0?: number;
  ts0?: number;
  ssrc?: number;
  /** Audio for sample n of the stream (default: looped speech). */
  sample?: (n: number) => number;
}

/** Packet k of a stream: payload = µ-law of samples [k·span, (k+1)·span). */
function packet(k: number, s: StreamSpec = {}, marker = false): RtpPacket {
  const span = s.span ?? 160;
  const pcm = new Int16Array(span);
  for (let i = 0; i < span; i++) pcm[i] = s.sample ? s.sample(k * span + i) : SPEECH[(k * span + i) % SPEECH.length];
  const payload = new Uint8Array(span);
  PCMU.encode(pcm, payload);
  return {
    version: 2,
    padding: false,
    marker: marker || k === 0,
    payloadType: 0,
    sequence: ((s.seq0 ?? 1000) + k) & 0xffff,
    timestamp: ((s.ts0 ?? 5000) + k * span) >>> 0,
    ssrc: s.ssrc ?? 0x1234,
    csrcs: [],
    payload,
  };
}

/** The decoded audio of a stream (what a perfect receiver plays), `count` samples. */
function decoded(count: number, s: StreamSpec = {}): Int16Array {
  const span = s.span ?? 160;
  const out = new Int16Array(Math.ceil(count / span) * span);
  for (let k = 0; k * span < count; k++) PCMU.decode(packet(k, s).payload, out.subarray(k * span, (k + 1) * span));
  return out.subarray(0, count);
}

interface Arrival {
  at: number;
  pkt: RtpPacket;
}

/** Run the buffer on a virtual clock: puts at their times, a pull every `pullMs` from 0. */
function drive(jb: AdaptiveJitterBuffer, arrivals: Arrival[], untilMs: number, pullMs = 20): { audio: Int16Array; kinds: string[] } {
  const sorted = [...arrivals].sort((a, b) => a.at - b.at);
  const n = (pullMs * 8000) / 1000;
  const pulls = Math.floor(untilMs / pullMs);
  const audio = new Int16Array(pulls * n);
  const kinds: string[] = [];
  let i = 0;
  for (let k = 0; k < pulls; k++) {
    const now = k * pullMs + 0.5;
    while (i < sorted.length && sorted[i].at <= now) jb.put(sorted[i].pkt, sorted[i++].at);
    kinds.push(jb.pull(audio.subarray(k * n, (k + 1) * n), now).kind);
  }
  return { audio, kinds };
}

/** Regular stream: packet k sent at k·ptime, arriving `delay(k)` ms later (NaN = lost). */
function stream(count: number, delay: (k: number) => number, s: StreamSpec = {}, drift = 0): Arrival[] {
  const ptime = (s.span ?? 160) / 8;
  const out: Arrival[] = [];
  for (let k = 0; k < count; k++) {
    const d = delay(k);
    if (!Number.isNaN(d)) out.push({ at: (k * ptime) / (1 + drift * 1e-6) + d, pkt: packet(k, s) });
  }
  return out;
}

/** Offset at which `part` occurs exactly inside `whole`, or -1. */
function findExact(whole: Int16Array, part: Int16Array): number {
  outer: for (let o = 0; o + part.length <= whole.length; o++) {
    for (let i = 0; i < part.length; i++) if (whole[o + i] !== part[i]) continue outer;
    return o;
  }
  return -1;
}

function make(o: AdaptiveJitterBufferOptions = {}): AdaptiveJitterBuffer {
  return new AdaptiveJitterBuffer(o);
}

test('silent until the target lead, then a steady stream is played sample-exactly', () => {
  const jb = make();
  const { audio, kinds } = drive(jb, stream(500, () => 40), 10000);
  assert.is(kinds[0], 'silence');
  assert.ok(kinds.indexOf('normal') > 0, 'starts playing');
  assert.is(jb.counters.late, 0);
  assert.is(jb.counters.lost, 0);
  assert.is(jb.counters.concealedSamples, 0);
  // Once settled there is no stretching: the last 4 s are the decoded stream, bit for bit.
  const tail = audio.subarray(audio.length - 32000);
  const ref = decoded(500 * 160);
  assert.ok(findExact(ref, tail.subarray(0, 4000)) >= 0, 'a 0.5 s stretch of output found verbatim in the stream');
  assert.ok(findExact(ref, tail.subarray(28000)) >= 0, 'and the last 0.5 s too');
  // With no jitter the target lead is tiny, so the delay settles low.
  assert.ok(jb.targetLeadMs <= 5, `target lead ${jb.targetLeadMs}`);
  assert.ok(jb.currentDelayMs(10000) < 30, `delay ${jb.currentDelayMs(10000)}`);
});

test('16-bit sequence and 32-bit timestamp wrap are seamless', () => {
  const s: StreamSpec = { seq0: 65500, ts0: 2 ** 32 - 160 * 40 };
  const jb = make();
  drive(jb, stream(300, (k) => 30 + ((k * 7) % 11), s), 7000);
  assert.is(jb.counters.played, 300);
  assert.is(jb.counters.late + jb.counters.lost + jb.counters.resyncs + jb.counters.duplicate, 0);
});

test('reordering and duplicates: every packet played once, in order', () => {
  const arrivals: Arrival[] = [];
  for (const a of stream(300, () => 30)) {
    const k = (a.pkt.timestamp - 5000) / 160;
    // Swap neighbours: odd packets overtake the even ones before them.
    arrivals.push({ at: a.at + (k % 2 === 0 ? 15 : 0), pkt: a.pkt });
    if (k % 7 === 3) arrivals.push({ at: a.at + 5, pkt: a.pkt });
  }
  const order: number[] = [];
  const jb = make({ onPlayed: (ts) => order.push((ts - 5000) / 160) });
  drive(jb, arrivals, 7000);
  assert.is(jb.counters.played, 300);
  assert.is(jb.counters.duplicate, 43);
  assert.is(jb.counters.late, 0);
  for (let i = 1; i < order.length; i++) if (order[i] !== order[i - 1] + 1) assert.unreachable(`played out of order at ${i}`);
});

test('an SSRC change restarts buffering and plays the new stream', () => {
  const a: StreamSpec = { ssrc: 1, sample: () => 3000 };
  const b: StreamSpec = { ssrc: 2, seq0: 40000, ts0: 999999, sample: () => -3000 };
  const arrivals = [...stream(100, () => 30, a), ...stream(100, () => 30, b).map((x) => ({ at: x.at + 2000, pkt: x.pkt }))];
  const jb = make();
  const { audio } = drive(jb, arrivals, 4600);
  assert.is(jb.counters.resyncs, 1);
  assert.is(jb.counters.played, 200);
  const ulawOf = (v: number) => decoded(1, { sample: () => v })[0];
  assert.is(audio[8000 * 1], ulawOf(3000), 'first stream at 1 s');
  assert.is(audio[8000 * 3.5], ulawOf(-3000), 'second stream at 3.5 s');
});

test('a talkspurt after silence (marker) starts at the target lead and is not counted as loss', () => {
  const arrivals = stream(100, () => 30 + ((3 * 0) % 5));
  // 1.5 s of silence: the sender stops, the timestamps run on; the next packet has the marker.
  for (let k = 175; k < 275; k++) arrivals.push({ at: k * 20 + 30, pkt: packet(k, {}, k === 175) });
  const played: Array<[number, number]> = [];
  const jb = make({ onPlayed: (ts, at) => played.push([(ts - 5000) / 160, at]) });
  drive(jb, arrivals, 6500);
  assert.is(jb.counters.played, 200);
  assert.is(jb.counters.lost, 0);
  assert.is(jb.counters.late, 0);
  const first = played.find(([k]) => k === 175);
  assert.ok(first, 'talkspurt played');
  // It played within one pull of its arrival plus the target lead (+ PLC delay).
  assert.ok(first![1] - (175 * 20 + 30) < jb.targetDelayMs + 20 + 1, `talkspurt delay ${first![1] - 3530}`);
});

test('a sender timeline jump restarts; a lone straggler does not', () => {
  const jumped: StreamSpec = { seq0: 1100, ts0: 5000 + 10_000_000 };
  const arrivals = [...stream(100, () => 30), ...stream(100, () => 30, jumped).map((x) => ({ at: x.at + 2000, pkt: x.pkt }))];
  const jb = make();
  drive(jb, arrivals, 4600);
  assert.is(jb.counters.resyncs, 1, 'the jump restarts buffering');
  assert.ok(jb.counters.played >= 198, `played ${jb.counters.played}`);

  const straggler = stream(300, (k) => (k === 50 ? 4000 : 30));
  const jb2 = make();
  drive(jb2, straggler, 7000);
  assert.is(jb2.counters.resyncs, 0, 'a 4 s straggler is not a timeline jump');
  assert.is(jb2.counters.late, 1);
  assert.is(jb2.counters.played, 299);
});

test('a 300 ms delay spike loses no packet, is kept out of the target, and the delay recovers', () => {
  // 30 ms ± 10 ms jitter; packets sent in [4000, 4300) come out when the spike ends.
  const jitter = (k: number) => 30 + ((k * 37) % 11);
  const delay = (k: number) => (k * 20 >= 4000 && k * 20 < 4300 ? 4300 - k * 20 + jitter(k) : jitter(k));
  const jb = make();
  let before = 0;
  let after = 0;
  let maxDelay = 0;
  const arrivals = stream(400, delay);
  const sorted = [...arrivals].sort((x, y) => x.at - y.at);
  const out = new Int16Array(160);
  let i = 0;
  for (let t = 0.5; t < 8500; t += 20) {
    while (i < sorted.length && sorted[i].at <= t) jb.put(sorted[i].pkt, sorted[i++].at);
    jb.pull(out, t);
    if (t > 3900 && t < 4000) before = jb.currentDelayMs(t);
    if (t > 4300) maxDelay = Math.max(maxDelay, jb.currentDelayMs(t));
    if (t > 5800 && t < 5820) after = jb.currentDelayMs(t);
  }
  assert.is(jb.counters.late, 0);
  assert.is(jb.counters.lost, 0);
  assert.is(jb.counters.played, 400);
  assert.ok(maxDelay > before + 200, `the spike was ridden out (max ${maxDelay}, before ${before})`);
  assert.ok(after < before + 25, `1.5 s after the spike the delay is back (${after} vs ${before})`);
  assert.ok(jb.targetLeadMs < 40, `target lead not inflated by the spike (${jb.targetLeadMs})`);
});

for (const drift of [300, -300]) {
  test(`clock drift ${drift} ppm for 10 minutes: no overflow or underrun, delay stays bounded`, () => {
    const count = 30000; // 10 min of 20 ms packets
    const jb = make();
    const arrivals = stream(count, (k) => 40 + ((k * 13) % 7), {}, drift);
    let maxDelay = 0;
    const sorted = arrivals;
    const out = new Int16Array(160);
    let i = 0;
    for (let t = 0.5; t < count * 20 + 500; t += 20) {
      while (i < sorted.length && sorted[i].at <= t) jb.put(sorted[i].pkt, sorted[i++].at);
      jb.pull(out, t);
      if (t > 2000 && t < count * 20 - 1000) maxDelay = Math.max(maxDelay, jb.currentDelayMs(t));
    }
    const c = jb.counters;
    assert.is(c.overflow, 0);
    assert.is(c.late + c.lost, 0);
    assert.ok(c.played === count, `played ${c.played}`);
    assert.ok(maxDelay < 50, `max delay ${maxDelay} ms`);
    // Drift of 300 ppm over 10 min is 180 ms of media to absorb by stretching.
    const stretched = drift > 0 ? c.acceleratedSamples : c.expandedSamples;
    assert.ok(stretched / 8 > 150, `stretched ${stretched / 8} ms`);
  });
}

test('lost packets are concealed, not played as silence', () => {
  const jb = make();
  // Up to 10 s: the stream (500 packets) is still running.
  const { audio } = drive(jb, stream(520, (k) => (k % 20 === 10 ? NaN : 35)), 10000);
  assert.is(jb.counters.lost, 25);
  assert.ok(Math.abs(jb.counters.concealedSamples - 25 * 160) <= 160, `concealed ${jb.counters.concealedSamples}`);
  // No 20 ms stretch of digital silence once playing (the speech has no such gaps).
  let silentPulls = 0;
  for (let k = 10; k < audio.length / 160 - 5; k++) {
    let e = 0;
    for (let j = k * 160; j < (k + 1) * 160; j++) e += Math.abs(audio[j]);
    if (e === 0) silentPulls++;
  }
  assert.is(silentPulls, 0);
});

for (const span of [80, 240]) {
  test(`${span / 8} ms packets: all played, sample-exact in steady state`, () => {
    const s: StreamSpec = { span };
    const count = Math.floor(8000 / (span / 8));
    const jb = make();
    const { audio } = drive(jb, stream(count, () => 25, s), 8400);
    assert.is(jb.counters.played, count);
    assert.is(jb.counters.late + jb.counters.lost, 0);
    const ref = decoded(count * span, s);
    assert.ok(findExact(ref, audio.subarray(48000, 52000)) >= 0, 'output found verbatim in the stream');
  });
}

test('a packet arriving after its playout time is dropped and counted late', () => {
  const jb = make();
  drive(jb, stream(300, (k) => (k === 150 ? 400 : 30 + (k % 3))), 7000);
  assert.is(jb.counters.late, 1);
  assert.is(jb.counters.played, 299);
});

test('reset forgets the stream; pull before any packet is silence', () => {
  const jb = make();
  const out = new Int16Array(160).fill(7);
  assert.is(jb.pull(out, 0).kind, 'silence');
  assert.ok(out.every((v) => v === 0));
  drive(jb, stream(50, () => 30), 1500);
  assert.is(jb.state, 'playing');
  jb.reset();
  assert.is(jb.state, 'idle');
  assert.is(jb.size, 0);
  assert.is(jb.pull(out, 2000).kind, 'silence');
  jb.put(packet(0, { ssrc: 9 }), 2001);
  assert.is(jb.state, 'buffering');
});

test.run();
