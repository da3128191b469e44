/**
 * SIP over TLS on loopback with a test CA made by `openssl`: server certificate verification
 * (name match and mismatch, unknown CA), SNI as seen by a local TLS server, client certificates,
 * the transport as a TLS server, and the handshake timeout on the (fake) clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import type { SipMessage } from '../../../firmware/sip/message/types.js';
import type { TransportEvent, TransportTarget } from '../../../firmware/sip/transport/sip-transport.js';
import { openStreamTransport } from '../../../firmware/sip/transport/stream-transport.js';
import type { StreamTransportOptions } from '../../../firmware/sip/transport/stream-transport.js';
import { loadTlsClientConfig, serverNameFor, tlsConnectOptions } from '../../../firmware/sip/transport/tls-options.js';
import { TransportError, TransportUsageError } from '../../../firmware/sip/transport/transport-errors.js';
import { createTestCa } from './support/test-ca.js';
import type { TestCa } from './support/test-ca.js';
import { rawServer, sipRequest, until } from './support/sockets.js';

let ca: TestCa;
let otherCa: TestCa;
let server: { certPath: string; keyPath: string };
let client: { certPath: string; keyPath: string };
let stranger: { certPath: string; keyPath: string };

/** A TLS server recording the SNI and client certificate of each connection, and what arrives. */
async function tlsServer(options: tls.TlsOptions = {}) {
  const seen: Array<{ sni: string | false | null; clientCn?: string; data: string }> = [];
  /** SNI of every ClientHello that carried one, seen before the handshake completes (or fails). */
  const hellos: string[] = [];
  const context = tls.createSecureContext({ cert: options.cert ?? readFileSync(server.certPath), key: options.key ?? readFileSync(server.keyPath), ...(options.ca ? { ca: options.ca } : {}) });
  const s = tls.createServer({ cert: readFileSync(server.certPath), key: readFileSync(server.keyPath), ...options, SNICallback: (name, cb) => {
    hellos.push(name);
    cb(null, context);
  } }, (sock) => {
    const peer = sock.getPeerCertificate();
    const entry: { sni: string | false | null; clientCn?: string; data: string } = { sni: sock.servername, data: '' };
    if (peer && peer.subject) entry.clientCn = String(peer.subject.CN);
    seen.push(entry);
    sock.on('data', (d: Buffer) => (entry.data += d.toString()));
    sock.on('error', () => {});
  });
  s.on('tlsClientError', () => {});
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { s, seen, hellos, port: (s.address() as net.AddressInfo).port, close: () => new Promise<void>((r) => s.close(() => r())) };
}

function open(extra: Partial<StreamTransportOptions>) {
  const clock = new FakeClock(0);
  const events: TransportEvent[] = [];
  const messages: SipMessage[] = [];
  return openStreamTransport(
    { transport: 'tls', clock, log: memoryLogger(), tlsClient: { caFile: ca.certPath }, ...extra },
    { onMessage: (_d, _f, m) => m && messages.push(m), onEvent: (e) => events.push(e) },
  ).then((t) => ({ t, clock, events, messages }));
}

test.before(() => {
  ca = createTestCa();
  otherCa = createTestCa('someone else');
  server = ca.issue('sip.lab.test', { dns: ['sip.lab.test'], ip: ['127.0.0.1'] });
  client = ca.issue('ata-0001', {});
  stranger = otherCa.issue('sip.lab.test', { dns: ['sip.lab.test'] });
});

test.after(() => {
  ca.remove();
  otherCa.remove();
});

test('verified by name: SNI is the host name, the certificate matches, the message arrives', async () => {
  const srv = await tlsServer();
  const h = await open({});
  const to: TransportTarget = { address: '127.0.0.1', port: srv.port, transport: 'tls', serverName: 'sip.lab.test' };
  await h.t.send(Buffer.from(sipRequest('OPTIONS', 'tls-ok')), to);
  await until(() => srv.seen[0]?.data.includes('Call-ID: tls-ok') ?? false, 'the request over TLS');
  assert.is(srv.seen[0]!.sni, 'sip.lab.test', 'SNI carries the name, not the IP');
  assert.equal(srv.hellos, ['sip.lab.test']);
  assert.ok(h.events.some((e) => e.type === 'connected' && !e.inbound));
  await h.t.close();
  await srv.close();
});

test('a name the certificate does not carry fails verification (and is reported for failover)', async () => {
  const srv = await tlsServer();
  const h = await open({});
  const to: TransportTarget = { address: '127.0.0.1', port: srv.port, transport: 'tls', serverName: 'evil.lab.test' };
  try {
    await h.t.send(Buffer.from(sipRequest('OPTIONS', 'tls-bad-name')), to);
    assert.unreachable('must not connect');
  } catch (e) {
    assert.ok(e instanceof TransportError, String(e));
    assert.is((e as TransportError).code, 'tls-verify-failed', String(e));
  }
  assert.equal(srv.hellos, ['evil.lab.test'], 'the server saw the SNI in the ClientHello');
  assert.ok(h.events.some((e) => e.type === 'connection-failed' && e.error.code === 'tls-verify-failed'));
  assert.is(srv.seen[0]?.data ?? '', '', 'nothing was sent to the unverified server');
  await h.t.close();
  await srv.close();
});

test('a certificate from a CA we do not trust fails verification, even with the right name', async () => {
  const srv = await tlsServer({ cert: readFileSync(stranger.certPath), key: readFileSync(stranger.keyPath) });
  const h = await open({});
  try {
    await h.t.send(Buffer.from(sipRequest('OPTIONS', 'tls-stranger')), { address: '127.0.0.1', port: srv.port, transport: 'tls', serverName: 'sip.lab.test' });
    assert.unreachable('must not connect');
  } catch (e) {
    assert.is((e as TransportError).code, 'tls-verify-failed', String(e));
  }
  await h.t.close();
  await srv.close();
});

test('the configured default name is used when a target has none; an IP-only target sends no SNI and checks the IP', async () => {
  const srv = await tlsServer();
  const named = await open({ tlsClient: { caFile: ca.certPath, serverName: 'sip.lab.test' } });
  await named.t.send(Buffer.from(sipRequest('OPTIONS', 'default-name')), { address: '127.0.0.1', port: srv.port, transport: 'tls' });
  await until(() => srv.seen.length === 1 && srv.seen[0]!.data.includes('default-name'), 'first');
  assert.is(srv.seen[0]!.sni, 'sip.lab.test');
  await named.t.close();
  const ipOnly = await open({});
  await ipOnly.t.send(Buffer.from(sipRequest('OPTIONS', 'ip-only')), { address: '127.0.0.1', port: srv.port, transport: 'tls' });
  await until(() => srv.seen.length === 2 && srv.seen[1]!.data.includes('ip-only'), 'second');
  assert.is(srv.seen[1]!.sni, false, 'no SNI for an IP address (RFC 6066 §3)');
  assert.equal(srv.hellos, ['sip.lab.test'], 'the second ClientHello had no SNI');
  await ipOnly.t.close();
  await srv.close();
});

test('a client certificate is presented when configured', async () => {
  const srv = await tlsServer({ requestCert: true, rejectUnauthorized: true, ca: [readFileSync(ca.certPath)] });
  const h = await open({ tlsClient: { caFile: ca.certPath, certFile: client.certPath, keyFile: client.keyPath } });
  await h.t.send(Buffer.from(sipRequest('OPTIONS', 'with-cert')), { address: '127.0.0.1', port: srv.port, transport: 'tls', serverName: 'sip.lab.test' });
  await until(() => srv.seen[0]?.data.includes('with-cert') ?? false, 'the request');
  assert.is(srv.seen[0]!.clientCn, 'ata-0001');
  await h.t.close();
  await srv.close();
});

test('the transport as a TLS server: a TLS client connects and its request is framed', async () => {
  const h = await open({ listen: { address: '127.0.0.1', port: 0 }, tlsServer: { certFile: server.certPath, keyFile: server.keyPath } });
  const sock = tls.connect({ host: '127.0.0.1', port: h.t.port, servername: 'sip.lab.test', ca: [readFileSync(ca.certPath)] });
  await new Promise<void>((r, j) => {
    sock.once('secureConnect', () => r());
    sock.once('error', j);
  });
  sock.write(sipRequest('OPTIONS', 'inbound-tls'));
  await until(() => h.messages.length === 1, 'inbound message');
  assert.is(h.messages[0]!.headers.get('Call-ID'), 'inbound-tls');
  sock.destroy();
  await h.t.close();
  try {
    await openStreamTransport({ transport: 'tls', clock: new FakeClock(), log: memoryLogger(), listen: { address: '127.0.0.1', port: 0 } }, { onMessage: () => {} });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof TransportUsageError && e.code === 'bad-tls-config', String(e));
  }
});

test('a server that never completes the handshake: connect-timeout when the (fake) clock passes connectTimeoutMs', async () => {
  const silent = await rawServer(); // accepts TCP, never speaks TLS
  const h = await open({ connectTimeoutMs: 5000 });
  const sent = h.t.send(Buffer.from('x'), { address: '127.0.0.1', port: silent.port, transport: 'tls', serverName: 'sip.lab.test' });
  let error: unknown;
  sent.catch((e) => (error = e));
  await until(() => silent.peers.length === 1, 'TCP accepted');
  h.clock.advance(4999);
  await until(() => true, 'a turn');
  assert.is(error, undefined);
  h.clock.advance(1);
  await until(() => error !== undefined, 'the timeout');
  assert.is((error as TransportError).code, 'connect-timeout');
  await h.t.close();
  await silent.close();
});

test('TLS option helpers: SNI never an IP; both cert and key needed; unreadable files are config errors', () => {
  const loaded = loadTlsClientConfig({ caFile: ca.certPath });
  assert.is(loaded.ca.length, 1, 'a CA file alone replaces the system store');
  assert.ok(loadTlsClientConfig({ caFile: ca.certPath, useSystemStore: true }).ca.length >= 2);
  assert.ok(loadTlsClientConfig({}).ca.length >= 1, 'system store by default');
  assert.is(serverNameFor({ address: '127.0.0.1', port: 1, transport: 'tls', serverName: '10.0.0.1' }, {}), undefined);
  assert.is(serverNameFor({ address: '127.0.0.1', port: 1, transport: 'tls', serverName: 'sip.example.com.' }, {}), 'sip.example.com');
  const opts = tlsConnectOptions({ address: '127.0.0.1', port: 5061, transport: 'tls', serverName: 'sip.example.com' }, loaded);
  assert.is(opts.servername, 'sip.example.com');
  assert.is(opts.rejectUnauthorized, true);
  assert.throws(() => loadTlsClientConfig({ certFile: client.certPath }), (e: unknown) => e instanceof TransportUsageError);
  assert.throws(() => loadTlsClientConfig({ caFile: '/nonexistent/ca.pem' }), /cannot read TLS CA file/);
});

test.run();
