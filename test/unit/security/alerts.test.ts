/** Alerts: secret scrubbing, RFC 5424 syslog (format and UDP), the webhook sink (retries on a FakeClock). */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { fanOutAlerts, logAlertSink, makeAlert, memoryAlertSink, sanitizeFields, scrubText } from '../../../firmware/security/alert.js';
import type { Alert } from '../../../firmware/security/alert.js';
import { formatSyslog } from '../../../firmware/security/syslog-format.js';
import { createSyslogAlertSink } from '../../../firmware/security/syslog-alert-sink.js';
import { createWebhookAlertSink } from '../../../firmware/security/webhook-alert-sink.js';

const sample = (): Alert =>
  makeAlert('toll-fraud-blocked', 'warning', 'outgoing call to 19005551234 refused', { line: 1, number: '19005551234', class: 'premium', path: 'handset' }, 5);

test('fields are flattened and scrubbed: secret keys, binary keys, inline SDES keys, digest values', () => {
  const f = sanitizeFields({
    line: 2,
    password: 'hunter2',
    auth: { authorization: 'Digest response="abc"', user: 'alice' },
    masterKey: Buffer.alloc(30, 7),
    key: 'raw',
    sdp: 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20',
    header: 'Digest username="alice", nonce="123", response="6629fae49393a05397450978507c4ef1"',
    bytes: new Uint8Array([1, 2]),
    ok: true,
    skip: undefined,
  });
  const text = JSON.stringify(f);
  for (const secret of ['hunter2', 'abc', 'PS1uQCVe', '6629fae4', '"123"', 'raw']) assert.not.ok(text.includes(secret), secret);
  assert.is(f.line, 2);
  assert.is(f['auth.user'], 'alice');
  assert.is(f.password, '***');
  assert.is(f.masterKey, '***');
  assert.is(f.bytes, '[binary]');
  assert.is(f.ok, true);
  assert.not.ok('skip' in f);
  assert.match(f.sdp as string, 'inline:***');
  assert.is(scrubText('x'.repeat(400)).length, 256);
  assert.match(scrubText('Authorization: Bearer eyJhbGciOi.abc'), 'Bearer ***');
});

test('memory, fan-out and log sinks: a throwing sink does not stop the others', () => {
  const mem = memoryAlertSink(2);
  const log = memoryLogger();
  const all = fanOutAlerts({ emit: () => { throw new Error('boom'); } }, mem, logAlertSink(log));
  all.emit(sample());
  all.emit(makeAlert('rate-limit', 'critical', 'too many calls', {}, 6));
  all.emit(makeAlert('rate-limit', 'critical', 'too many calls', {}, 7));
  assert.is(mem.alerts.length, 2);
  assert.is(mem.alerts[1]!.at, 7);
  assert.equal(log.records.map((r) => r.level), ['warn', 'error', 'error']);
  assert.is(log.records[0]!.fields.alert, 'toll-fraud-blocked');
});

const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*\]) \xef\xbb\xbf(.*)$/s;

test('RFC 5424: PRI, version, timestamp, host, app, procid, MSGID = code, SD element, BOM + message', () => {
  const msg = formatSyslog(sample(), new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), { hostname: 'ata-1', procId: 42, facility: 'auth' });
  const m = RFC5424.exec(msg.toString('latin1'));
  assert.ok(m, msg.toString());
  assert.is(m![1], String(4 * 8 + 4)); // auth, warning
  assert.is(m![2], '2026-01-02T03:04:05.678Z');
  assert.is(m![3], 'ata-1');
  assert.is(m![4], 'tipring');
  assert.is(m![5], '42');
  assert.is(m![6], 'toll-fraud-blocked');
  assert.is(m![7], '[tipring@32473 code="toll-fraud-blocked" severity="warning" line="1" number="19005551234" class="premium" path="handset"]');
  assert.is(m![8], 'outgoing call to 19005551234 refused');
  const local7 = formatSyslog(makeAlert('rate-limit', 'critical', 'x', {}, 0), new Date(0), { facility: 'local7' });
  assert.match(local7.toString(), /^<186>1 1970-01-01T00:00:00.000Z - tipring - rate-limit /);
});

test('RFC 5424: SD values escape " \\ ] ; names are sanitised; long messages are cut on a UTF-8 boundary', () => {
  const a = makeAlert('media-foreign-source', 'notice', 'é'.repeat(3000), { 'we ird=name': 'a"b\\c]d' }, 0);
  const msg = formatSyslog(a, new Date(0), { maxBytes: 480 });
  assert.ok(msg.length <= 480);
  const text = msg.toString('utf8');
  assert.match(text, 'we_ird_name="a\\"b\\\\c\\]d"');
  assert.not.match(text, '\ufffd');
});

test('syslog sink: one UDP datagram per alert to host:port, timestamped from the clock', async () => {
  const server = createSocket('udp4');
  const got: Buffer[] = [];
  const received = new Promise<void>((resolve) => server.on('message', (m) => { got.push(m); if (got.length === 2) resolve(); }));
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const clock = new FakeClock(1000, Date.UTC(2026, 5, 1));
  const sink = createSyslogAlertSink({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, clock, hostname: 'h', facility: 'local0' });
  sink.emit(sample());
  sink.emit(makeAlert('invite-auth-failed', 'error', 'INVITE failed digest auth', { source: '203.0.113.9:5060' }, 2));
  await Promise.race([received, new Promise((_, reject) => setTimeout(() => reject(new Error('no datagram')), 2000))]);
  await sink.close();
  server.close();
  const first = RFC5424.exec(got[0]!.toString('latin1'));
  assert.ok(first);
  assert.is(first![1], String(16 * 8 + 4));
  assert.is(first![2], '2026-06-01T00:00:01.000Z');
  assert.match(got[1]!.toString(), /^<131>1 .* invite-auth-failed \[tipring@32473 code="invite-auth-failed" severity="error" source="203\.0\.113\.9:5060"\]/);
  assert.is(sink.stats.sent, 2);
});

/** Let pending promise callbacks run. */
const flush = () => new Promise((r) => setImmediate(r));

function fakeFetch(statuses: Array<number | 'error' | 'hang'>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const s = statuses.shift() ?? 200;
    if (s === 'error') throw new TypeError('fetch failed');
    if (s === 'hang') {
      return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }
    return new Response('', { status: s });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

test('webhook: POSTs JSON with headers; retries 503 and network errors with doubling back-off on the clock', async () => {
  const clock = new FakeClock();
  const { fn, calls } = fakeFetch([503, 'error', 200]);
  const sink = createWebhookAlertSink({ url: 'https://hooks.example/T0K3N', clock, fetch: fn, headers: { authorization: 'Bearer s3cret' }, backoffMs: 1000, hostname: 'ata-1' });
  sink.emit(sample());
  await flush();
  assert.is(calls.length, 1);
  const body = JSON.parse(String(calls[0]!.init.body));
  assert.equal({ code: body.code, severity: body.severity, host: body.host, number: body.fields.number }, { code: 'toll-fraud-blocked', severity: 'warning', host: 'ata-1', number: '19005551234' });
  assert.is((calls[0]!.init.headers as Record<string, string>).authorization, 'Bearer s3cret');
  assert.is(calls[0]!.init.method, 'POST');
  clock.advance(999);
  await flush();
  assert.is(calls.length, 1, 'waits the back-off');
  clock.advance(1);
  await flush();
  assert.is(calls.length, 2);
  clock.advance(2000); // doubled
  await flush();
  assert.is(calls.length, 3);
  await sink.idle();
  assert.equal(sink.stats, { sent: 1, failed: 0, dropped: 0, retries: 2 });
});

test('webhook: gives up after maxRetries, does not retry a 400, times out a hung request', async () => {
  const clock = new FakeClock();
  const log = memoryLogger();
  const { fn, calls } = fakeFetch([500, 500, 500, 400, 'hang', 200]);
  const sink = createWebhookAlertSink({ url: 'https://hooks.example/path?token=abc', clock, fetch: fn, maxRetries: 2, backoffMs: 10, timeoutMs: 100, log });
  sink.emit(sample());
  sink.emit(sample());
  sink.emit(sample());
  for (let i = 0; i < 20; i++) {
    await flush();
    clock.advance(50);
  }
  await sink.idle();
  assert.is(calls.length, 6);
  assert.equal(sink.stats, { sent: 1, failed: 2, dropped: 0, retries: 3 });
  assert.ok(log.records.some((r) => r.fields.error === 'timeout'));
  assert.not.ok(JSON.stringify(log.records).includes('token=abc'), 'the URL path and query never reach the log');
});

test('webhook: emit never blocks and the queue is bounded (oldest dropped)', async () => {
  const clock = new FakeClock();
  const { fn, calls } = fakeFetch(['hang']);
  const sink = createWebhookAlertSink({ url: 'http://127.0.0.1:9/x', clock, fetch: fn, maxQueue: 3, maxRetries: 0, timeoutMs: 1000 });
  for (let i = 0; i < 10; i++) sink.emit(makeAlert('rate-limit', 'critical', `n${i}`, {}, i));
  assert.is(sink.stats.dropped, 6); // one in flight, three queued
  clock.advance(1000);
  await sink.idle();
  assert.equal(calls.map((c) => JSON.parse(String(c.init.body)).message), ['n0', 'n7', 'n8', 'n9']);
  sink.close();
  sink.emit(sample());
  assert.is(calls.length, 4);
});

test('webhook: a real POST through node fetch to a local HTTP server', async () => {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      bodies.push(`${req.method} ${req.url} ${req.headers['content-type']} ${b}`);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const sink = createWebhookAlertSink({ url: `http://127.0.0.1:${port}/alerts`, clock: new FakeClock() });
  sink.emit(sample());
  await sink.idle();
  server.close();
  assert.is(bodies.length, 1);
  assert.match(bodies[0]!, /^POST \/alerts application\/json \{"app":"tipring",.*"code":"toll-fraud-blocked"/);
  assert.is(sink.stats.sent, 1);
});

test.run();
