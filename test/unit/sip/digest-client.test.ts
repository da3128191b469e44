import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RemoteError } from '../../../firmware/core/errors.js';
import {
  AuthError,
  computeDigestResponse,
  parseChallenge,
  selectChallenge,
} from '../../../firmware/sip/auth/digest.js';
import { parseAuthParams } from '../../../firmware/sip/message/header-values.js';

const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const sha512_256 = (s: string | Buffer) => createHash('sha512-256').update(s).digest('hex');

/** Auth-params of a header value, names lower-cased. */
function params(value: string): Map<string, string> {
  const parsed = parseAuthParams(value);
  assert.is(parsed.scheme.toLowerCase(), 'digest');
  return new Map([...parsed.params].map(([k, v]) => [k.toLowerCase(), v] as [string, string]));
}

// RFC 2617 §3.5
const RFC2617_CHALLENGE =
  'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';

// RFC 7616 §3.9.1
const RFC7616_NONCE = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
const RFC7616_OPAQUE = 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS';
const RFC7616_CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const rfc7616Challenge = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="${RFC7616_NONCE}", opaque="${RFC7616_OPAQUE}"`;

test('RFC 2617 §3.5 worked example (MD5, qop=auth)', () => {
  const challenge = parseChallenge(RFC2617_CHALLENGE);
  assert.is(challenge.realm, 'testrealm@host.com');
  assert.is(challenge.algorithm, 'MD5');
  assert.equal(challenge.qop, ['auth', 'auth-int']);
  assert.is(challenge.opaque, '5ccc069c403ebaf9f0171e9517f40e41');
  assert.is(challenge.stale, false);
  const out = computeDigestResponse({
    challenge,
    method: 'GET',
    uri: '/dir/index.html',
    username: 'Mufasa',
    password: 'Circle Of Life',
    cnonce: '0a4f113b',
    nc: 1,
  });
  assert.is(out.response, '6629fae49393a05397450978507c4ef1');
  assert.is(out.qop, 'auth', 'auth preferred when offered');
  const p = params(out.header);
  assert.is(p.get('username'), 'Mufasa');
  assert.is(p.get('realm'), 'testrealm@host.com');
  assert.is(p.get('nonce'), 'dcd98b7102dd2f0e8b11d0f600bfb0c093');
  assert.is(p.get('uri'), '/dir/index.html');
  assert.is(p.get('response'), '6629fae49393a05397450978507c4ef1');
  assert.is(p.get('algorithm'), 'MD5');
  assert.is(p.get('cnonce'), '0a4f113b');
  assert.is(p.get('nc'), '00000001');
  assert.is(p.get('qop'), 'auth');
  assert.is(p.get('opaque'), '5ccc069c403ebaf9f0171e9517f40e41');
  assert.ok(/^Digest /.test(out.header));
  assert.match(out.header, /nc=00000001/);
  assert.match(out.header, /qop=auth(,|$)/, 'qop unquoted as in RFC 2617');
});

test('RFC 7616 §3.9.1 examples: MD5 and SHA-256', () => {
  const common = {
    method: 'GET',
    uri: '/dir/index.html',
    username: 'Mufasa',
    password: 'Circle of Life',
    cnonce: RFC7616_CNONCE,
    nc: 1,
  };
  const md5Out = computeDigestResponse({ challenge: parseChallenge(rfc7616Challenge('MD5')), ...common });
  assert.is(md5Out.response, '8ca523f5e9506fed4657c9700eebdbec');
  const shaChallenge = parseChallenge(rfc7616Challenge('SHA-256'));
  assert.is(shaChallenge.algorithm, 'SHA-256');
  const shaOut = computeDigestResponse({ challenge: shaChallenge, ...common });
  assert.is(shaOut.response, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  const p = params(shaOut.header);
  assert.is(p.get('algorithm'), 'SHA-256');
  assert.is(p.get('opaque'), RFC7616_OPAQUE);
  assert.is(p.get('nonce'), RFC7616_NONCE);
});

test('selectChallenge prefers SHA-512-256 > SHA-256 > MD5 and skips unknown algorithms', () => {
  const picked = selectChallenge([rfc7616Challenge('MD5'), rfc7616Challenge('SHA-256')]);
  assert.is(picked?.algorithm, 'SHA-256');
  const picked2 = selectChallenge([rfc7616Challenge('SHA-256'), rfc7616Challenge('MD5')]);
  assert.is(picked2?.algorithm, 'SHA-256', 'order does not matter');
  const picked3 = selectChallenge([rfc7616Challenge('MD5'), rfc7616Challenge('SHA-512-256'), rfc7616Challenge('SHA-256')]);
  assert.is(picked3?.algorithm, 'SHA-512-256');
  const picked4 = selectChallenge([rfc7616Challenge('SHA3-999'), 'Basic realm="x"', rfc7616Challenge('md5')]);
  assert.is(picked4?.algorithm, 'MD5', 'case-insensitive token, unknown ones skipped');
  assert.is(selectChallenge([rfc7616Challenge('SHA3-999'), 'Basic realm="x"']), undefined);
  assert.is(selectChallenge([]), undefined);
});

test('no qop: response = H(HA1:nonce:HA2), no cnonce/nc in the header', () => {
  const challenge = parseChallenge('Digest realm="ata.local", nonce="abc123", algorithm=MD5');
  assert.equal(challenge.qop, []);
  const out = computeDigestResponse({
    challenge,
    method: 'INVITE',
    uri: 'sip:1000@192.0.2.10:5070',
    username: '2000',
    password: 'pass2000',
  });
  const ha1 = md5('2000:ata.local:pass2000');
  const ha2 = md5('INVITE:sip:1000@192.0.2.10:5070');
  assert.is(out.response, md5(`${ha1}:abc123:${ha2}`));
  const p = params(out.header);
  assert.not.ok(p.has('cnonce'));
  assert.not.ok(p.has('nc'));
  assert.not.ok(p.has('qop'));
  assert.is(p.get('uri'), 'sip:1000@192.0.2.10:5070');
});

test('-sess variants: HA1 = H(H(user:realm:pass):nonce:cnonce) (RFC 7616 §3.4.2)', () => {
  const cases: Array<[string, (s: string | Buffer) => string]> = [
    ['MD5-sess', md5],
    ['SHA-256-sess', sha256],
    ['SHA-512-256-sess', sha512_256],
  ];
  for (const [alg, H] of cases) {
    const challenge = parseChallenge(`Digest realm="r", nonce="n0nce", qop="auth", algorithm=${alg}`);
    const out = computeDigestResponse({
      challenge,
      method: 'REGISTER',
      uri: 'sip:example.com',
      username: 'u',
      password: 'p',
      cnonce: 'c1',
      nc: 3,
    });
    const ha1 = H(`${H('u:r:p')}:n0nce:c1`);
    const ha2 = H('REGISTER:sip:example.com');
    assert.is(out.response, H(`${ha1}:n0nce:00000003:c1:auth:${ha2}`), alg);
    assert.is(params(out.header).get('algorithm'), alg);
    assert.is(params(out.header).get('nc'), '00000003');
  }
});

test('auth-int: HA2 = H(method:uri:H(body)); chosen only when it is the sole qop offered', () => {
  const body = Buffer.from('v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\n');
  const challenge = parseChallenge('Digest realm="r", nonce="n", qop="auth-int", algorithm=SHA-256');
  const out = computeDigestResponse({ challenge, method: 'INVITE', uri: 'sip:b@x', username: 'u', password: 'p', cnonce: 'cc', body });
  assert.is(out.qop, 'auth-int');
  const ha1 = sha256('u:r:p');
  const ha2 = sha256(`INVITE:sip:b@x:${sha256(body)}`);
  assert.is(out.response, sha256(`${ha1}:n:00000001:cc:auth-int:${ha2}`));
  assert.is(params(out.header).get('qop'), 'auth-int');
  // a different body gives a different digest
  const other = computeDigestResponse({ challenge, method: 'INVITE', uri: 'sip:b@x', username: 'u', password: 'p', cnonce: 'cc', body: Buffer.from('x') });
  assert.is.not(other.response, out.response);
});

test('a random cnonce is generated when none is given', () => {
  const challenge = parseChallenge(RFC2617_CHALLENGE);
  const a = computeDigestResponse({ challenge, method: 'GET', uri: '/', username: 'u', password: 'p' });
  const b = computeDigestResponse({ challenge, method: 'GET', uri: '/', username: 'u', password: 'p' });
  assert.ok(a.cnonce && b.cnonce && a.cnonce !== b.cnonce);
  assert.is.not(a.response, b.response);
});

test('userhash: the username is sent as H(user:realm)', () => {
  const challenge = parseChallenge('Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256, userhash=true');
  assert.is(challenge.userhash, true);
  const out = computeDigestResponse({ challenge, method: 'GET', uri: '/', username: 'Mufasa', password: 'p', cnonce: 'c' });
  const p = params(out.header);
  assert.is(p.get('username'), sha256('Mufasa:r'));
  assert.is(p.get('userhash'), 'true');
});

test('parseChallenge: stale, domain; errors are AuthError (a RemoteError) with a code', () => {
  const c = parseChallenge('Digest realm="r", nonce="n", stale=TRUE, domain="sip:example.com"');
  assert.is(c.stale, true);
  assert.is(c.domain, 'sip:example.com');
  const code = (value: string) => {
    try {
      parseChallenge(value);
    } catch (e) {
      assert.ok(e instanceof AuthError && e instanceof RemoteError);
      return (e as AuthError).code;
    }
    return 'no error';
  };
  assert.is(code('Basic realm="r"'), 'not-digest');
  assert.is(code('Digest realm="r"'), 'missing-nonce');
  assert.is(code('Digest nonce="n"'), 'missing-realm');
  assert.is(code('Digest realm="r", nonce="n", algorithm=SHA-1'), 'unsupported-algorithm');
});

test.run();
