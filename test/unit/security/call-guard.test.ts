/** checkOutgoingCall: dial policy, rate limits over sliding windows, emergency bypass, alerts. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryAlertSink } from '../../../firmware/security/alert.js';
import { CallGuard } from '../../../firmware/security/call-guard.js';
import type { CallGuardDeps } from '../../../firmware/security/call-guard.js';
import { CALL_PATHS } from '../../../firmware/security/dial-policy.js';
import { DAY_MS, HOUR_MS, RateLimiter } from '../../../firmware/security/rate-limiter.js';
import { PROFILES } from '../../../firmware/line/profiles/index.js';
import type { CountryProfile } from '../../../firmware/line/profiles/types.js';

const US = PROFILES.us as CountryProfile;
const UK = PROFILES.uk as CountryProfile;

function guard(extra: Partial<CallGuardDeps> = {}) {
  const alerts = memoryAlertSink();
  const g = new CallGuard({ profile: US, alerts, context: { line: 1 }, ...extra });
  return { g, alerts };
}

test('defaults: national and international calls pass; premium is refused with an alert', () => {
  const { g, alerts } = guard();
  const ok = g.checkOutgoingCall({ number: '2125551234', path: 'handset', now: 0 });
  assert.ok(ok.allow && ok.class === 'national');
  assert.ok(g.checkOutgoingCall({ number: '011442079460000', path: 'handset', now: 1 }).allow);
  const no = g.checkOutgoingCall({ number: '1-900-555-1234', path: 'speed-dial', now: 2 });
  assert.ok(!no.allow);
  if (no.allow) return;
  assert.is(no.code, 'class-blocked');
  assert.is(no.class, 'premium');
  assert.is(alerts.alerts.length, 1);
  const a = alerts.alerts[0]!;
  assert.is(a.code, 'toll-fraud-blocked');
  assert.is(a.severity, 'warning');
  assert.equal({ line: a.fields.line, number: a.fields.number, class: a.fields.class, path: a.fields.path, reason: a.fields.reason }, {
    line: 1, number: '19005551234', class: 'premium', path: 'speed-dial', reason: 'class-blocked',
  });
  assert.is(a.at, 2);
});

test('path blocks: a REFER to an international number is refused (critical); the handset may dial it', () => {
  const { g, alerts } = guard();
  const refer = g.checkOutgoingCall({ number: 'sip:011442079460000@evil.example', path: 'refer', now: 0 });
  assert.ok(!refer.allow && refer.code === 'path-blocked');
  assert.is(alerts.alerts[0]!.severity, 'critical');
  assert.ok(g.checkOutgoingCall({ number: '011442079460000', path: 'handset', now: 0 }).allow);
  const fwd = g.checkOutgoingCall({ number: '0118821234567', path: 'forward', now: 0 });
  assert.ok(!fwd.allow && fwd.class === 'premium');
});

test('block list beats allow list; allow list lifts class blocks; allow-list-only refuses the rest', () => {
  const { g } = guard({ policy: { allow: ['1900555!', '011 44 X.'], block: ['011 44 20 X.'], blockClasses: ['premium', 'international'] } });
  assert.ok(g.checkOutgoingCall({ number: '19005551234', path: 'handset', now: 0 }).allow);
  assert.ok(g.checkOutgoingCall({ number: '011441632960000', path: 'handset', now: 0 }).allow);
  const r1 = g.checkOutgoingCall({ number: '011442079460000', path: 'handset', now: 0 });
  assert.ok(!r1.allow && r1.code === 'blocked-pattern');
  const r2 = g.checkOutgoingCall({ number: '0113312345678', path: 'handset', now: 0 });
  assert.ok(!r2.allow && r2.code === 'class-blocked');
  const only = guard({ policy: { allowListOnly: true, allow: ['2125551234'] } }).g;
  assert.ok(only.checkOutgoingCall({ number: '2125551234', path: 'hotline', now: 0 }).allow);
  const r3 = only.checkOutgoingCall({ number: '2125559999', path: 'hotline', now: 0 });
  assert.ok(!r3.allow && r3.code === 'not-in-allow-list');
});

test('patterns also match the number behind a star code or carrier prefix', () => {
  const { g } = guard({ policy: { block: ['011!'] } });
  assert.ok(!g.checkOutgoingCall({ number: '*67011442079460000', path: 'handset', now: 0 }).allow);
  assert.ok(!g.checkOutgoingCall({ number: '1010288011442079460000', path: 'handset', now: 0 }).allow);
});

test('emergency numbers pass every list, every path, and are never rate-limited or counted', () => {
  const { g, alerts } = guard({
    policy: { allowListOnly: true, block: ['9!'], blockClasses: ['emergency', 'national', 'international', 'premium'] },
    limits: { maxCallsPerHour: 0, maxInternationalPerDay: 0 },
  });
  for (const path of CALL_PATHS) {
    const r = g.checkOutgoingCall({ number: '911', path, now: 0 });
    assert.ok(r.allow && r.class === 'emergency', path);
  }
  assert.is(alerts.alerts.length, 0);
  const uk = new CallGuard({ profile: UK, alerts, limits: { maxCallsPerHour: 0 } });
  assert.ok(uk.checkOutgoingCall({ number: '999', path: 'handset', now: 0 }).allow);
  assert.ok(uk.checkOutgoingCall({ number: '112#', path: 'handset', now: 0 }).allow);
  assert.equal(g.limiter.usage(0).map((u) => u.used), [0, 0]);
});

test('calls per hour: a sliding window, refusal with retryAt and a rate-limit alert', () => {
  const { g, alerts } = guard({ limits: { maxCallsPerHour: 3, maxInternationalPerDay: null } });
  const t = [0, 10 * 60_000, 20 * 60_000];
  for (const now of t) assert.ok(g.checkOutgoingCall({ number: '2125551234', path: 'handset', now }).allow);
  const r = g.checkOutgoingCall({ number: '2125551234', path: 'handset', now: 30 * 60_000 });
  assert.ok(!r.allow && r.code === 'rate-limit');
  if (r.allow) return;
  assert.is(r.retryAt, HOUR_MS); // when the call at 0 leaves the window
  const a = alerts.alerts[0]!;
  assert.is(a.code, 'rate-limit');
  assert.is(a.severity, 'critical');
  assert.is(a.fields.rule, 'calls-per-hour');
  assert.is(a.fields.retryInS, 1800);
  // Refused calls are not counted: one hour after the first call, one slot is free again.
  assert.not.ok(g.checkOutgoingCall({ number: '2125551234', path: 'handset', now: HOUR_MS - 1 }).allow);
  assert.ok(g.checkOutgoingCall({ number: '2125551234', path: 'handset', now: HOUR_MS }).allow);
  assert.not.ok(g.checkOutgoingCall({ number: '2125551234', path: 'handset', now: HOUR_MS + 1 }).allow);
});

test('international per day counts international and premium only, over 24 h', () => {
  const { g } = guard({ limits: { maxCallsPerHour: null, maxInternationalPerDay: 2 }, policy: { blockClasses: [] } });
  assert.ok(g.checkOutgoingCall({ number: '011442079460000', path: 'handset', now: 0 }).allow);
  assert.ok(g.checkOutgoingCall({ number: '19005551234', path: 'handset', now: 1000 }).allow);
  for (let i = 0; i < 5; i++) assert.ok(g.checkOutgoingCall({ number: '2125551234', path: 'handset', now: 2000 + i }).allow);
  const r = g.checkOutgoingCall({ number: '+33123456789', path: 'handset', now: 12 * HOUR_MS });
  assert.ok(!r.allow && r.code === 'rate-limit' && r.retryAt === DAY_MS);
  assert.ok(g.checkOutgoingCall({ number: '+33123456789', path: 'handset', now: DAY_MS }).allow);
});

test('a shared limiter makes the limits device-wide across lines', () => {
  const alerts = memoryAlertSink();
  const limiter = new RateLimiter({ maxCallsPerHour: 2 });
  const line1 = new CallGuard({ profile: US, alerts, limiter, context: { line: 1 } });
  const line2 = new CallGuard({ profile: UK, alerts, limiter, context: { line: 2 } });
  assert.ok(line1.checkOutgoingCall({ number: '2125551234', path: 'handset', now: 0 }).allow);
  assert.ok(line2.checkOutgoingCall({ number: '02079460000', path: 'handset', now: 1 }).allow);
  const r = line1.checkOutgoingCall({ number: '2125551234', path: 'handset', now: 2 });
  assert.ok(!r.allow && r.code === 'rate-limit');
  assert.is(alerts.alerts[0]!.fields.line, 1);
});

test('RateLimiter: extra rules, max 0, bad config', () => {
  const rl = new RateLimiter({ maxCallsPerHour: null, maxInternationalPerDay: null, rules: [{ id: 'burst', windowMs: 60_000, max: 2 }, { id: 'no-mobile', windowMs: 1000, max: 0, classes: ['mobile'] }] });
  assert.ok(rl.admit('national', 0).ok);
  assert.ok(rl.admit('national', 100).ok);
  const v = rl.admit('national', 200);
  assert.ok(!v.ok && v.rule.id === 'burst' && v.retryAt === 60_000);
  const m = rl.check('mobile', 70_000);
  assert.ok(!m.ok && m.retryAt === Number.POSITIVE_INFINITY);
  assert.throws(() => new RateLimiter({ maxCallsPerHour: -1 }), /whole number/);
});

test('every refusal raises exactly one alert; allowed calls raise none', () => {
  const { g, alerts } = guard({ limits: { maxCallsPerHour: 1 } });
  const outcomes = [
    g.checkOutgoingCall({ number: '2125551234', path: 'handset', now: 0 }),
    g.checkOutgoingCall({ number: '2125551234', path: 'three-way', now: 1 }),
    g.checkOutgoingCall({ number: '19005551234', path: 'transfer', now: 2 }),
    g.checkOutgoingCall({ number: '', path: 'hotline', now: 3 }),
  ];
  assert.equal(outcomes.map((o) => o.allow), [true, false, false, false]);
  assert.equal(alerts.alerts.map((a) => a.code), ['rate-limit', 'toll-fraud-blocked', 'toll-fraud-blocked']);
  assert.equal(alerts.alerts.map((a) => a.severity), ['critical', 'critical', 'notice']);
});

test.run();
