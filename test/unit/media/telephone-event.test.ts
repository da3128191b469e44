import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SharedRtpStream,
  TelephoneEventParseError,
  decodeTelephoneEvents,
  digitToEvent,
  encodeTelephoneEvent,
  eventToDigit,
} from '../../../firmware/media/telephone-event.js';
import { TelephoneEventSender } from '../../../firmware/media/telephone-event-sender.js';
import type { TelephoneEventPacket } from '../../../firmware/media/telephone-event-sender.js';
import { TelephoneEventReceiver } from '../../../firmware/media/telephone-event-receiver.js';
import type { TelephoneEventNotice } from '../../../firmware/media/telephone-event-receiver.js';
import { parseRtp, serializeRtp, seqDiff } from '../../../firmware/media/rtp-packet.js';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { lcg } from './support.js';

const PT = 101;

function stream(sequence = 1000, timestamp = 50000): SharedRtpStream {
  return new SharedRtpStream({ ssrc: 0x11223344, sequence, timestamp, startTime: 0 });
}

/** Run a sender from `t0`, polling every ms, key down for `holdMs`; returns the packets with their send times. */
function sendDigit(tx: TelephoneEventSender, digit: string, t0: number, holdMs: number): Array<{ at: number; p: TelephoneEventPacket }> {
  const out: Array<{ at: number; p: TelephoneEventPacket }> = [];
  tx.start(digit, t0);
  let t = t0;
  for (; t < t0 + holdMs; t++) for (const p of tx.poll(t)) out.push({ at: t, p });
  tx.stop(t);
  for (; tx.busy; t++) for (const p of tx.poll(t)) out.push({ at: t, p });
  return out;
}

const decode = (p: TelephoneEventPacket) => decodeTelephoneEvents(p.payload)[0] as ReturnType<typeof decodeTelephoneEvents>[number];

test('payload codec: event/E/volume/duration round trip, digit map, bad lengths', () => {
  for (let e = 0; e < 16; e++) assert.is(digitToEvent(eventToDigit(e) as string), e);
  assert.is(digitToEvent('*'), 10);
  assert.is(digitToEvent('#'), 11);
  assert.is(digitToEvent('a'), 12);
  assert.is(eventToDigit(16), undefined);
  const bytes = encodeTelephoneEvent({ event: 11, end: true, volume: 13, duration: 0x1234 });
  assert.equal([...bytes], [11, 0x80 | 13, 0x12, 0x34]);
  assert.equal(decodeTelephoneEvents(bytes), [{ event: 11, end: true, volume: 13, duration: 0x1234 }]);
  assert.throws(() => decodeTelephoneEvents(new Uint8Array(3)), (e: unknown) => e instanceof TelephoneEventParseError);
  assert.throws(() => decodeTelephoneEvents(new Uint8Array(0)), (e: unknown) => e instanceof TelephoneEventParseError);
  assert.throws(() => encodeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 }), RangeError);
  assert.throws(() => encodeTelephoneEvent({ event: 1, end: false, volume: 1, duration: 0x10000 }), RangeError);
});

test('sender: marker on first packet only, shared start timestamp, cumulative durations every interval, 3 end copies', () => {
  const s = stream();
  const tx = new TelephoneEventSender({ stream: s, payloadType: PT, updateIntervalMs: 20 });
  const pk = sendDigit(tx, '5', 100, 120);
  const startTs = s.timestampAt(100);
  assert.ok(pk.length >= 9, `${pk.length} packets`);
  assert.is(pk[0]?.p.marker, true);
  assert.ok(pk.slice(1).every((x) => !x.p.marker), 'marker only on the first');
  assert.ok(pk.every((x) => x.p.timestamp === startTs && x.p.payloadType === PT && x.p.ssrc === 0x11223344), 'same timestamp/pt/ssrc');
  assert.ok(pk.every((x) => decode(x.p).event === 5 && decode(x.p).volume === 10));
  // Updates every 20 ms with duration = elapsed ticks; first duration 0.
  const updates = pk.filter((x) => !decode(x.p).end);
  updates.forEach((x, i) => {
    assert.is(x.at, 100 + 20 * i, `update ${i} time`);
    assert.is(decode(x.p).duration, (x.at - 100) * 8, `update ${i} duration`);
  });
  const ends = pk.filter((x) => decode(x.p).end);
  assert.is(ends.length, 3, 'end packet sent 3 times');
  assert.ok(ends.every((x) => decode(x.p).duration === 120 * 8), 'end duration = hold time');
  assert.is(ends[1]!.at - ends[0]!.at, 20, 'end copies spaced by the interval');
  // Every packet has a new consecutive sequence number.
  for (let i = 1; i < pk.length; i++) assert.is(seqDiff(pk[i]!.p.sequence, pk[i - 1]!.p.sequence), 1);
  assert.is(tx.nextDeadline(), null);
});

test('sender: audio and events share one sequence space; wraps at 0xFFFF', () => {
  const s = stream(0xfffe);
  const tx = new TelephoneEventSender({ stream: s, payloadType: PT });
  const audio1 = s.nextSequence(); // an audio packet before the event
  const pk = sendDigit(tx, '#', 0, 60);
  const audio2 = s.nextSequence();
  const seqs = [audio1, ...pk.map((x) => x.p.sequence), audio2];
  assert.is(seqs[0], 0xfffe);
  assert.is(seqs[2], 0, 'wrapped');
  for (let i = 1; i < seqs.length; i++) assert.is(seqDiff(seqs[i]!, seqs[i - 1]!), 1, `seq ${i}`);
  assert.is(decode(pk[0]!.p).event, 11);
});

test('sender: events longer than 0xFFFF ticks are segmented (new timestamp, no marker)', () => {
  const s = stream(1, 0xffff0000); // timestamps also wrap
  const tx = new TelephoneEventSender({ stream: s, payloadType: PT, updateIntervalMs: 50 });
  const holdMs = 20000; // 160000 ticks = 2 full segments + 28930
  const pk = sendDigit(tx, '0', 0, holdMs);
  const ts0 = s.timestampAt(0);
  const tsList = [...new Set(pk.map((x) => x.p.timestamp))];
  assert.equal(tsList, [ts0, (ts0 + 0xffff) >>> 0, (ts0 + 2 * 0xffff) >>> 0]);
  assert.is(pk.filter((x) => x.p.marker).length, 1, 'one marker');
  for (const seg of tsList.slice(0, 2)) {
    const last = pk.filter((x) => x.p.timestamp === seg).at(-1)!;
    assert.is(decode(last.p).duration, 0xffff, 'segment closes at 0xFFFF');
    assert.is(decode(last.p).end, false);
  }
  const ends = pk.filter((x) => decode(x.p).end);
  assert.is(ends.length, 3);
  assert.ok(ends.every((x) => x.p.timestamp === tsList[2] && decode(x.p).duration === holdMs * 8 - 2 * 0xffff));
  // Durations never exceed 0xFFFF and grow within a segment.
  assert.ok(pk.every((x) => decode(x.p).duration <= 0xffff));
});

test('sender: late polling sends one update, not a backlog; illegal moves throw', () => {
  const s = stream();
  const tx = new TelephoneEventSender({ stream: s, payloadType: PT });
  tx.start('1', 0);
  assert.is(tx.poll(0).length, 1);
  assert.is(tx.poll(10).length, 0);
  const late = tx.poll(95);
  assert.is(late.length, 1);
  assert.is(decode(late[0]!).duration, 95 * 8);
  assert.is(tx.nextDeadline(), 115);
  assert.is(tx.sending, true);
  assert.throws(() => tx.start('2', 100), (e: unknown) => e instanceof IllegalTransitionError);
  tx.stop(100);
  assert.is(tx.sending, false);
  assert.is(tx.busy, true);
  assert.throws(() => tx.stop(101), (e: unknown) => e instanceof IllegalTransitionError);
});

test('sender: a new digit during the end copies flushes them first; muting covers event + hangover', () => {
  const s = stream();
  const tx = new TelephoneEventSender({ stream: s, payloadType: PT, hangoverMs: 40 });
  assert.is(tx.muteAudio(0), false);
  tx.start('1', 0);
  assert.is(tx.muteAudio(0), true);
  tx.poll(0);
  tx.stop(70);
  const first = tx.poll(70);
  assert.is(first.length, 1);
  tx.start('2', 75);
  const pk = tx.poll(75);
  assert.equal(pk.map((p) => [decode(p).event, decode(p).end, p.marker]), [
    [1, true, false],
    [1, true, false],
    [2, false, true],
  ]);
  tx.stop(120);
  let t = 120;
  for (; tx.busy; t++) tx.poll(t);
  assert.is(tx.muteAudio(t), true, 'hangover');
  assert.is(tx.muteAudio(t + 40), false, 'unmuted after hangover');
});

test('receiver: reports once at start, de-duplicates updates and end copies, ends on E', () => {
  const s = stream();
  const tx = new TelephoneEventSender({ stream: s, payloadType: PT });
  const rx = new TelephoneEventReceiver();
  const notices: TelephoneEventNotice[] = [];
  for (const { at, p } of sendDigit(tx, '7', 0, 100)) notices.push(...rx.receive(parseRtp(serializeRtp(p)), at));
  assert.equal(
    notices.map((n) => [n.type, n.digit]),
    [
      ['begin', '7'],
      ['end', '7'],
    ],
  );
  const end = notices[1] as Extract<TelephoneEventNotice, { type: 'end' }>;
  assert.is(end.duration, 800);
  assert.is(end.reason, 'end-bit');
  assert.is((notices[0] as Extract<TelephoneEventNotice, { type: 'begin' }>).markerSeen, true);
  assert.is(rx.nextDeadline(), null);
});

test('receiver: first packet lost → begin at the first seen; all end packets lost → end on timeout', () => {
  const s = stream();
  const tx = new TelephoneEventSender({ stream: s, payloadType: PT });
  const rx = new TelephoneEventReceiver({ timeoutMs: 250 });
  const pk = sendDigit(tx, '9', 0, 100).filter((x, i) => i > 0 && !decode(x.p).end);
  const n1 = rx.receive(pk[0]!.p, pk[0]!.at);
  assert.equal(n1.map((n) => [n.type, n.digit]), [['begin', '9']]);
  assert.is((n1[0] as Extract<TelephoneEventNotice, { type: 'begin' }>).markerSeen, false);
  let last = 0;
  for (const x of pk.slice(1)) {
    assert.equal(rx.receive(x.p, x.at), []);
    last = x.at;
  }
  assert.is(rx.nextDeadline(), last + 250);
  assert.equal(rx.handleTimeout(last + 249), []);
  const n2 = rx.handleTimeout(last + 250);
  assert.equal(n2.map((n) => [n.type, n.digit]), [['end', '9']]);
  assert.is((n2[0] as Extract<TelephoneEventNotice, { type: 'end' }>).reason, 'timeout');
  // A late end copy of the ended event is recognised and ignored.
  const lateEnd = sendDigit(new TelephoneEventSender({ stream: stream(), payloadType: PT }), '9', 0, 100).at(-1)!;
  assert.equal(rx.receive(lateEnd.p, last + 300), []);
});

test('receiver: long (segmented) events are one event; stale and non-DTMF packets ignored', () => {
  const s = stream(1, 0xfffff000);
  const tx = new TelephoneEventSender({ stream: s, payloadType: PT, updateIntervalMs: 50 });
  const rx = new TelephoneEventReceiver();
  const notices: TelephoneEventNotice[] = [];
  for (const { at, p } of sendDigit(tx, 'D', 0, 20000)) notices.push(...rx.receive(p, at));
  assert.equal(notices.map((n) => n.type), ['begin', 'end']);
  assert.is((notices[1] as Extract<TelephoneEventNotice, { type: 'end' }>).duration, 160000);
  assert.is(notices[1]!.timestamp, s.timestampAt(0));
  const flash = encodeTelephoneEvent({ event: 16, end: false, volume: 10, duration: 0 });
  assert.equal(rx.receive({ marker: true, timestamp: s.timestampAt(30000), payload: flash }, 30000), []);
  const old = encodeTelephoneEvent({ event: 3, end: false, volume: 10, duration: 160 });
  assert.equal(rx.receive({ marker: true, timestamp: s.timestampAt(-100), payload: old }, 30001), [], 'older than the latest event');
  const late = encodeTelephoneEvent({ event: 13, end: false, volume: 10, duration: 800 });
  assert.equal(rx.receive({ marker: false, timestamp: s.timestampAt(0), payload: late }, 30002), [], 'late update of the first segment');
});

test('round trip through a lossy, reordering channel: every digit once, in order', () => {
  const digits = '0123456789*#ABCD159';
  for (let seed = 1; seed <= 20; seed++) {
    const rnd = lcg(seed);
    const s = stream(Math.floor(rnd() * 65536), Math.floor(rnd() * 2 ** 32));
    const tx = new TelephoneEventSender({ stream: s, payloadType: PT, updateIntervalMs: 20 });
    const rx = new TelephoneEventReceiver({ timeoutMs: 250 });
    // Send: 100 ms key, 100 ms gap (sender timeline in ms).
    const sent: Array<{ at: number; p: TelephoneEventPacket }> = [];
    let t = 0;
    digits.split('').forEach((d, i) => {
      const pk = sendDigit(tx, d, t, 100);
      // Always lose the first packet and all end packets of some digits.
      const lossy = i % 3 === 0;
      for (const [k, x] of pk.entries()) {
        if (lossy && (k === 0 || decode(x.p).end)) continue;
        if (rnd() < 0.1) continue; // 10 % random loss
        sent.push(x);
      }
      t += 200 + 400; // room for the end copies and the receive timeout
    });
    // Channel: jitter up to 60 ms reorders packets.
    const arrivals = sent.map((x) => ({ at: x.at + Math.floor(rnd() * 60), p: x.p })).sort((a, b) => a.at - b.at);
    const got: TelephoneEventNotice[] = [];
    for (const a of arrivals) {
      const dl = rx.nextDeadline();
      if (dl !== null && dl <= a.at) got.push(...rx.handleTimeout(dl));
      got.push(...rx.receive(parseRtp(serializeRtp(a.p)), a.at));
    }
    const dl = rx.nextDeadline();
    if (dl !== null) got.push(...rx.handleTimeout(dl));
    const begins = got.filter((n) => n.type === 'begin').map((n) => n.digit).join('');
    const ends = got.filter((n) => n.type === 'end').map((n) => n.digit).join('');
    assert.is(begins, digits, `seed ${seed} begins`);
    assert.is(ends, digits, `seed ${seed} ends`);
    const reasons = new Set<string>(got.map((n) => (n.type === 'end' ? n.reason : n.markerSeen ? 'marker' : 'no-marker')));
    for (const r of ['end-bit', 'timeout', 'marker', 'no-marker']) assert.ok(reasons.has(r), `seed ${seed}: some ${r}`);
  }
});

test.run();
