import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMessage } from '../../../firmware/sip/message/parse.js';
import type { Endpoint, SipRequest } from '../../../firmware/sip/message/types.js';
import { InboundPolicy } from '../../../firmware/sip/ua/inbound-policy.js';

const req = (ruri: string, toTag = '') =>
  parseMessage(
    Buffer.from(
      `INVITE ${ruri} SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK1\r\nMax-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:1000@lab.test>${toTag}\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`,
    ),
  ) as SipRequest;
const ep = (address: string, port: number): Endpoint => ({ address, port, transport: 'udp' });
const policy = new InboundPolicy({ acceptFrom: 'proxy', trusted: ['10.0.0.9:5060', '192.0.2.1'], checkRequestUri: true, users: ['1000'] });

test('requests from the proxy address and port are accepted; the same address on another port is dropped', () => {
  assert.equal(policy.check(req('sip:1000@10.0.0.1:5070'), ep('10.0.0.9', 5060)), { action: 'accept' });
  const v = policy.check(req('sip:1000@10.0.0.1:5070'), ep('10.0.0.9', 5061));
  assert.is(v.action, 'drop');
  assert.is(policy.check(req('sip:1000@10.0.0.1:5070'), ep('203.0.113.5', 5060)).action, 'drop');
});

test('a trusted address without port accepts any port; IPv4-mapped IPv6 sources match', () => {
  assert.is(policy.check(req('sip:1000@x'), ep('192.0.2.1', 40000)).action, 'accept');
  assert.is(policy.check(req('sip:1000@x'), ep('::ffff:10.0.0.9', 5060)).action, 'accept');
});

test('out-of-dialog requests to another user get 404; in-dialog ones are not checked', () => {
  assert.equal(policy.check(req('sip:100@10.0.0.1'), ep('10.0.0.9', 5060)), { action: 'reject', status: 404, reason: "Request-URI user '100' is not this line" });
  assert.is(policy.check(req('sip:10.0.0.1'), ep('10.0.0.9', 5060)).action, 'reject');
  assert.is(policy.check(req('sip:whatever@10.0.0.1', ';tag=abc'), ep('10.0.0.9', 5060)).action, 'accept');
});

test("accept_from 'any' lets everyone in but still checks the user", () => {
  const open = new InboundPolicy({ acceptFrom: 'any', trusted: [], checkRequestUri: true, users: ['1000'] });
  assert.is(open.check(req('sip:1000@x'), ep('203.0.113.5', 5060)).action, 'accept');
  assert.is(open.check(req('sip:2000@x'), ep('203.0.113.5', 5060)).action, 'reject');
});

test.run();
