import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Headers } from '../../../firmware/sip/message/headers.js';
import type { SipResponse } from '../../../firmware/sip/message/types.js';
import { OverloadControl } from '../../../firmware/sip/ua/overload.js';

const resp = (status: number, headers: Array<[string, string]>): SipResponse => ({
  kind: 'response', status, reason: 'x', version: 'SIP/2.0', headers: new Headers(headers), body: Buffer.alloc(0),
});

test('503 with Retry-After blocks non-emergency calls until it expires; emergency calls always pass', () => {
  const oc = new OverloadControl(() => 0.5);
  oc.observe(resp(503, [['Retry-After', '30'], ['Via', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1']]), 1000);
  const r = oc.admit(false, 1000);
  assert.equal(r, { ok: false, reason: 'provider overloaded (503 Retry-After)', retryInMs: 30000 });
  assert.equal(oc.admit(true, 1000), { ok: true });
  assert.equal(oc.admit(false, 30999).ok, false);
  assert.equal(oc.admit(false, 31000), { ok: true });
});

test('RFC 7339 oc=100 sheds every new call for oc-validity; oc=0 clears it', () => {
  let x = 0.0;
  const oc = new OverloadControl(() => x);
  oc.observe(resp(200, [['Via', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1;oc=100;oc-validity=2000;oc-seq=1']]), 0);
  assert.is(oc.admit(false, 100).ok, false);
  assert.is(oc.admit(true, 100).ok, true);
  assert.is(oc.admit(false, 2001).ok, true, 'validity expired');
  oc.observe(resp(200, [['Via', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK2;oc=40;oc-validity=5000']]), 3000);
  x = 0.39; // below 40%: shed
  assert.is(oc.admit(false, 3100).ok, false);
  x = 0.41; // above: admitted
  assert.is(oc.admit(false, 3100).ok, true);
  oc.observe(resp(200, [['Via', 'SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK3;oc=0']]), 3200);
  x = 0;
  assert.is(oc.admit(false, 3300).ok, true);
});

test('a 503 without Retry-After does not block (the next call tries again)', () => {
  const oc = new OverloadControl();
  oc.observe(resp(503, []), 0);
  assert.is(oc.admit(false, 1).ok, true);
});

test.run();
