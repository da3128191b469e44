import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMessage } from '../../../firmware/sip/message/parse.js';
import type { SipResponse } from '../../../firmware/sip/message/types.js';
import { parseVia } from '../../../firmware/sip/message/via.js';
import { BindingMonitor, bindingFromVia } from '../../../firmware/sip/nat/binding-monitor.js';

function response(via: string): SipResponse {
  const text = [
    'SIP/2.0 200 OK',
    `Via: ${via}`,
    'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy',
    'From: <sip:1000@lab.test>;tag=a',
    'To: <sip:1000@lab.test>;tag=b',
    'Call-ID: c1',
    'CSeq: 2 REGISTER',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return parseMessage(Buffer.from(text)) as SipResponse;
}

const LOCAL = { address: '192.168.1.20', port: 5060 };

test('bindingFromVia: received/rport when present, else sent-by (default port by transport)', () => {
  assert.equal(bindingFromVia(parseVia('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=40001;received=203.0.113.5')), { address: '203.0.113.5', port: 40001 });
  assert.equal(bindingFromVia(parseVia('SIP/2.0/UDP 192.168.1.20:5062;branch=z9hG4bK1')), { address: '192.168.1.20', port: 5062 });
  assert.equal(bindingFromVia(parseVia('SIP/2.0/TLS 192.168.1.20;branch=z9hG4bK1;rport')), { address: '192.168.1.20', port: 5061 });
  assert.equal(bindingFromVia(parseVia('SIP/2.0/TCP [2001:db8::20]:5060;branch=z9hG4bK1;received=2001:DB8::99;rport=6000')), { address: '2001:db8::99', port: 6000 });
});

test('first response: binding learned, NAT detected when it differs from our own address', () => {
  const m = new BindingMonitor({ local: LOCAL });
  const e = m.observe(response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=40001;received=203.0.113.5'));
  assert.equal(e, { type: 'binding-learned', binding: { address: '203.0.113.5', port: 40001 }, natDetected: true });
  assert.ok(m.natDetected);
  const direct = new BindingMonitor({ local: LOCAL });
  const d = direct.observe(response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=5060;received=192.168.1.20'));
  assert.is(d?.type, 'binding-learned');
  assert.not.ok(direct.natDetected);
});

test('the same binding again is no event; a new port or address is binding-changed (RFC 3581)', () => {
  const m = new BindingMonitor({ local: LOCAL });
  m.observe(response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=40001;received=203.0.113.5'));
  assert.is(m.observe(response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK2;rport=40001;received=203.0.113.5')), undefined);
  const portMoved = m.observe(response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK3;rport=40777;received=203.0.113.5'));
  assert.equal(portMoved, { type: 'binding-changed', previous: { address: '203.0.113.5', port: 40001 }, binding: { address: '203.0.113.5', port: 40777 }, natDetected: true });
  const addressMoved = m.observe(response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK4;rport=40777;received=198.51.100.9'));
  assert.is(addressMoved?.type, 'binding-changed');
  assert.equal(m.binding, { address: '198.51.100.9', port: 40777 });
});

test('reset forgets the binding; a response without Via is ignored', () => {
  const m = new BindingMonitor({ local: LOCAL });
  m.observe(response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=40001;received=203.0.113.5'));
  m.reset();
  assert.is(m.binding, undefined);
  assert.is(m.observe(response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;rport=40001;received=203.0.113.5'))?.type, 'binding-learned');
  const noVia = response('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1');
  noVia.headers.delete('Via');
  assert.is(m.observe(noVia), undefined);
});

test.run();
