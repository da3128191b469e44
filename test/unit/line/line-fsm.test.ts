import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { DEFAULT_TIMINGS, LineFsm } from '../../../firmware/line/line-fsm.js';
import type { LineAction } from '../../../firmware/line/line-fsm.js';

function drain(fsm: LineFsm): LineAction[] {
  const out: LineAction[] = [];
  for (let a = fsm.poll(); a; a = fsm.poll()) out.push(a);
  return out;
}

/** Advance a FSM's own timers up to `to`, collecting actions with their times. */
function runUntil(fsm: LineFsm, from: number, to: number): Array<[number, LineAction]> {
  const out: Array<[number, LineAction]> = [];
  for (let d = fsm.nextDeadline(); d !== undefined && d <= to; d = fsm.nextDeadline()) {
    fsm.handleTimeout(d);
    for (const a of drain(fsm)) out.push([d, a]);
  }
  void from;
  return out;
}

test('off-hook gives dial tone; digits stop it and # dials what was collected', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'off-hook' }, 0);
  assert.equal(drain(fsm), [{ type: 'tone', tone: 'dial' }]);
  fsm.handle({ type: 'digit', digit: '5' }, 100);
  assert.equal(drain(fsm), [{ type: 'tone', tone: 'none' }]);
  fsm.handle({ type: 'digit', digit: '5' }, 200);
  fsm.handle({ type: 'digit', digit: '#' }, 300);
  assert.equal(drain(fsm), [{ type: 'place-call', number: '55' }]);
  assert.is(fsm.state, 'calling');
});

test('the inter-digit timeout dials after 4 s without a digit', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'off-hook' }, 0);
  fsm.handle({ type: 'digit', digit: '1' }, 1000);
  fsm.handle({ type: 'digit', digit: '2' }, 2000);
  drain(fsm);
  assert.is(fsm.nextDeadline(), 2000 + DEFAULT_TIMINGS.interDigitMs);
  fsm.handleTimeout(5999);
  assert.equal(drain(fsm), []);
  fsm.handleTimeout(6000);
  assert.equal(drain(fsm), [{ type: 'place-call', number: '12' }]);
});

test('an incoming call rings with the cadence, off-hook answers and stops the ringing', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'incoming-call', callId: 'c1' }, 0);
  assert.equal(drain(fsm), [{ type: 'send-ringing', callId: 'c1' }, { type: 'ring', on: true }]);
  const ring = runUntil(fsm, 0, 12000).filter(([, a]) => a.type === 'ring');
  assert.equal(ring, [
    [2000, { type: 'ring', on: false }],
    [6000, { type: 'ring', on: true }],
    [8000, { type: 'ring', on: false }],
    [12000, { type: 'ring', on: true }],
  ]);
  fsm.handle({ type: 'off-hook' }, 12500);
  assert.equal(drain(fsm), [{ type: 'ring', on: false }, { type: 'answer', callId: 'c1' }, { type: 'media', callId: 'c1' }]);
  assert.is(fsm.state, 'connected');
  assert.is(fsm.nextDeadline(), undefined);
});

test('a second call while busy is rejected with 486', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'off-hook' }, 0);
  drain(fsm);
  fsm.handle({ type: 'incoming-call', callId: 'c2' }, 10);
  assert.equal(drain(fsm), [{ type: 'reject', callId: 'c2', status: 486 }]);
});

test('far-end hang-up gives reorder until on-hook; on-hook while connected sends a hang-up', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'off-hook' }, 0);
  fsm.handle({ type: 'digit', digit: '7' }, 10);
  fsm.handle({ type: 'digit', digit: '#' }, 20);
  drain(fsm);
  fsm.callPlaced('out1');
  fsm.handle({ type: 'call-progress', callId: 'out1', status: 180, earlyMedia: false }, 30);
  assert.equal(drain(fsm), [{ type: 'tone', tone: 'ringback' }]);
  fsm.handle({ type: 'call-answered', callId: 'out1' }, 40);
  assert.equal(drain(fsm), [{ type: 'tone', tone: 'none' }, { type: 'media', callId: 'out1' }]);
  fsm.handle({ type: 'call-ended', callId: 'out1', reason: 'remote-hangup' }, 50);
  assert.equal(drain(fsm), [{ type: 'media', callId: null }, { type: 'tone', tone: 'reorder' }]);
  fsm.handle({ type: 'on-hook' }, 60);
  assert.equal(drain(fsm), [{ type: 'media', callId: null }, { type: 'tone', tone: 'none' }]);
  assert.is(fsm.state, 'idle');

  const f2 = new LineFsm();
  f2.handle({ type: 'incoming-call', callId: 'in' }, 0);
  f2.handle({ type: 'off-hook' }, 100);
  drain(f2);
  f2.handle({ type: 'on-hook' }, 200);
  assert.equal(drain(f2)[0], { type: 'hangup', callId: 'in' });
});

test('a busy answer gives busy tone; a cancelled incoming call stops ringing', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'off-hook' }, 0);
  fsm.handle({ type: 'digit', digit: '9' }, 10);
  fsm.handle({ type: 'digit', digit: '#' }, 20);
  fsm.callPlaced('x');
  drain(fsm);
  fsm.handle({ type: 'call-ended', callId: 'x', reason: 'rejected', status: 486 }, 30);
  assert.equal(drain(fsm), [{ type: 'media', callId: null }, { type: 'tone', tone: 'busy' }]);

  const f2 = new LineFsm();
  f2.handle({ type: 'incoming-call', callId: 'y' }, 0);
  drain(f2);
  f2.handle({ type: 'call-ended', callId: 'y', reason: 'cancelled' }, 500);
  assert.equal(drain(f2), [{ type: 'ring', on: false }]);
  assert.is(f2.state, 'idle');
  assert.is(f2.nextDeadline(), undefined);
});

test('receiver left off-hook: dial tone, reorder, howler, then silence', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'off-hook' }, 0);
  drain(fsm);
  const steps = runUntil(fsm, 0, 200000).map(([t, a]) => [t, a.type === 'tone' ? a.tone : a.type]);
  const t = DEFAULT_TIMINGS;
  assert.equal(steps, [
    [t.dialToneMs, 'reorder'],
    [t.dialToneMs + t.endedToneMs, 'howler'],
    [t.dialToneMs + t.endedToneMs + t.howlerMs, 'none'],
  ]);
  assert.is(fsm.state, 'lockout');
});

test('an empty dial (# alone) is refused with reorder, and illegal transitions throw', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'off-hook' }, 0);
  drain(fsm);
  fsm.handle({ type: 'digit', digit: '#' }, 10);
  assert.equal(drain(fsm), [{ type: 'tone', tone: 'none' }, { type: 'tone', tone: 'reorder' }]);
  assert.is(fsm.state, 'ended');
  const bad = new LineFsm();
  assert.throws(() => (bad as unknown as { go(s: string, e: string): void }).go('connected', 'test'), (e: unknown) => e instanceof IllegalTransitionError);
});

test.run();
