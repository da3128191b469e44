/**
 * The toll-fraud guard hook: every call the line controller originates, whatever the path, is
 * checked first; a refusal is an alert and no INVITE (or REFER / 302) goes out. A fake UA
 * records the calls; virtual time only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { silentLogger } from '../../../firmware/core/log.js';
import { defaultDigitMap } from '../../../firmware/line/digit-map-defaults.js';
import { LineController, referNumber } from '../../../firmware/line/line-controller.js';
import type { GuardVerdict, LineControllerDeps } from '../../../firmware/line/line-controller.js';
import type { LineFeatures } from '../../../firmware/line/line-features.js';
import type { CallPath } from '../../../firmware/line/line-fsm.js';
import { US } from '../../../firmware/line/profiles/us.js';
import { DEFAULT_STAR_CODES } from '../../../firmware/line/star-codes.js';
import type { UaEvent } from '../../../firmware/sip/ua/ua-events.js';

interface UaCall {
  op: string;
  args: unknown[];
}

function rig(options: { features?: Partial<LineFeatures>; refuse?: (path: CallPath, number: string) => boolean } = {}) {
  const clock = new FakeClock(1000);
  const calls: UaCall[] = [];
  const checks: Array<{ number: string; path: CallPath; now: number }> = [];
  const alerts: Array<Record<string, unknown>> = [];
  const linefeeds: string[] = [];
  let n = 0;
  const ua = {
    registrationState: 'registered',
    droppedByPolicy: 0,
    invite: (target: string, _m: unknown, _now: number, o: unknown) => {
      calls.push({ op: 'invite', args: [target, o] });
      return `out${++n}`;
    },
    ringing: (id: string) => calls.push({ op: 'ringing', args: [id] }),
    answer: (id: string) => {
      calls.push({ op: 'answer', args: [id] });
      return { remoteAddress: '127.0.0.1', remotePort: 4000, payloadType: 0, encoding: 'PCMU', clockRate: 8000, direction: 'sendrecv' };
    },
    reject: (id: string, status: number) => calls.push({ op: 'reject', args: [id, status] }),
    redirect: (id: string, target: string) => calls.push({ op: 'redirect', args: [id, target] }),
    hangup: (id: string) => calls.push({ op: 'hangup', args: [id] }),
    hold: (id: string, on: boolean) => {
      calls.push({ op: 'hold', args: [id, on] });
      return true;
    },
    transfer: (id: string, target: string, consult: string | undefined) => {
      calls.push({ op: 'transfer', args: [id, target, consult] });
      return true;
    },
    referProgress: (id: string, status: number) => calls.push({ op: 'referProgress', args: [id, status] }),
    subscribeMwi: () => calls.push({ op: 'subscribeMwi', args: [] }),
  };
  const sip = { ua, run: <T>(fn: (u: typeof ua, now: number) => T): T => fn(ua, clock.now()) };
  const deps = {
    index: 0,
    slic: { setLinefeed: (mode: string) => (linefeeds.push(mode), Promise.resolve()) } as never,
    pcm: {} as never,
    sip: sip as never,
    profile: US,
    clock,
    log: silentLogger,
    openRtp: (() => Promise.reject(new Error('no sockets in unit tests'))) as never,
    mediaAddress: '127.0.0.1',
    timings: {},
    plan: { map: defaultDigitMap(US), starCodes: DEFAULT_STAR_CODES },
    features: options.features ?? {},
    mwi: true,
    guard: {
      checkOutgoingCall(r: { number: string; path: CallPath; now: number }): GuardVerdict {
        checks.push(r);
        return options.refuse?.(r.path, r.number) ? { allow: false, reason: 'test says no', code: 'toll-fraud-test' } : { allow: true };
      },
    },
    onAlert: (a: Record<string, unknown>) => alerts.push(a),
  } satisfies LineControllerDeps;
  const lc = new LineController(deps);
  const from = { uri: { scheme: 'sip', user: '2000', host: 'lab.test', params: new Map() }, params: new Map() };
  const incoming = (callId: string, extra: Partial<Extract<UaEvent, { type: 'incoming-call' }>> = {}) =>
    lc.onUaEvent({ type: 'incoming-call', callId, from: from as never, hasOffer: true, anonymous: false, ...extra });
  const dial = (digits: string) => {
    for (const d of digits) lc.handle({ type: 'digit', digit: d });
  };
  const ops = (op: string) => calls.filter((c) => c.op === op).map((c) => c.args);
  return { lc, clock, calls, checks, alerts, incoming, dial, ops, ua, linefeeds };
}

const PATHS: Array<{ path: CallPath; run: (r: ReturnType<typeof rig>) => void; sent: (r: ReturnType<typeof rig>) => number }> = [
  { path: 'handset', run: (r) => (r.lc.handle({ type: 'off-hook' }), r.dial('2125551234')), sent: (r) => r.ops('invite').length },
  { path: 'hotline', run: (r) => r.lc.handle({ type: 'off-hook' }), sent: (r) => r.ops('invite').length },
  {
    path: 'three-way',
    run: (r) => {
      r.incoming('c1');
      r.lc.handle({ type: 'off-hook' });
      r.lc.handle({ type: 'flash' });
      r.dial('2125551234');
    },
    sent: (r) => r.ops('invite').length,
  },
  { path: 'forward', run: (r) => r.incoming('c1'), sent: (r) => r.ops('redirect').length },
  {
    path: 'refer',
    run: (r) => {
      r.incoming('c1');
      r.lc.handle({ type: 'off-hook' });
      r.lc.onUaEvent({ type: 'refer', callId: 'c1', target: 'sip:3000@lab.test' });
    },
    sent: (r) => r.ops('invite').length,
  },
];

for (const c of PATHS) {
  const features: Partial<LineFeatures> = c.path === 'hotline' ? { hotline: '100' } : c.path === 'forward' ? { forwardAll: '3000' } : {};
  test(`guard: path '${c.path}' is checked, and a refusal sends nothing and raises an alert`, () => {
    const ok = rig({ features });
    c.run(ok);
    assert.ok(ok.checks.some((x) => x.path === c.path), `checks: ${JSON.stringify(ok.checks)}`);
    assert.is(c.sent(ok), 1);
    assert.is(ok.alerts.length, 0);

    const no = rig({ features, refuse: (p) => p === c.path });
    c.run(no);
    assert.is(c.sent(no), 0, `nothing may go out on path ${c.path}`);
    assert.equal(no.alerts.map((a) => [a['code'], a['path']]), [['toll-fraud-test', c.path]]);
  });
}

test('guard: a blind transfer is checked with path transfer; refused, the held party is released instead', () => {
  const run = (refuse: boolean) => {
    const r = rig({ refuse: (p) => refuse && p === 'transfer' });
    r.incoming('c1');
    r.lc.handle({ type: 'off-hook' });
    r.lc.handle({ type: 'flash' });
    r.dial('2125551234');
    r.lc.handle({ type: 'on-hook' });
    return r;
  };
  const ok = run(false);
  assert.ok(ok.checks.some((x) => x.path === 'transfer' && x.number === '2125551234'));
  assert.equal(ok.ops('transfer'), [['c1', '2125551234', undefined]]);
  const no = run(true);
  assert.equal(no.ops('transfer'), []);
  assert.ok(no.ops('hangup').some(([id]) => id === 'c1'));
  assert.is(no.alerts.length, 1);
});

test('guard: refused handset call plays reorder (line ends), refused REFER is answered 403 and the call stays', () => {
  const r = rig({ refuse: () => true });
  r.lc.handle({ type: 'off-hook' });
  r.dial('911');
  assert.is(r.lc.fsm.state, 'ended');
  const q = rig({ refuse: (p) => p === 'refer' });
  q.incoming('c1');
  q.lc.handle({ type: 'off-hook' });
  q.lc.onUaEvent({ type: 'refer', callId: 'c1', target: '<sip:3000@lab.test>' });
  assert.equal(q.ops('referProgress'), [['c1', 403]]);
  assert.is(q.lc.fsm.currentCall, 'c1');
});

test('REFER honoured: progress NOTIFYs follow the new call (100, 180, 200)', () => {
  const r = rig();
  r.incoming('c1');
  r.lc.handle({ type: 'off-hook' });
  r.lc.onUaEvent({ type: 'refer', callId: 'c1', target: 'sip:3000@lab.test;transport=udp' });
  assert.equal(r.ops('invite')[0]![0], '3000');
  r.lc.onUaEvent({ type: 'call-progress', callId: 'out1', status: 180 });
  r.lc.onUaEvent({ type: 'call-answered', callId: 'out1', media: { remoteAddress: '127.0.0.1', remotePort: 4002, payloadType: 0, encoding: 'PCMU', clockRate: 8000, direction: 'sendrecv' } as never });
  assert.equal(r.ops('referProgress'), [['c1', 100], ['c1', 180], ['c1', 200]]);
  assert.is(r.lc.fsm.state, 'connected');
});

test('distinctive ring from Alert-Info, MWI subscription once registered, and MWI NOTIFY sets stutter', () => {
  const r = rig();
  r.incoming('c1', { alertInfo: '<http://x/>;info=Bellcore-dr2' });
  assert.is(r.lc.fsm.state, 'ringing');
  assert.is(r.lc.fsm.nextDeadline(), 1000 + 800, 'Bellcore dr2 first burst is 800 ms');
  r.clock.advance(800);
  assert.is(r.lc.fsm.nextDeadline(), 1800 + 400, 'then 400 ms off');
  assert.equal(r.linefeeds, ['ringing', 'forward-active']);
  r.lc.onUaEvent({ type: 'registration', state: 'registered' });
  r.lc.onUaEvent({ type: 'registration', state: 'registered' });
  assert.is(r.ops('subscribeMwi').length, 1);
  r.lc.onUaEvent({ type: 'mwi-notify', body: 'Messages-Waiting: yes\r\nVoice-Message: 2/0\r\n' });
  assert.is(r.lc.fsm.messageWaiting, true);
});

test('referNumber takes the user part of a SIP or tel URI', () => {
  assert.is(referNumber('<sip:5551234@lab.test;user=phone>'), '5551234');
  assert.is(referNumber('tel:+15551234'), '+15551234');
  assert.is(referNumber('http://x'), undefined);
});

test.run();
