import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalError } from '../../../firmware/core/errors.js';
import { CredentialCache } from '../../../firmware/sip/auth/credential-cache.js';
import { DigestVerifier } from '../../../firmware/sip/auth/digest-server.js';
import { Headers } from '../../../firmware/sip/message/headers.js';
import { parseAuthParams } from '../../../firmware/sip/message/header-values.js';
import type { SipRequest } from '../../../firmware/sip/message/types.js';

const req = (method: string, uri = 'sip:registrar.example.com'): SipRequest => ({
  kind: 'request',
  method,
  uri,
  version: 'SIP/2.0',
  headers: new Headers(),
  body: Buffer.alloc(0),
});

const param = (value: string, name: string) => {
  for (const [k, v] of parseAuthParams(value).params) if (k.toLowerCase() === name) return v;
  return undefined;
};

const server = () =>
  new DigestVerifier({ realm: 'example.com', username: 'alice', password: 's3cret', secret: Buffer.alloc(32, 7) });

test('401 -> Authorization, 407 -> Proxy-Authorization; the answer verifies', () => {
  const v = server();
  const cache = new CredentialCache();
  const creds = { username: 'alice', password: 's3cret' };
  const www = cache.authorize('WWW-Authenticate', [v.challenge(0)], req('REGISTER'), creds);
  assert.ok(www);
  assert.is(www.name, 'Authorization');
  assert.is(www.realm, 'example.com');
  assert.is(www.nonceReused, false);
  assert.is(v.verify(www.value, 'REGISTER', 1), 'ok');
  const proxy = cache.authorize('proxy-authenticate', [v.challenge(2)], req('INVITE', 'sip:bob@example.com'), creds);
  assert.is(proxy?.name, 'Proxy-Authorization');
  assert.is(v.verify(proxy?.value ?? '', 'INVITE', 3), 'ok');
  assert.throws(() => cache.authorize('Authorization', [], req('REGISTER'), creds), (e: unknown) => e instanceof LocalError);
});

test('pre-emptive credentials for the next request carry nc+1 and the new method/URI', () => {
  const v = server();
  const cache = new CredentialCache({ cnonce: () => 'fixedcnonce' });
  const creds = { username: 'alice', password: 's3cret' };
  const first = cache.authorize('WWW-Authenticate', [v.challenge(0)], req('REGISTER'), creds);
  assert.is(param(first?.value ?? '', 'nc'), '00000001');
  assert.ok(cache.has('example.com'));

  const next = cache.preemptive(req('REGISTER'));
  assert.is(next.length, 1);
  assert.is(next[0].name, 'Authorization');
  assert.is(param(next[0].value, 'nc'), '00000002');
  assert.is(param(next[0].value, 'cnonce'), 'fixedcnonce');
  assert.is(v.verify(first?.value ?? '', 'REGISTER', 1), 'ok');
  assert.is(v.verify(next[0].value, 'REGISTER', 2), 'ok');

  const third = cache.preemptive(req('OPTIONS', 'sip:other@example.com'));
  assert.is(param(third[0].value, 'nc'), '00000003');
  assert.is(param(third[0].value, 'uri'), 'sip:other@example.com');
  assert.is(v.verify(third[0].value, 'OPTIONS', 3), 'ok');
  // the verifier would refuse a value re-sent as is
  assert.is(v.verify(third[0].value, 'OPTIONS', 4), 'replay');

  cache.forget('example.com');
  assert.equal(cache.preemptive(req('REGISTER')), []);
});

test('the same nonce challenged again (not stale) means the credentials were refused', () => {
  const v = server();
  const cache = new CredentialCache();
  const challenge = v.challenge(0);
  const creds = { username: 'alice', password: 'wrong' };
  const a = cache.authorize('WWW-Authenticate', [challenge], req('REGISTER'), creds);
  assert.is(a?.nonceReused, false);
  assert.is(v.verify(a?.value ?? '', 'REGISTER', 1), 'bad-credentials');
  const b = cache.authorize('WWW-Authenticate', [challenge], req('REGISTER'), creds);
  assert.is(b?.nonceReused, true);
  assert.is(param(b?.value ?? '', 'nc'), '00000002');
  // a stale challenge with a new nonce starts over at nc=1
  const c = cache.authorize('WWW-Authenticate', [v.challenge(5, true)], req('REGISTER'), creds);
  assert.is(c?.nonceReused, false);
  assert.is(param(c?.value ?? '', 'nc'), '00000001');
});

test('credentials bound to a realm are not sent to another realm', () => {
  const v = server();
  const cache = new CredentialCache();
  const res = cache.authorize('WWW-Authenticate', [v.challenge(0)], req('REGISTER'), {
    username: 'alice',
    password: 's3cret',
    realm: 'other.example.net',
  });
  assert.is(res, undefined);
  assert.not.ok(cache.has('example.com'));
  assert.is(cache.authorize('WWW-Authenticate', ['Basic realm="example.com"'], req('REGISTER'), { username: 'a', password: 'b' }), undefined);
});

test.run();
