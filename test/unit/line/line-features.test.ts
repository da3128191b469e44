/** Table-driven tests of the telephone features in the line state machine (virtual time, no I/O). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileDigitMap } from '../../../firmware/line/digit-map.js';
import { defaultDigitMap } from '../../../firmware/line/digit-map-defaults.js';
import type { DialPlan } from '../../../firmware/line/dial-plan.js';
import type { LineFeatures } from '../../../firmware/line/line-features.js';
import { DEFAULT_TIMINGS } from '../../../firmware/line/line-fsm.js';
import type { LineAction } from '../../../firmware/line/line-fsm.js';
import { US } from '../../../firmware/line/profiles/us.js';
import { DEFAULT_STAR_CODES, ROTARY_STAR_PREFIX } from '../../../firmware/line/star-codes.js';
import { FsmHarness } from './fsm-harness.js';

const US_PLAN: DialPlan = { map: defaultDigitMap(US), starCodes: DEFAULT_STAR_CODES, rotaryPrefix: ROTARY_STAR_PREFIX['us']! };

function line(features: Partial<LineFeatures> = {}, plan: DialPlan = US_PLAN): FsmHarness {
  return new FsmHarness({ plan, features });
}

type Placed = Extract<LineAction, { type: 'place-call' }>;

// ---- digit map ------------------------------------------------------------------------------

const DIAL_CASES: Array<{ name: string; keys: string; number: string | null; extraWaitMs: number; plan?: DialPlan; anonymous?: boolean }> = [
  { name: 'emergency 911 dials at once', keys: '911', number: '911', extraWaitMs: 0 },
  { name: '10-digit NANP number dials at once', keys: '2125551234', number: '2125551234', extraWaitMs: 0 },
  { name: '1 + 10 digits dials at once', keys: '12125551234', number: '12125551234', extraWaitMs: 0 },
  { name: '7 digits wait for the short timer', keys: '5551234', number: '5551234', extraWaitMs: DEFAULT_TIMINGS.interDigitMs },
  { name: '# sends at once', keys: '5551234#', number: '5551234', extraWaitMs: 0 },
  { name: 'a blocked pattern gives reorder', keys: '19005551234', number: null, extraWaitMs: 0, plan: { map: compileDigitMap('(!1900xxxxxxx|x.T)'), starCodes: DEFAULT_STAR_CODES } },
  { name: 'a rewriting map sends the rewritten number', keys: '9555', number: '555', extraWaitMs: 0, plan: { map: compileDigitMap('(<9:>xxxS0|x.T)'), starCodes: DEFAULT_STAR_CODES } },
  { name: '*67 + number dials anonymously', keys: '*672125551234', number: '2125551234', extraWaitMs: 0, anonymous: true },
  { name: '*82 + number shows the number', keys: '*822125551234', number: '2125551234', extraWaitMs: 0, anonymous: false },
];

for (const c of DIAL_CASES) {
  test(`digit map: ${c.name}`, () => {
    const h = line({}, c.plan ?? US_PLAN);
    h.send({ type: 'off-hook' }).dial(c.keys, 100);
    const atLastKey = h.now;
    const placedNow = h.lastPlaced();
    if (c.extraWaitMs === 0) {
      if (c.number === null) {
        assert.is(placedNow, undefined);
        assert.is(h.fsm.state, 'ended');
        assert.ok(h.log.some(([, a]) => a.type === 'tone' && a.tone === 'reorder'));
        return;
      }
      assert.ok(placedNow, `nothing placed after ${c.keys}`);
      assert.is(placedNow!.number, c.number);
      assert.is(h.log.find(([, a]) => a.type === 'place-call')![0], atLastKey, 'placed at the last key, no timer');
      if (c.anonymous !== undefined) assert.is(placedNow!.anonymous, c.anonymous);
      return;
    }
    assert.is(placedNow, undefined, 'not placed before the timer');
    h.advance(c.extraWaitMs - 1);
    assert.is(h.lastPlaced(), undefined);
    h.advance(1);
    assert.is(h.lastPlaced()?.number, c.number);
  });
}

test('digit map: *67 alone gives dial tone again and applies to the next number only', () => {
  const h = line();
  h.send({ type: 'off-hook' }).dial('*67');
  assert.is(h.fsm.state, 'dialtone');
  assert.equal(h.takeOf('tone').slice(-1), [{ type: 'tone', tone: 'dial' }]);
  h.dial('2125551234');
  assert.equal(h.lastPlaced(), { type: 'place-call', number: '2125551234', path: 'handset', anonymous: true });
  h.send({ type: 'on-hook' }, 100).send({ type: 'off-hook' }, 100).dial('2125551234');
  assert.is(h.lastPlaced()!.anonymous, false);
});

test('digit map: the guard refusing a call gives reorder', () => {
  const h = line();
  h.allowCalls = false;
  h.send({ type: 'off-hook' }).dial('911');
  assert.is(h.fsm.state, 'ended');
  assert.equal(h.takeOf('tone').slice(-1), [{ type: 'tone', tone: 'reorder' }]);
});

test('digit map: after 484 Address Incomplete the line keeps collecting and sends the longer number', () => {
  const h = line({}, { map: compileDigitMap('(<9:>x.T)'), starCodes: DEFAULT_STAR_CODES });
  h.send({ type: 'off-hook' }).dial('9555#');
  assert.is(h.lastPlaced()?.number, '555');
  h.send({ type: 'call-ended', callId: h.fsm.currentCall!, reason: 'rejected', status: 484 }, 100);
  assert.is(h.fsm.state, 'collecting');
  assert.ok(!h.take().some((a) => a.type === 'tone' && a.tone === 'reorder'));
  h.dial('12');
  assert.is(h.lastPlaced()?.number, '555', 'waits for the timer');
  h.advance(DEFAULT_TIMINGS.interDigitMs);
  assert.is(h.lastPlaced()?.number, '55512', 'the rewritten number plus the extra digits');
  h.send({ type: 'call-ended', callId: h.fsm.currentCall!, reason: 'rejected', status: 404 }, 100);
  assert.is(h.fsm.state, 'ended', 'other failures still give reorder');
});

// ---- star codes -----------------------------------------------------------------------------

const STAR_CASES: Array<{ keys: string; pulse?: boolean; check: (f: LineFeatures) => boolean; stutterAfter: boolean }> = [
  { keys: '*78', check: (f) => f.dnd, stutterAfter: true },
  { keys: '*722125551234#', check: (f) => f.forwardAll === '2125551234', stutterAfter: true },
  { keys: '*905551234#', check: (f) => f.forwardBusy === '5551234', stutterAfter: false },
  { keys: '*925551234#', check: (f) => f.forwardNoAnswer === '5551234', stutterAfter: false },
  { keys: '1178', pulse: true, check: (f) => f.dnd, stutterAfter: true },
];

for (const c of STAR_CASES) {
  test(`star code ${c.keys}${c.pulse ? ' (rotary)' : ''}: confirmation tone, the setting changes, then dial tone`, () => {
    const h = line();
    h.send({ type: 'off-hook' }).dial(c.keys, 100, c.pulse === true);
    assert.is(h.fsm.state, 'confirm');
    assert.ok(c.check(h.fsm.features));
    const actions = h.take();
    assert.ok(actions.some((a) => a.type === 'tone' && a.tone === 'confirm'));
    assert.ok(actions.some((a) => a.type === 'features'));
    h.advance(DEFAULT_TIMINGS.confirmMs);
    assert.is(h.fsm.state, 'dialtone');
    assert.equal(h.takeOf('tone'), [{ type: 'tone', tone: c.stutterAfter ? 'stutter' : 'dial' }]);
    assert.is(h.lastPlaced(), undefined, 'a star code places no call');
  });
}

test('star codes: *79 / *73 / *91 / *93 switch the features off again', () => {
  const h = line({ dnd: true, forwardAll: '1', forwardBusy: '2', forwardNoAnswer: '3' });
  for (const code of ['*79', '*73', '*91', '*93']) {
    h.send({ type: 'off-hook' }).dial(code).send({ type: 'on-hook' }, 100);
  }
  assert.equal([h.fsm.features.dnd, h.fsm.features.forwardAll, h.fsm.features.forwardBusy, h.fsm.features.forwardNoAnswer], [false, '', '', '']);
});

test('star codes: *72 without a number is reorder; *69 calls the last caller back', () => {
  const h = line();
  h.send({ type: 'off-hook' }).dial('*72#');
  assert.is(h.fsm.state, 'ended');
  h.send({ type: 'on-hook' }, 100);
  h.send({ type: 'incoming-call', callId: 'in1', from: '2000' }).send({ type: 'call-ended', callId: 'in1', reason: 'cancelled' }, 100);
  h.send({ type: 'off-hook' }, 100).dial('*69');
  assert.is(h.lastPlaced()?.number, '2000');
});

// ---- hotline, warm line, MWI ----------------------------------------------------------------

test('hotline: off-hook dials the number at once (path hotline)', () => {
  const h = line({ hotline: '100' });
  h.send({ type: 'off-hook' });
  assert.equal(h.lastPlaced(), { type: 'place-call', number: '100', path: 'hotline', anonymous: false });
  assert.is(h.fsm.state, 'calling');
});

test('warm line: dial tone, and the number is dialled after the delay without a digit', () => {
  const h = line({ hotline: '100', hotlineDelayMs: 5000 });
  h.send({ type: 'off-hook' });
  assert.is(h.fsm.state, 'dialtone');
  h.advance(4999);
  assert.is(h.lastPlaced(), undefined);
  h.advance(1);
  assert.is(h.lastPlaced()?.path, 'hotline');
  const h2 = line({ hotline: '100', hotlineDelayMs: 5000 });
  h2.send({ type: 'off-hook' }).dial('911', 1000);
  assert.equal(h2.lastPlaced(), { type: 'place-call', number: '911', path: 'handset', anonymous: false });
});

test('MWI: stutter dial tone while a message waits', () => {
  const h = line();
  h.fsm.setMessageWaiting(true);
  h.send({ type: 'off-hook' });
  assert.equal(h.takeOf('tone'), [{ type: 'tone', tone: 'stutter' }]);
  h.send({ type: 'on-hook' }, 100);
  h.fsm.setMessageWaiting(false);
  h.take();
  h.send({ type: 'off-hook' }, 100);
  assert.equal(h.takeOf('tone'), [{ type: 'tone', tone: 'dial' }]);
});

// ---- incoming: DND, forwarding, call waiting off ---------------------------------------------

const INCOMING_CASES: Array<{ name: string; features: Partial<LineFeatures>; busy: boolean; expect: LineAction }> = [
  { name: 'DND refuses with 486 without ringing', features: { dnd: true }, busy: false, expect: { type: 'reject', callId: 'in', status: 486 } },
  { name: 'DND with 480', features: { dnd: true, dndStatus: 480 }, busy: false, expect: { type: 'reject', callId: 'in', status: 480 } },
  { name: 'forward all', features: { forwardAll: '3000' }, busy: false, expect: { type: 'forward', callId: 'in', target: '3000', reason: 'all' } },
  { name: 'forward busy (call waiting off)', features: { forwardBusy: '3001', callWaiting: false }, busy: true, expect: { type: 'forward', callId: 'in', target: '3001', reason: 'busy' } },
  { name: 'busy, call waiting off, no forward: 486', features: { callWaiting: false }, busy: true, expect: { type: 'reject', callId: 'in', status: 486 } },
];

for (const c of INCOMING_CASES) {
  test(`incoming: ${c.name}`, () => {
    const h = line(c.features);
    if (c.busy) h.answerIncoming('first');
    h.send({ type: 'incoming-call', callId: 'in' }, 100);
    const actions = h.take();
    assert.equal(actions, [c.expect]);
    assert.ok(!actions.some((a) => a.type === 'ring'));
  });
}

test('incoming: forward on no answer after the configured time', () => {
  const h = line({ forwardNoAnswer: '3002', forwardNoAnswerMs: 15000 });
  h.send({ type: 'incoming-call', callId: 'in' }).take();
  h.advance(14999);
  assert.ok(!h.take().some((a) => a.type === 'forward'));
  h.advance(1);
  const a = h.take();
  assert.ok(a.some((x) => x.type === 'forward' && x.target === '3002' && x.reason === 'no-answer'));
  assert.is(h.fsm.state, 'idle');
  assert.is(h.fsm.nextDeadline(), undefined);
});

test('incoming: *70 cancels call waiting for the next call only', () => {
  const h = line();
  h.send({ type: 'off-hook' }).dial('*702125551234');
  h.send({ type: 'call-answered', callId: h.fsm.currentCall! }, 100).take();
  h.send({ type: 'incoming-call', callId: 'in' }, 100);
  assert.equal(h.take(), [{ type: 'reject', callId: 'in', status: 486 }]);
});

// ---- call waiting ---------------------------------------------------------------------------

test('call waiting: tone, flash answers and holds, flash swaps, on-hook rings back, off-hook resumes', () => {
  const h = line();
  h.answerIncoming('c1');
  h.send({ type: 'incoming-call', callId: 'c2' }, 1000);
  assert.equal(h.take(), [{ type: 'send-ringing', callId: 'c2' }, { type: 'call-waiting-tone', on: true }]);
  h.send({ type: 'flash' }, 1000);
  assert.equal(h.take(), [
    { type: 'call-waiting-tone', on: false },
    { type: 'hold', callId: 'c1', on: true },
    { type: 'tone', tone: 'none' },
    { type: 'answer', callId: 'c2' },
    { type: 'media', callIds: ['c2'] },
  ]);
  h.send({ type: 'flash' }, 1000);
  assert.equal(h.take(), [{ type: 'hold', callId: 'c2', on: true }, { type: 'hold', callId: 'c1', on: false }, { type: 'media', callIds: ['c1'] }]);
  h.send({ type: 'on-hook' }, 1000);
  const hang = h.take();
  assert.ok(hang.some((a) => a.type === 'hangup' && a.callId === 'c1'));
  assert.ok(hang.some((a) => a.type === 'ring' && a.on));
  assert.is(h.fsm.state, 'ringing');
  h.send({ type: 'off-hook' }, 1000);
  assert.equal(h.take(), [{ type: 'ring', on: false }, { type: 'hold', callId: 'c2', on: false }, { type: 'media', callIds: ['c2'] }]);
  assert.is(h.fsm.state, 'connected');
});

test('call waiting: hanging up without answering lets the waiting call ring; a waiting caller giving up stops the tone', () => {
  const h = line();
  h.answerIncoming('c1');
  h.send({ type: 'incoming-call', callId: 'c2' }, 100).send({ type: 'on-hook' }, 100);
  const a = h.take();
  assert.ok(a.some((x) => x.type === 'hangup' && x.callId === 'c1'));
  assert.is(h.fsm.state, 'ringing');
  h.send({ type: 'off-hook' }, 100);
  assert.ok(h.take().some((x) => x.type === 'answer' && x.callId === 'c2'));

  const h2 = line();
  h2.answerIncoming('c1');
  h2.send({ type: 'incoming-call', callId: 'c2' }, 100).send({ type: 'call-ended', callId: 'c2', reason: 'cancelled' }, 100);
  assert.equal(h2.takeOf('call-waiting-tone'), [{ type: 'call-waiting-tone', on: true }, { type: 'call-waiting-tone', on: false }]);
  assert.is(h2.fsm.waitingCall, null);
});

// ---- consultation, transfer, three-way ------------------------------------------------------

function consult(h: FsmHarness, answered: boolean): { held: string; third: string } {
  h.answerIncoming('c1');
  h.send({ type: 'flash' }, 500);
  const a = h.take();
  assert.ok(a.some((x) => x.type === 'hold' && x.callId === 'c1' && x.on));
  assert.is(h.fsm.state, 'dialtone');
  h.dial('2125551234');
  const placed = h.lastPlaced() as Placed;
  assert.is(placed.path, 'three-way');
  const third = h.fsm.currentCall!;
  if (answered) h.send({ type: 'call-answered', callId: third }, 500);
  h.take();
  return { held: 'c1', third };
}

test('transfer: blind when the third party has not answered (REFER to the number, consult call dropped)', () => {
  const h = line();
  const { held, third } = consult(h, false);
  h.send({ type: 'on-hook' }, 100);
  const a = h.take();
  assert.ok(a.some((x) => x.type === 'transfer' && x.callId === held && x.target === '2125551234' && x.consultCallId === undefined));
  assert.ok(a.some((x) => x.type === 'hangup' && x.callId === third));
  assert.is(h.fsm.state, 'idle');
  h.send({ type: 'transfer-result', callId: held, ok: true, status: 200 }, 100);
  assert.equal(h.take(), [{ type: 'hangup', callId: held }]);
});

test('transfer: attended once the third party answered (REFER with the consultation call)', () => {
  const h = line();
  const { held, third } = consult(h, true);
  h.send({ type: 'on-hook' }, 100);
  const a = h.take();
  assert.ok(a.some((x) => x.type === 'transfer' && x.callId === held && x.consultCallId === third));
  assert.ok(!a.some((x) => x.type === 'hangup'));
});

test('three-way: flash with both legs up conferences them; flash drops the last party; on-hook ends all', () => {
  const h = line();
  const { held, third } = consult(h, true);
  h.send({ type: 'flash' }, 500);
  assert.equal(h.take(), [{ type: 'hold', callId: held, on: false }, { type: 'media', callIds: [held, third] }]);
  assert.is(h.fsm.state, 'conference');
  h.send({ type: 'on-hook' }, 500);
  const end = h.take().filter((x) => x.type === 'hangup').map((x) => (x as { callId: string }).callId).sort();
  assert.equal(end, [held, third].sort());

  const h2 = line();
  const c2 = consult(h2, true);
  h2.send({ type: 'flash' }, 500).take();
  h2.send({ type: 'flash' }, 500);
  assert.equal(h2.take(), [{ type: 'hangup', callId: c2.third }, { type: 'media', callIds: [c2.held] }]);
  assert.is(h2.fsm.state, 'connected');

  const h3 = line();
  const c3 = consult(h3, true);
  h3.send({ type: 'flash' }, 500).take();
  h3.send({ type: 'call-ended', callId: c3.held, reason: 'remote-hangup' }, 500);
  assert.equal(h3.take(), [{ type: 'media', callIds: [c3.third] }]);
  assert.is(h3.fsm.state, 'connected');
});

test('consultation: flash while dialling returns to the held party; hanging up with only dial tone rings back', () => {
  const h = line();
  h.answerIncoming('c1');
  h.send({ type: 'flash' }, 500).dial('21');
  h.take();
  h.send({ type: 'flash' }, 100);
  assert.ok(h.take().some((x) => x.type === 'hold' && x.callId === 'c1' && !x.on));
  assert.is(h.fsm.state, 'connected');

  const h2 = line();
  h2.answerIncoming('c1');
  h2.send({ type: 'flash' }, 500).send({ type: 'on-hook' }, 500);
  assert.is(h2.fsm.state, 'ringing');
  h2.send({ type: 'off-hook' }, 500);
  assert.ok(h2.take().some((x) => x.type === 'hold' && x.callId === 'c1' && !x.on));
});

test('consultation refused by the guard: reorder, flash returns to the held party', () => {
  const h = line();
  h.answerIncoming('c1');
  h.send({ type: 'flash' }, 500);
  h.allowCalls = false;
  h.dial('911');
  assert.is(h.fsm.state, 'ended');
  h.send({ type: 'flash' }, 100);
  assert.is(h.fsm.state, 'connected');
  assert.is(h.fsm.currentCall, 'c1');
});

test('REFER honoured: the new call replaces the active one', () => {
  const h = line();
  h.answerIncoming('c1');
  h.send({ type: 'replace-active', oldCallId: 'c1', newCallId: 'r1', number: '3000' });
  assert.is(h.fsm.state, 'calling');
  assert.is(h.fsm.currentCall, 'r1');
  h.send({ type: 'call-ended', callId: 'c1', reason: 'remote-hangup' }, 100);
  assert.is(h.fsm.state, 'calling', 'the transferor leaving does not end the new call');
  h.send({ type: 'call-answered', callId: 'r1' }, 100);
  assert.is(h.fsm.state, 'connected');
});

test.run();
