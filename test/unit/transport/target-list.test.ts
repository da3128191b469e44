import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { silentLogger } from '../../../firmware/core/log.js';
import { DnsError } from '../../../firmware/sip/resolve/dns.js';
import type { SipTarget } from '../../../firmware/sip/resolve/server-locator.js';
import { ServerTargets } from '../../../firmware/sip/resolve/server-targets.js';
import { destinationFromHost } from '../../../firmware/sip/resolve/sip-destination.js';
import { TargetList } from '../../../firmware/sip/resolve/target-list.js';
import { FakeDns } from './support/fake-dns.js';

const t = (address: string, port = 5060, transport: SipTarget['transport'] = 'udp'): SipTarget => ({ address, port, transport, via: 'srv' });
const A = t('10.0.0.1');
const B = t('10.0.0.2');
const C = t('10.0.0.3');

function ready(targets: SipTarget[], ttlS = 300, now = 0, options = {}): TargetList {
  const list = new TargetList(options);
  assert.ok(list.needsResolution(now));
  list.beginResolution(now);
  list.resolved({ targets, ttlS }, now);
  return list;
}

test('a new list needs resolution; while resolving it does not; then it offers the first target', () => {
  const list = new TargetList();
  assert.is(list.state, 'unresolved');
  assert.ok(list.needsResolution(0));
  list.beginResolution(0);
  assert.not.ok(list.needsResolution(0));
  assert.is(list.current(), undefined);
  list.resolved({ targets: [A, B], ttlS: 60 }, 0);
  assert.is(list.state, 'ready');
  assert.equal(list.current(), A);
});

test('timeout, 503 and connection failure each move to the next target (RFC 3263 §4.3)', () => {
  const list = ready([A, B, C]);
  assert.equal(list.failed(A, 'timeout', 1000), B);
  assert.equal(list.failed(B, 'unavailable', 2000), C);
  assert.equal(list.current(), C);
  assert.is(list.failed(C, 'connect-failed', 3000), undefined);
  assert.is(list.state, 'exhausted');
  assert.ok(list.needsResolution(3000), 'all failed: resolve again');
});

test('a late failure report for a target already left behind changes nothing', () => {
  const list = ready([A, B, C]);
  list.failed(A, 'timeout', 10);
  assert.equal(list.failed(A, 'timeout', 20), B);
  assert.equal(list.current(), B);
});

test('the list expires with its TTL; nextDeadline says when', () => {
  const list = ready([A, B], 60, 1000);
  assert.is(list.nextDeadline(), 61_000);
  assert.not.ok(list.needsResolution(60_999));
  assert.ok(list.needsResolution(61_000));
  list.beginResolution(61_000);
  list.resolved({ targets: [B, A], ttlS: 60 }, 61_000);
  assert.equal(list.current(), B, 'no working target remembered: the new first');
});

test('the working target is remembered across re-resolution (sticky), and forgotten when it fails', () => {
  const list = ready([A, B, C], 30);
  list.failed(A, 'connect-failed', 100);
  list.succeeded(B, 200);
  list.beginResolution(30_000);
  list.resolved({ targets: [A, B, C], ttlS: 30 }, 30_000);
  assert.equal(list.current(), B, 'stays on B although A is listed first');
  list.failed(B, 'timeout', 31_000);
  assert.equal(list.current(), C);
  list.beginResolution(60_000);
  list.resolved({ targets: [A, B, C], ttlS: 30 }, 60_000);
  assert.equal(list.current(), A, 'B failed, so back to the top');
});

test('sticky: false goes back to the first target on every resolution', () => {
  const list = ready([A, B], 30, 0, { sticky: false });
  list.failed(A, 'timeout', 1);
  list.succeeded(B, 2);
  list.beginResolution(30_000);
  list.resolved({ targets: [A, B], ttlS: 30 }, 30_000);
  assert.equal(list.current(), A);
});

test('a 503 with Retry-After keeps that target last until the time has passed', () => {
  const list = ready([A, B], 10);
  list.failed(A, 'unavailable', 0, 120);
  list.beginResolution(10_000);
  list.resolved({ targets: [A, B], ttlS: 10 }, 10_000);
  assert.equal(list.list(), [B, A]);
  list.beginResolution(121_000);
  list.resolved({ targets: [A, B], ttlS: 10 }, 121_000);
  assert.equal(list.list(), [A, B]);
});

test('failed resolution: stale targets are kept for a while; with none, retry after retryMs', () => {
  const list = ready([A], 10, 0, { staleMs: 5000, retryMs: 7000 });
  list.beginResolution(10_000);
  list.resolutionFailed(new Error('SERVFAIL'), 10_000);
  assert.equal(list.current(), A);
  assert.is(list.nextDeadline(), 15_000);
  const empty = new TargetList({ retryMs: 7000 });
  empty.beginResolution(0);
  empty.resolutionFailed(new Error('timeout'), 0);
  assert.is(empty.state, 'exhausted');
  assert.is(empty.current(), undefined);
  assert.not.ok(empty.needsResolution(6999));
  assert.ok(empty.needsResolution(7000));
});

test('illegal moves throw IllegalTransitionError', () => {
  const list = new TargetList();
  assert.throws(() => list.resolved({ targets: [A], ttlS: 1 }, 0), (e: unknown) => e instanceof IllegalTransitionError);
  list.beginResolution(0);
  assert.throws(() => list.beginResolution(0), (e: unknown) => e instanceof IllegalTransitionError);
});

test('numeric targets (TTL Infinity) never expire', () => {
  const list = ready([A], Infinity);
  assert.is(list.nextDeadline(), undefined);
  assert.not.ok(list.needsResolution(1e12));
});

test('ServerTargets resolves on first use, fails over, re-resolves when all failed, and re-resolves at TTL', async () => {
  const clock = new FakeClock(0);
  const dns = new FakeDns({
    srv: { '_sip._tcp.lab.test': [{ name: 'a.lab.test', port: 5070, priority: 1, weight: 0, ttl: 30 }, { name: 'b.lab.test', port: 5071, priority: 2, weight: 0, ttl: 30 }] },
    a: { 'a.lab.test': [{ address: '127.0.0.1', ttl: 30 }], 'b.lab.test': [{ address: '127.0.0.1', ttl: 30 }] },
  });
  const targets = new ServerTargets({ destination: destinationFromHost('lab.test', { transport: 'tcp' }), dns, clock, log: silentLogger });
  const first = await targets.current();
  assert.is(first.port, 5070);
  assert.is(first.serverName, 'lab.test');
  const queriesAfterFirst = dns.queries.length;
  assert.is((await targets.current()).port, 5070);
  assert.is(dns.queries.length, queriesAfterFirst, 'no new DNS query within the TTL');
  assert.is(targets.failed(first, 'connect-failed')?.port, 5071);
  const second = await targets.current();
  targets.succeeded(second);
  assert.is(targets.failed(second, 'timeout'), undefined);
  assert.is((await targets.current()).port, 5070, 'all failed: resolved again, from the top');
  assert.ok(dns.queries.length > queriesAfterFirst);
  const before = dns.queries.length;
  clock.advance(30_000);
  await targets.current();
  assert.ok(dns.queries.length > before, 'TTL over: resolved again');
  dns.failing.add('*');
  clock.advance(30_000);
  assert.is((await targets.current()).port, 5070, 'DNS down: the stale list is kept');
  const none = new ServerTargets({ destination: destinationFromHost('gone.test'), dns: new FakeDns({}), clock, log: silentLogger });
  try {
    await none.current();
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof DnsError, String(e));
  }
});

test('concurrent callers share one resolution', async () => {
  const clock = new FakeClock(0);
  const dns = new FakeDns({ a: { 'x.test': ['10.9.9.9'] } });
  const targets = new ServerTargets({ destination: destinationFromHost('x.test:5060'), dns, clock, log: silentLogger });
  const [a, b] = await Promise.all([targets.current(), targets.current()]);
  assert.equal(a, b);
  assert.is(dns.queries.filter((q) => q === 'A x.test').length, 1);
});

test.run();
