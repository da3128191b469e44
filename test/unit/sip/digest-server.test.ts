import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { computeDigestResponse, parseChallenge, type DigestAlgorithm } from '../../../firmware/sip/auth/digest.js';
import { DigestVerifier } from '../../../firmware/sip/auth/digest-server.js';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const URI = 'sip:1000@192.0.2.10:5070';

function verifier(o: { qop?: boolean; algorithm?: DigestAlgorithm; secret?: Buffer; nonceTtlMs?: number } = {}) {
  return new DigestVerifier({
    realm: 'ata.local',
    username: '1000',
    password: 'pass1000',
    secret: o.secret ?? SECRET,
    ...(o.qop !== undefined ? { qop: o.qop } : {}),
    ...(o.algorithm ? { algorithm: o.algorithm } : {}),
    ...(o.nonceTtlMs !== undefined ? { nonceTtlMs: o.nonceTtlMs } : {}),
  });
}

function answer(challengeValue: string, o: { password?: string; nc?: number; username?: string; body?: Buffer; method?: string } = {}) {
  return computeDigestResponse({
    challenge: parseChallenge(challengeValue),
    method: o.method ?? 'INVITE',
    uri: URI,
    username: o.username ?? '1000',
    password: o.password ?? 'pass1000',
    cnonce: 'client-nonce',
    nc: o.nc ?? 1,
    ...(o.body ? { body: o.body } : {}),
  }).header;
}

test('round trip: the client answers the challenge -> ok', () => {
  const v = verifier();
  const ch = v.challenge(1000);
  const parsed = parseChallenge(ch);
  assert.is(parsed.realm, 'ata.local');
  assert.equal(parsed.qop, ['auth']);
  assert.is(parsed.algorithm, 'MD5');
  assert.is(parsed.stale, false);
  assert.is(v.verify(answer(ch), 'INVITE', 1500), 'ok');
});

test('wrong password, user, realm or method -> bad-credentials', () => {
  const v = verifier();
  const ch = v.challenge(0);
  assert.is(v.verify(answer(ch, { password: 'guess' }), 'INVITE', 10), 'bad-credentials');
  assert.is(v.verify(answer(ch, { username: '2000' }), 'INVITE', 10), 'bad-credentials');
  assert.is(v.verify(answer(ch), 'BYE', 10), 'bad-credentials', 'digest covers the method');
  const otherRealm = ch.replace('ata.local', 'evil.local');
  assert.is(v.verify(answer(otherRealm), 'INVITE', 10), 'bad-credentials');
});

test('replay: the same nc again is refused, a higher nc is accepted', () => {
  const v = verifier();
  const ch = v.challenge(0);
  const first = answer(ch, { nc: 1 });
  assert.is(v.verify(first, 'INVITE', 10), 'ok');
  assert.is(v.verify(first, 'INVITE', 20), 'replay');
  assert.is(v.verify(answer(ch, { nc: 2 }), 'INVITE', 30), 'ok');
  assert.is(v.verify(answer(ch, { nc: 2 }), 'INVITE', 40), 'replay');
  assert.is(v.verify(answer(ch, { nc: 1 }), 'INVITE', 50), 'replay');
  // a failed attempt does not burn a nonce count
  assert.is(v.verify(answer(ch, { nc: 5, password: 'x' }), 'INVITE', 60), 'bad-credentials');
  assert.is(v.verify(answer(ch, { nc: 5 }), 'INVITE', 70), 'ok');
});

test('without qop a nonce is single-use', () => {
  const v = verifier({ qop: false });
  const ch = v.challenge(0);
  assert.equal(parseChallenge(ch).qop, []);
  const auth = answer(ch);
  assert.not.match(auth, /nc=/);
  assert.is(v.verify(auth, 'INVITE', 10), 'ok');
  assert.is(v.verify(auth, 'INVITE', 20), 'replay');
  // each challenge has its own nonce, even within the same millisecond
  const ch2 = v.challenge(0);
  assert.is.not(parseChallenge(ch2).nonce, parseChallenge(ch).nonce);
  assert.is(v.verify(answer(ch2), 'INVITE', 30), 'ok');
});

test('an old nonce is stale (and the new challenge says so)', () => {
  const v = verifier({ nonceTtlMs: 60_000 });
  const ch = v.challenge(0);
  const auth = answer(ch);
  assert.is(v.verify(auth, 'INVITE', 60_001), 'stale');
  const fresh = v.challenge(60_001, true);
  assert.is(parseChallenge(fresh).stale, true);
  assert.is(v.verify(answer(fresh), 'INVITE', 60_100), 'ok');
});

test('a tampered or foreign nonce is refused', () => {
  const v = verifier();
  const ch = v.challenge(0);
  const nonce = parseChallenge(ch).nonce;
  const flipped = nonce.slice(0, 5) + (nonce[5] === 'A' ? 'B' : 'A') + nonce.slice(6);
  const tampered = ch.replace(nonce, flipped);
  const r1 = v.verify(answer(tampered), 'INVITE', 10);
  assert.ok(r1 === 'bad-credentials' || r1 === 'malformed', r1);
  const r2 = v.verify(answer(ch.replace(nonce, 'short')), 'INVITE', 10);
  assert.is(r2, 'malformed');
  // a nonce minted with another secret
  const other = verifier({ secret: Buffer.from('ffffffffffffffffffffffffffffffff') });
  assert.is(v.verify(answer(other.challenge(0)), 'INVITE', 10), 'bad-credentials');
  // a later timestamp forged into the nonce cannot be made valid without the secret
  const raw = Buffer.from(nonce, 'base64url');
  raw.writeBigInt64BE(BigInt(50_000), 0);
  const moved = ch.replace(nonce, raw.toString('base64url'));
  assert.is(v.verify(answer(moved), 'INVITE', 100_000_000), 'bad-credentials');
});

test('malformed Authorization values', () => {
  const v = verifier();
  const ch = v.challenge(0);
  assert.is(v.verify('Basic dXNlcjpwYXNz', 'INVITE', 1), 'malformed');
  assert.is(v.verify('Digest username="1000"', 'INVITE', 1), 'malformed');
  const noUri = answer(ch).replace(/uri="[^"]*",\s*/, '');
  assert.is(v.verify(noUri, 'INVITE', 1), 'malformed');
  const noQop = answer(ch).replace(/,\s*qop=auth/, '');
  assert.is(v.verify(noQop, 'INVITE', 1), 'malformed', 'qop was offered, so it is required');
  const sha = computeDigestResponse({
    challenge: { ...parseChallenge(ch), algorithm: 'SHA-256' },
    method: 'INVITE',
    uri: URI,
    username: '1000',
    password: 'pass1000',
    cnonce: 'c',
  }).header;
  assert.is(v.verify(sha, 'INVITE', 1), 'malformed', 'algorithm other than the one challenged');
});

test('SHA-256 and auth-int verifiers', () => {
  const v = verifier({ algorithm: 'SHA-256' });
  const ch = v.challenge(0);
  assert.is(parseChallenge(ch).algorithm, 'SHA-256');
  assert.is(v.verify(answer(ch), 'INVITE', 5), 'ok');
  const body = Buffer.from('v=0\r\n');
  const authInt = computeDigestResponse({
    challenge: parseChallenge(ch),
    method: 'INVITE',
    uri: URI,
    username: '1000',
    password: 'pass1000',
    cnonce: 'c',
    nc: 2,
    qop: 'auth-int',
    body,
  }).header;
  assert.is(v.verify(authInt, 'INVITE', 6, Buffer.from('v=1\r\n')), 'bad-credentials', 'body is covered');
  assert.is(v.verify(authInt, 'INVITE', 6, body), 'ok');
});

test.run();
