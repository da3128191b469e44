import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { DEFAULT_TIMINGS, LineFsm } from '../../../firmware/line/line-fsm.js';
import type { LineAction } from '../../../firmware/line/line-fsm.js';
import { FsmHarness } from './fsm-harness.js';

function drain(fsm: LineFsm): LineAction[] {
  const out: LineAction[] = [];
  for (let a = fsm.poll(); a; a = fsm.poll()) out.push(a);
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
  assert.equal(drain(fsm), [{ type: 'place-call', number: '55', path: 'handset', anonymous: false }]);
  assert.is(fsm.state, 'calling');
});

test('the inter-digit timeout dials after the short timer without a digit', () => {
  const fsm = new LineFsm();
  fsm.handle({ type: 'off-hook' }, 0);
  fsm.handle({ type: 'digit', digit: '1' }, 1000);
  fsm.handle({ type: 'digit', digit: '2' }, 2000);
  drain(fsm);
  assert.is(fsm.nextDeadline(), 2000 + DEFAULT_TIMINGS.interDigitMs);
  fsm.handleTimeout(5999);
  assert.equal(drain(fsm), []);
  fsm.handleTimeout(6000);
  assert.equal(drain(fsm), [{ type: 'place-call', number: '12', path: 'handset', anonymous: false }]);
});

test('an incoming call rings with the cadence, off-hook answers and stops the ringing', () => {
  const h = new FsmHarness();
  h.send({ type: 'incoming-call', callId: 'c1' });
  assert.equal(h.take(), [{ type: 'send-ringing', callId: 'c1' }, { type: 'ring', on: true }]);
  h.advance(12000);
  const ring = h.log.filter(([, a]) => a.type === 'ring').slice(1);
  assert.equal(ring, [
    [2000, { type: 'ring', on: false }],
    [6000, { type: 'ring', on: true }],
    [8000, { type: 'ring', on: false }],
    [12000, { type: 'ring', on: true }],
  ]);
  h.take();
  h.send({ type: 'off-hook' }, 500);
  assert.equal(h.take(), [{ type: 'ring', on: false }, { type: 'answer', callId: 'c1' }, { type: 'media', callIds: ['c1'] }]);
  assert.is(h.fsm.state, 'connected');
  assert.is(h.fsm.nextDeadline(), undefined);
});

test('a distinctive cadence given with the call is used instead of the default', () => {
  const h = new FsmHarness();
  h.send({ type: 'incoming-call', callId: 'c1', cadence: [800, 400, 800, 4000] });
  h.advance(6000);
  const times = h.log.filter(([, a]) => a.type === 'ring').map(([t, a]) => [t, (a as { on: boolean }).on]);
  assert.equal(times, [[0, true], [800, false], [1200, true], [2000, false], [6000, true]]);
});

test('a second call while busy (not talking) is rejected with 486', () => {
  const h = new FsmHarness();
  h.send({ type: 'off-hook' }).take();
  h.send({ type: 'incoming-call', callId: 'c2' }, 10);
  assert.equal(h.take(), [{ type: 'reject', callId: 'c2', status: 486 }]);
});

test('far-end hang-up gives reorder until on-hook; on-hook while connected sends a hang-up', () => {
  const h = new FsmHarness();
  h.send({ type: 'off-hook' }).dial('7#');
  h.take();
  const id = h.fsm.currentCall!;
  h.send({ type: 'call-progress', callId: id, status: 180, earlyMedia: false }, 10);
  assert.equal(h.take(), [{ type: 'tone', tone: 'ringback' }]);
  h.send({ type: 'call-answered', callId: id }, 10);
  assert.equal(h.take(), [{ type: 'tone', tone: 'none' }, { type: 'media', callIds: [id] }]);
  h.send({ type: 'call-ended', callId: id, reason: 'remote-hangup' }, 10);
  assert.equal(h.take(), [{ type: 'media', callIds: [] }, { type: 'tone', tone: 'reorder' }]);
  h.send({ type: 'on-hook' }, 10);
  assert.equal(h.take(), [{ type: 'tone', tone: 'none' }, { type: 'media', callIds: [] }]);
  assert.is(h.fsm.state, 'idle');

  const h2 = new FsmHarness().answerIncoming('in');
  h2.send({ type: 'on-hook' }, 200);
  assert.ok(h2.take().some((a) => a.type === 'hangup' && a.callId === 'in'));
});

test('a busy answer gives busy tone; a cancelled incoming call stops ringing', () => {
  const h = new FsmHarness();
  h.send({ type: 'off-hook' }).dial('9#');
  h.take();
  h.send({ type: 'call-ended', callId: h.fsm.currentCall!, reason: 'rejected', status: 486 }, 30);
  assert.equal(h.take(), [{ type: 'media', callIds: [] }, { type: 'tone', tone: 'busy' }]);

  const h2 = new FsmHarness();
  h2.send({ type: 'incoming-call', callId: 'y' }).take();
  h2.send({ type: 'call-ended', callId: 'y', reason: 'cancelled' }, 500);
  assert.equal(h2.take(), [{ type: 'ring', on: false }]);
  assert.is(h2.fsm.state, 'idle');
  assert.is(h2.fsm.nextDeadline(), undefined);
});

test('receiver left off-hook: dial tone, reorder, howler, then silence', () => {
  const h = new FsmHarness();
  h.send({ type: 'off-hook' }).take();
  h.advance(200000);
  const t = DEFAULT_TIMINGS;
  const steps = h.log.slice(1).map(([at, a]) => [at, a.type === 'tone' ? a.tone : a.type]);
  assert.equal(steps, [
    [t.dialToneMs, 'reorder'],
    [t.dialToneMs + t.endedToneMs, 'howler'],
    [t.dialToneMs + t.endedToneMs + t.howlerMs, 'none'],
  ]);
  assert.is(h.fsm.state, 'lockout');
});

test('an empty dial (# alone) is refused with reorder, and illegal transitions throw', () => {
  const h = new FsmHarness();
  h.send({ type: 'off-hook' }).take();
  h.dial('#');
  assert.equal(h.take(), [{ type: 'tone', tone: 'none' }, { type: 'tone', tone: 'reorder' }]);
  assert.is(h.fsm.state, 'ended');
  const bad = new LineFsm();
  assert.throws(() => (bad as unknown as { go(s: string, e: string): void }).go('connected', 'test'), (e: unknown) => e instanceof IllegalTransitionError);
});

test('the old constructor form (timings only) still works', () => {
  const fsm = new LineFsm({ ...DEFAULT_TIMINGS, interDigitMs: 1234 });
  fsm.handle({ type: 'off-hook' }, 0);
  fsm.handle({ type: 'digit', digit: '1' }, 0);
  assert.is(fsm.nextDeadline(), 1234);
});

test.run();
