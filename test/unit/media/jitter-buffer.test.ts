import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JitterBuffer } from '../../../firmware/media/jitter-buffer.js';
import type { JitterOutput } from '../../../firmware/media/jitter-buffer.js';
import type { RtpPacket } from '../../../firmware/media/rtp-packet.js';

function pkt(sequence: number, timestamp: number, o: { ssrc?: number; marker?: boolean; tag?: number } = {}): RtpPacket {
  return {
    version: 2,
    padding: false,
    marker: o.marker ?? false,
    payloadType: 0,
    sequence: sequence & 0xffff,
    timestamp: timestamp >>> 0,
    ssrc: o.ssrc ?? 0x1111,
    csrcs: [],
    payload: Uint8Array.of(o.tag ?? sequence & 0xff),
  };
}

/** What `get` returned, compactly: 'a<tag>', 'm', or 'e'. */
function show(o: JitterOutput): string {
  return o.kind === 'audio' ? `a${o.payload[0]}` : o.kind === 'missing' ? 'm' : 'e';
}

/** Drive the buffer: `arrivals` maps a time (ms) to packets put then; get every 20 ms from t=0. */
function drive(jb: JitterBuffer, arrivals: Map<number, RtpPacket[]>, until: number): string[] {
  const out: string[] = [];
  for (let t = 0; t <= until; t += 10) {
    for (const p of arrivals.get(t) ?? []) jb.put(p, t);
    if (t % 20 === 0) out.push(show(jb.get(t)));
  }
  return out;
}

test('empty before the first packet; plays delayMs after it, in order', () => {
  const jb = new JitterBuffer({ delayMs: 60 });
  const arrivals = new Map<number, RtpPacket[]>();
  for (let i = 0; i < 5; i++) arrivals.set(100 + 20 * i, [pkt(10 + i, 1000 + 160 * i)]);
  const out = drive(jb, arrivals, 300);
  // first packet at t=100 → playout from t=160
  assert.equal(out.slice(0, 8), ['e', 'e', 'e', 'e', 'e', 'e', 'e', 'e']);
  assert.equal(out.slice(8, 13), ['a10', 'a11', 'a12', 'a13', 'a14']);
  assert.equal(out.slice(13), ['m', 'm', 'm'], 'then the stream runs dry');
  assert.is(jb.stats.received, 5);
  assert.is(jb.stats.lost, 3);
});

test('reordered packets are played in timestamp order', () => {
  const jb = new JitterBuffer({ delayMs: 60 });
  const arrivals = new Map<number, RtpPacket[]>([
    [0, [pkt(3, 480)]],
    [10, [pkt(1, 160), pkt(0, 0)]],
    [20, [pkt(2, 320)]],
    [40, [pkt(5, 800), pkt(4, 640)]],
  ]);
  const out = drive(jb, arrivals, 200).filter((s) => s !== 'e');
  assert.equal(out.slice(0, 6), ['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
  assert.is(jb.stats.late, 0);
});

test('duplicates are dropped and counted', () => {
  const jb = new JitterBuffer({ delayMs: 40 });
  const arrivals = new Map<number, RtpPacket[]>();
  for (let i = 0; i < 6; i++) arrivals.set(20 * i, [pkt(i, 160 * i)]);
  arrivals.set(30, [pkt(1, 160)]); // copy still buffered
  arrivals.set(150, [pkt(2, 320)]); // copy of a packet already played
  const out = drive(jb, arrivals, 200).filter((s) => s.startsWith('a'));
  assert.equal(out, ['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
  assert.is(jb.stats.duplicate, 2);
});

test('sequence wrap 65535 → 0 and timestamp wrap 2^32 → 0 play through', () => {
  const jb = new JitterBuffer({ delayMs: 40 });
  const arrivals = new Map<number, RtpPacket[]>();
  const ts0 = 0xffffffff - 160 * 3 + 1; // wraps after 3 packets
  for (let i = 0; i < 8; i++) arrivals.set(20 * i, [pkt(65532 + i, ts0 + 160 * i, { tag: i })]);
  const out = drive(jb, arrivals, 300).filter((s) => s !== 'e');
  assert.equal(out.slice(0, 8), ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']);
  assert.is(jb.stats.late + jb.stats.duplicate + jb.stats.overflow, 0);
});

test('a lost packet is reported as missing at its timestamp', () => {
  const jb = new JitterBuffer({ delayMs: 40 });
  for (let i = 0; i < 5; i++) if (i !== 2) jb.put(pkt(i, 160 * i), 20 * i);
  const outs: JitterOutput[] = [];
  for (let t = 100; t <= 180; t += 20) outs.push(jb.get(t));
  assert.equal(outs.map(show), ['a0', 'a1', 'm', 'a3', 'a4']);
  const m = outs[2]!;
  assert.is(m.kind === 'missing' ? m.timestamp : -1, 320);
  assert.is(jb.stats.lost, 1);
});

test('a packet arriving after its playout time is dropped as late', () => {
  const jb = new JitterBuffer({ delayMs: 40 });
  jb.put(pkt(0, 0), 0);
  jb.put(pkt(1, 160), 20);
  jb.put(pkt(3, 480), 60);
  const seen: string[] = [];
  for (let t = 40; t <= 100; t += 20) {
    if (t === 100) jb.put(pkt(2, 320), 100); // its slot was played (missing) at t=80
    seen.push(show(jb.get(t)));
  }
  assert.equal(seen, ['a0', 'a1', 'm', 'a3']);
  assert.is(jb.stats.late, 1);
  assert.is(jb.stats.lost, 1);
});

test('an SSRC change restarts buffering with the new stream', () => {
  const jb = new JitterBuffer({ delayMs: 60 });
  const arrivals = new Map<number, RtpPacket[]>();
  for (let i = 0; i < 5; i++) arrivals.set(20 * i, [pkt(i, 160 * i, { tag: i })]);
  for (let i = 0; i < 5; i++) arrivals.set(200 + 20 * i, [pkt(5000 + i, 777777 + 160 * i, { ssrc: 0x2222, tag: 100 + i })]);
  const out = drive(jb, arrivals, 400);
  const t = (ms: number) => out[ms / 20];
  assert.is(t(60), 'a0');
  assert.is(t(140), 'a4');
  assert.is(t(200), 'e', 'new stream buffers');
  assert.is(t(240), 'e');
  assert.is(t(260), 'a100', 'plays 60 ms after the new stream began');
  assert.is(t(340), 'a104');
  assert.is(jb.stats.resyncs, 1);
});

test('marker bit after a silence gap resynchronises (no run of missing frames)', () => {
  const jb = new JitterBuffer({ delayMs: 60, gapMs: 200 });
  const arrivals = new Map<number, RtpPacket[]>();
  for (let i = 0; i < 5; i++) arrivals.set(20 * i, [pkt(i, 160 * i, { tag: i })]);
  // 100 ms of DTX, then a new talkspurt: timestamps jump by 1 s, marker set on its first packet.
  for (let i = 0; i < 5; i++) arrivals.set(200 + 20 * i, [pkt(5 + i, 8000 + 160 * i, { marker: i === 0, tag: 10 + i })]);
  const out = drive(jb, arrivals, 500);
  const t = (ms: number) => out[ms / 20];
  assert.is(t(140), 'a4');
  assert.is(t(160), 'm', 'the stream is running dry');
  assert.is(t(180), 'm');
  assert.is(t(200), 'e', 'talkspurt seen: buffering again');
  assert.is(t(220), 'e');
  assert.is(t(240), 'e');
  assert.is(t(260), 'a10', 'first packet of the talkspurt, 60 ms after it arrived');
  assert.is(t(340), 'a14');
  assert.is(jb.stats.resyncs, 1);
});

test('a long gap turns missing into empty; the stream resumes after buffering', () => {
  const jb = new JitterBuffer({ delayMs: 40, gapMs: 100 });
  const arrivals = new Map<number, RtpPacket[]>();
  for (let i = 0; i < 3; i++) arrivals.set(20 * i, [pkt(i, 160 * i, { tag: i })]);
  arrivals.set(600, [pkt(3, 160 * 3, { tag: 3 })]); // same stream, no marker, very late sender
  arrivals.set(620, [pkt(40, 160 * 40, { tag: 40 })]);
  const out = drive(jb, arrivals, 800);
  const t = (ms: number) => out[ms / 20];
  assert.equal([t(40), t(60), t(80)], ['a0', 'a1', 'a2']);
  assert.equal([t(100), t(120), t(140), t(160), t(180)], ['m', 'm', 'm', 'm', 'm']);
  assert.is(t(200), 'e');
  assert.is(t(560), 'e');
  assert.is(jb.stats.late, 1, 'packet 3 belongs to the past');
  assert.is(t(640), 'e', 'buffering the resumed stream');
  assert.is(t(660), 'a40');
});

test('the stream goes idle after running dry for gapMs', () => {
  const jb = new JitterBuffer({ delayMs: 20, gapMs: 100 });
  jb.put(pkt(0, 0), 0);
  assert.is(show(jb.get(20)), 'a0');
  const after = [40, 60, 80, 100, 120, 140].map((t) => show(jb.get(t)));
  assert.equal(after, ['m', 'm', 'm', 'm', 'm', 'e']);
  assert.is(jb.state, 'idle');
});

test('overflow drops the oldest packets', () => {
  const jb = new JitterBuffer({ delayMs: 60, maxPackets: 10 });
  for (let i = 0; i < 15; i++) jb.put(pkt(i, 160 * i), 0);
  assert.is(jb.stats.overflow, 5);
  assert.is(jb.size, 10);
  const first = jb.get(60);
  assert.is(show(first), 'a5');
});

test('timestamp jump back by more than resyncMs starts a new stream', () => {
  const jb = new JitterBuffer({ delayMs: 40, resyncMs: 1000 });
  for (let i = 0; i < 4; i++) jb.put(pkt(i, 100000 + 160 * i), 20 * i);
  jb.get(40);
  jb.get(60);
  jb.put(pkt(4, 5, { tag: 99 }), 70); // sender restarted its timestamps
  assert.is(jb.stats.resyncs, 1);
  assert.is(show(jb.get(80)), 'e');
  assert.is(show(jb.get(120)), 'a99');
});

test('reset empties the buffer', () => {
  const jb = new JitterBuffer();
  jb.put(pkt(0, 0), 0);
  jb.reset();
  assert.is(jb.state, 'idle');
  assert.is(jb.size, 0);
  assert.is(show(jb.get(1000)), 'e');
  jb.put(pkt(1, 160, { ssrc: 0x9999 }), 1000);
  assert.is(jb.stats.resyncs, 0, 'after reset a new SSRC is simply the first stream');
  assert.is(show(jb.get(1060)), 'a1');
});

test.run();
