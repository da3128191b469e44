import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DestinationError, defaultSipPort, destinationFromHost, destinationFromUri } from '../../../firmware/sip/resolve/sip-destination.js';

test('a sip: URI with a name: no port, no transport, not secure', () => {
  const d = destinationFromUri('sip:alice@Example.COM');
  assert.equal(d, { host: 'example.com', secure: false, numeric: 0 });
});

test('sips: implies TLS; sips with transport=tcp is still TLS; sips with UDP is refused', () => {
  assert.equal(destinationFromUri('sips:example.com').transport, 'tls');
  assert.equal(destinationFromUri('sips:example.com;transport=tcp').transport, 'tls');
  assert.ok(destinationFromUri('sips:example.com').secure);
  assert.throws(() => destinationFromUri('sips:example.com;transport=udp'), (e: unknown) => e instanceof DestinationError);
});

test('transport=tls on a sip: URI selects TLS; transport=sctp is refused', () => {
  assert.is(destinationFromUri('sip:example.com;transport=TLS').transport, 'tls');
  assert.is(destinationFromUri('sip:example.com;transport=tls').secure, false);
  assert.throws(() => destinationFromUri('sip:example.com;transport=sctp'), /unsupported transport/);
});

test('maddr replaces the host (RFC 3263 §4); numeric hosts are recognised, IPv6 without brackets', () => {
  const d = destinationFromUri('sip:bob@example.com:5070;maddr=192.0.2.7');
  assert.is(d.host, '192.0.2.7');
  assert.is(d.numeric, 4);
  assert.is(d.port, 5070);
  const v6 = destinationFromUri('sip:[2001:DB8::1]:5062');
  assert.is(v6.host, '2001:DB8::1');
  assert.is(v6.numeric, 6);
  assert.is(v6.port, 5062);
});

test('host[:port] from the config, with a transport preference', () => {
  assert.equal(destinationFromHost('pbx.lab.test:5080'), { host: 'pbx.lab.test', port: 5080, secure: false, numeric: 0 });
  assert.equal(destinationFromHost('pbx.lab.test', { transport: 'tcp' }), { host: 'pbx.lab.test', transport: 'tcp', secure: false, numeric: 0 });
  assert.equal(destinationFromHost('pbx.lab.test', { transport: 'tls' }), { host: 'pbx.lab.test', transport: 'tls', secure: true, numeric: 0 });
  assert.equal(destinationFromHost('[::1]:5070'), { host: '::1', port: 5070, secure: false, numeric: 6 });
  assert.equal(destinationFromHost('::1'), { host: '::1', secure: false, numeric: 6 });
  assert.is(destinationFromHost('sips:pbx.lab.test').transport, 'tls');
  assert.throws(() => destinationFromHost('pbx:99999'), /bad port/);
  assert.throws(() => destinationFromHost('a:b:c'), (e: unknown) => e instanceof DestinationError);
});

test('default ports: 5060, 5061 for TLS', () => {
  assert.is(defaultSipPort('udp'), 5060);
  assert.is(defaultSipPort('tcp'), 5060);
  assert.is(defaultSipPort('tls'), 5061);
});

test.run();
