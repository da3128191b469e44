/** The TCP transport on real loopback sockets; its timers (idle, connect) run on a FakeClock. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import type { Endpoint, SipMessage, SipRequest } from '../../../firmware/sip/message/types.js';
import { MultiTransport } from '../../../firmware/sip/transport/multi-transport.js';
import type { TransportEvent } from '../../../firmware/sip/transport/sip-transport.js';
import { openStreamTransport } from '../../../firmware/sip/transport/stream-transport.js';
import type { StreamTransport, StreamTransportOptions } from '../../../firmware/sip/transport/stream-transport.js';
import { TransportError, TransportUsageError } from '../../../firmware/sip/transport/transport-errors.js';
import { openUdpTransport } from '../../../firmware/sip/transport/udp-transport.js';
import { keepAliveSender } from '../../../firmware/sip/transport/keepalive-runner.js';
import { RawPeer, deadPort, rawServer, settle, sipRequest, until } from './support/sockets.js';

interface Harness {
  t: StreamTransport;
  clock: FakeClock;
  messages: Array<{ data: Buffer; from: Endpoint; message?: SipMessage }>;
  events: TransportEvent[];
}

async function open(extra: Partial<StreamTransportOptions> = {}, listen = true): Promise<Harness> {
  const clock = new FakeClock(0);
  const messages: Harness['messages'] = [];
  const events: TransportEvent[] = [];
  const t = await openStreamTransport(
    { transport: 'tcp', clock, log: memoryLogger(), ...(listen ? { listen: { address: '127.0.0.1', port: 0 } } : {}), ...extra },
    { onMessage: (data, from, message) => messages.push({ data, from, ...(message ? { message } : {}) }), onEvent: (e) => events.push(e) },
  );
  return { t, clock, messages, events };
}

test('inbound: two messages in one segment are two messages, from the peer address', async () => {
  const h = await open();
  const peer = await RawPeer.connect(h.t.port);
  await peer.write(sipRequest('OPTIONS', 'one') + sipRequest('MESSAGE', 'two', 'hello'));
  await until(() => h.messages.length === 2, 'two messages');
  const [a, b] = h.messages;
  assert.is((a!.message as SipRequest).method, 'OPTIONS');
  assert.is((b!.message as SipRequest).method, 'MESSAGE');
  assert.is(b!.message!.body.toString(), 'hello');
  assert.match(a!.data.toString(), /^OPTIONS sip:1000@127\.0\.0\.1 SIP\/2\.0\r\n/);
  assert.equal(a!.from, { address: '127.0.0.1', port: peer.socket.localPort!, transport: 'tcp' });
  assert.ok(h.events.some((e) => e.type === 'connected' && e.inbound));
  peer.socket.destroy();
  await h.t.close();
});

test('inbound: one message split across segments is delivered once, when complete', async () => {
  const h = await open();
  const peer = await RawPeer.connect(h.t.port);
  const msg = sipRequest('MESSAGE', 'split', 'body-octets');
  const cut1 = 17;
  const cut2 = msg.length - 4;
  await peer.write(msg.slice(0, cut1));
  await settle();
  await peer.write(msg.slice(cut1, cut2));
  await settle();
  assert.is(h.messages.length, 0, 'nothing before the last octets');
  await peer.write(msg.slice(cut2));
  await until(() => h.messages.length === 1, 'the message');
  assert.is(h.messages[0]!.message!.body.toString(), 'body-octets');
  peer.socket.destroy();
  await h.t.close();
});

test('a CRLFCRLF ping is answered with a CRLF pong (RFC 5626 §4.4.1) and reported', async () => {
  const h = await open();
  const peer = await RawPeer.connect(h.t.port);
  await peer.write('\r\n\r\n');
  await until(() => peer.received.length >= 2, 'the pong');
  assert.is(peer.text(), '\r\n');
  assert.ok(h.events.some((e) => e.type === 'ping'));
  assert.is(h.messages.length, 0);
  peer.socket.destroy();
  await h.t.close();
});

test('outbound: one connection per remote, reused; ping() sends CRLFCRLF and the pong is reported', async () => {
  const srv = await rawServer();
  const h = await open({}, false);
  const to: Endpoint = { address: '127.0.0.1', port: srv.port, transport: 'tcp' };
  await h.t.send(Buffer.from(sipRequest('OPTIONS', 'a')), to);
  await h.t.send(Buffer.from(sipRequest('OPTIONS', 'b')), to);
  await until(() => srv.peers.length === 1 && srv.peers[0]!.text().includes('Call-ID: b'), 'both requests');
  assert.is(srv.peers.length, 1, 'one connection for both');
  assert.is(h.t.connections().length, 1);
  assert.ok(h.t.ping(to));
  await until(() => srv.peers[0]!.text().endsWith('\r\n\r\n'), 'the ping');
  await srv.peers[0]!.write('\r\n');
  await until(() => h.events.some((e) => e.type === 'pong'), 'the pong event');
  assert.not.ok(h.t.ping({ ...to, port: to.port + 1 }), 'no flow: no ping, and no new connection');
  assert.is(h.t.connections().length, 1);
  await h.t.close();
  await srv.close();
});

test('responses to an inbound request go back over the same connection', async () => {
  const h = await open();
  const peer = await RawPeer.connect(h.t.port);
  await peer.write(sipRequest('OPTIONS', 'back'));
  await until(() => h.messages.length === 1, 'the request');
  await h.t.send(Buffer.from('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n'), h.messages[0]!.from);
  await until(() => peer.text().startsWith('SIP/2.0 200 OK'), 'the response on the same connection');
  assert.is(h.t.connections().length, 1);
  peer.socket.destroy();
  await h.t.close();
});

test('an idle connection is closed after idleTimeoutMs of the (fake) clock; activity postpones it', async () => {
  const h = await open({ idleTimeoutMs: 30_000 });
  const peer = await RawPeer.connect(h.t.port);
  await until(() => h.t.connections().length === 1, 'the accepted connection');
  h.clock.advance(20_000);
  await peer.write('\r\n\r\n'); // activity at t=20 s
  await until(() => peer.received.length >= 2, 'pong');
  h.clock.advance(20_000); // t=40 s: only 20 s idle
  await settle();
  assert.not.ok(peer.ended, 'not idle long enough yet');
  h.clock.advance(10_000); // t=50 s: 30 s idle
  await until(() => peer.ended, 'the FIN');
  await until(() => h.events.some((e) => e.type === 'closed' && e.reason === 'idle'), 'closed event');
  await until(() => h.t.connections().length === 0, 'pool empty');
  peer.socket.destroy();
  await h.t.close();
});

test('a refused connection rejects the send and is reported as connection-failed', async () => {
  const h = await open({}, false);
  const port = await deadPort();
  const to: Endpoint = { address: '127.0.0.1', port, transport: 'tcp' };
  try {
    await h.t.send(Buffer.from(sipRequest('REGISTER', 'x')), to);
    assert.unreachable('send should fail');
  } catch (e) {
    assert.ok(e instanceof TransportError, String(e));
    assert.is((e as TransportError).code, 'connect-failed');
  }
  const failed = h.events.find((e) => e.type === 'connection-failed');
  assert.ok(failed && failed.type === 'connection-failed' && failed.remote.port === port);
  assert.is(h.t.connections().length, 0);
  await h.t.close();
});

test('a message without Content-Length gets a 400 and the connection is closed', async () => {
  const h = await open();
  const peer = await RawPeer.connect(h.t.port);
  const noLength = sipRequest('OPTIONS', 'nolen').replace(/Content-Length: 0\r\n/, '');
  await peer.write(noLength);
  await until(() => peer.ended || peer.closed, 'the close');
  assert.match(peer.text(), /^SIP\/2\.0 400 Missing Content-Length\r\n/);
  assert.match(peer.text(), /Call-ID: nolen/);
  await until(() => h.events.some((e) => e.type === 'closed' && e.reason === 'framing'), 'closed (framing) event');
  await h.t.close();
});

test('buffers are bounded: an over-long message closes the connection; a large send is refused', async () => {
  const h = await open({ maxMessageBytes: 2048 });
  const peer = await RawPeer.connect(h.t.port);
  await peer.write(`OPTIONS sip:x@y SIP/2.0\r\nX-Filler: ${'a'.repeat(4096)}`);
  await until(() => peer.closed || peer.ended, 'close on oversize');
  assert.is(h.messages.length, 0);
  try {
    await h.t.send(Buffer.alloc(4096, 65), { address: '127.0.0.1', port: 9, transport: 'tcp' });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof TransportUsageError && e.code === 'sip-too-large', String(e));
  }
  await h.t.close();
});

test('a peer that does not read fills the write backlog: the send fails and the connection goes', async () => {
  const srv = await rawServer();
  const h = await open({ maxWriteBacklog: 64 * 1024 }, false);
  const to: Endpoint = { address: '127.0.0.1', port: srv.port, transport: 'tcp' };
  await h.t.send(Buffer.from(sipRequest('OPTIONS', 'first')), to);
  await until(() => srv.peers.length === 1, 'accepted');
  srv.peers[0]!.socket.pause(); // the peer stops reading
  let error: unknown;
  const chunk = Buffer.alloc(60 * 1024, 0x41);
  for (let i = 0; i < 2000 && !error; i++) {
    h.t.send(chunk, to).catch((e) => (error = e));
    await settle(1);
  }
  await until(() => error !== undefined, 'a backlog error');
  assert.ok(error instanceof TransportError, String(error));
  assert.is((error as TransportError).code, 'write-backlog', String(error));
  await until(() => h.t.connections().length === 0, 'connection dropped');
  await h.t.close();
  await srv.close();
});

test('inbound connections over maxConnections are refused', async () => {
  const h = await open({ maxConnections: 1 });
  const a = await RawPeer.connect(h.t.port);
  await until(() => h.t.connections().length === 1, 'first accepted');
  const b = await RawPeer.connect(h.t.port);
  await until(() => b.closed || b.ended, 'second refused');
  assert.not.ok(a.closed);
  a.socket.destroy();
  await h.t.close();
});

test('after close() sends are refused and the listener is gone', async () => {
  const h = await open();
  const port = h.t.port;
  await h.t.close();
  try {
    await h.t.send(Buffer.from('x'), { address: '127.0.0.1', port, transport: 'tcp' });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof TransportUsageError && e.code === 'transport-closed', String(e));
  }
  await assert.not.ok(await RawPeer.connect(port).then((p) => (p.socket.destroy(), true), () => false), 'nothing listens any more');
});

test('IPv6: listening and connecting on ::1; v4-mapped peers are reported as plain IPv4', async () => {
  const h = await open({ listen: { address: '::1', port: 0 } });
  assert.is(h.t.address, '::1');
  const client = await open({}, false);
  const to: Endpoint = { address: '::1', port: h.t.port, transport: 'tcp' };
  await client.t.send(Buffer.from(sipRequest('OPTIONS', 'v6')), to);
  await until(() => h.messages.length === 1, 'the request over IPv6');
  assert.is(h.messages[0]!.from.address, '::1');
  assert.is(client.t.connections()[0]!.remote.address, '::1');
  // answer over the same connection, addressed with brackets as a Via would give it
  await h.t.send(Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP [::1]:5060;branch=z9hG4bKv6\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: v6\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n'), { ...h.messages[0]!.from, address: '[::1]' });
  await until(() => client.messages.length === 1, 'the response back over the same connection');
  assert.is(h.t.connections().length, 1);
  await client.t.close();
  await h.t.close();
  const dual = await open({ listen: { address: '::', port: 0 } });
  const peer = await RawPeer.connect(dual.t.port, '127.0.0.1');
  await peer.write(sipRequest('OPTIONS', 'mapped'));
  await until(() => dual.messages.length === 1, 'request via a dual-stack listener');
  assert.is(dual.messages[0]!.from.address, '127.0.0.1', '::ffff:127.0.0.1 folded to 127.0.0.1');
  peer.socket.destroy();
  await dual.t.close();
});

test('MultiTransport routes by Endpoint.transport; a missing transport is a local error', async () => {
  const h = await open();
  const udpIn: Buffer[] = [];
  const udp = await openUdpTransport('127.0.0.1', 0, (d) => udpIn.push(d));
  const udpPeerIn: Buffer[] = [];
  const udpPeer = await openUdpTransport('127.0.0.1', 0, (d) => udpPeerIn.push(d));
  const multi = new MultiTransport({ udp, tcp: h.t });
  assert.is(multi.port, udp.port, 'UDP is the primary by default');
  assert.equal(multi.local('tcp'), { address: '127.0.0.1', port: h.t.port, transport: 'tcp' });
  assert.is(multi.local('tls'), undefined);
  const srv = await rawServer();
  await multi.send(Buffer.from(sipRequest('OPTIONS', 'via-tcp')), { address: '127.0.0.1', port: srv.port, transport: 'tcp' });
  await multi.send(Buffer.from('hello-udp'), { address: '127.0.0.1', port: udpPeer.port, transport: 'udp' });
  await until(() => srv.peers.length === 1 && srv.peers[0]!.text().includes('via-tcp'), 'tcp delivery');
  await until(() => udpPeerIn.length === 1, 'udp delivery');
  assert.is(udpPeerIn[0]!.toString(), 'hello-udp');
  try {
    await multi.send(Buffer.from('x'), { address: '127.0.0.1', port: 5061, transport: 'tls' });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof TransportUsageError && e.code === 'no-transport', String(e));
  }
  // keep-alive writer: UDP flows get the datagram, TCP flows a ping on the existing connection only
  const send = keepAliveSender(multi);
  await send(Buffer.from('\r\n\r\n'), { address: '127.0.0.1', port: udpPeer.port, transport: 'udp' });
  await until(() => udpPeerIn.length === 2, 'udp keep-alive');
  await send(Buffer.from('\r\n\r\n'), { address: '127.0.0.1', port: srv.port, transport: 'tcp' });
  await until(() => srv.peers[0]!.text().endsWith('\r\n\r\n'), 'tcp ping');
  const port = await deadPort();
  try {
    await send(Buffer.from('\r\n\r\n'), { address: '127.0.0.1', port, transport: 'tcp' });
    assert.unreachable();
  } catch (e) {
    assert.ok(e instanceof TransportError && e.code === 'connection-closed', String(e));
  }
  assert.throws(() => new MultiTransport({}), (e: unknown) => e instanceof TransportUsageError);
  await multi.close();
  await udpPeer.close();
  await srv.close();
});

test.run();
