/**
 * Client side of HTTP Digest as used by SIP (RFC 3261 §22.4, RFC 2617, RFC 7616, RFC 8760):
 * read a WWW-/Proxy-Authenticate challenge, pick the strongest one, compute the Authorization value.
 */
import { randomBytes } from 'node:crypto';
import { LocalError } from '../../core/errors.js';
import { formatAuthParams, parseAuthParams } from '../message/header-values.js';
import { AuthError } from './auth-error.js';
import {
  algorithmStrength,
  computeResponseValue,
  digestHash,
  formatNonceCount,
  isSessionAlgorithm,
  normalizeAlgorithm,
  type DigestAlgorithm,
  type DigestQop,
} from './digest-hash.js';

export type { DigestAlgorithm, DigestQop } from './digest-hash.js';
export { AuthError } from './auth-error.js';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  /** qop options offered, lower-case (empty: RFC 2069 style, no qop). */
  qop: string[];
  stale: boolean;
  domain?: string;
  /** RFC 7616 §3.4.4: the server accepts a hashed username. */
  userhash?: boolean;
}

export interface DigestResponseInput {
  challenge: DigestChallenge;
  method: string;
  /** digest-uri: the Request-URI in SIP. */
  uri: string;
  username: string;
  password: string;
  /** Message body, for qop=auth-int. */
  body?: Buffer;
  /** Client nonce; random when absent (used only with qop or a -sess algorithm). */
  cnonce?: string;
  /** Nonce count (default 1). */
  nc?: number;
  /** Force a qop; by default auth when offered, else auth-int when only it is offered, else none. */
  qop?: DigestQop;
}

export interface DigestResponse {
  /** The request-digest. */
  response: string;
  /** The whole Authorization / Proxy-Authorization value. */
  header: string;
  qop?: DigestQop;
  /** nonce-count as sent (8 hex digits), with qop. */
  nc?: string;
  cnonce?: string;
}

/** Auth-params with lower-cased names. Throws AuthError if the value is not a digest challenge. */
function digestParams(headerValue: string, what: string): Map<string, string> {
  let parsed: { scheme: string; params: Map<string, string> };
  try {
    parsed = parseAuthParams(headerValue);
  } catch (e) {
    throw new AuthError('malformed-challenge', `unparsable ${what}`, { cause: e, context: { value: headerValue } });
  }
  if (parsed.scheme.toLowerCase() !== 'digest') {
    throw new AuthError('not-digest', `${what} scheme is ${parsed.scheme}, not Digest`, { context: { scheme: parsed.scheme } });
  }
  const params = new Map<string, string>();
  for (const [k, v] of parsed.params) params.set(k.toLowerCase(), v);
  return params;
}

/** Parse one WWW-Authenticate / Proxy-Authenticate value. Throws AuthError on a bad or unsupported challenge. */
export function parseChallenge(headerValue: string): DigestChallenge {
  const p = digestParams(headerValue, 'challenge');
  const realm = p.get('realm');
  if (realm === undefined) throw new AuthError('missing-realm', 'digest challenge without realm');
  const nonce = p.get('nonce');
  if (nonce === undefined || nonce === '') throw new AuthError('missing-nonce', 'digest challenge without nonce');
  const algorithm = normalizeAlgorithm(p.get('algorithm'));
  if (algorithm === undefined) {
    throw new AuthError('unsupported-algorithm', `unsupported digest algorithm ${p.get('algorithm')}`, {
      context: { algorithm: p.get('algorithm') },
    });
  }
  const qop = (p.get('qop') ?? '')
    .split(',')
    .map((q) => q.trim().toLowerCase())
    .filter((q) => q !== '');
  const challenge: DigestChallenge = { realm, nonce, algorithm, qop, stale: p.get('stale')?.toLowerCase() === 'true' };
  const opaque = p.get('opaque');
  if (opaque !== undefined) challenge.opaque = opaque;
  const domain = p.get('domain');
  if (domain !== undefined) challenge.domain = domain;
  if (p.get('userhash')?.toLowerCase() === 'true') challenge.userhash = true;
  return challenge;
}

/** Among several challenge values, the strongest supported one (ties: the first); unusable ones are skipped. */
export function selectChallenge(values: string[]): DigestChallenge | undefined {
  let best: DigestChallenge | undefined;
  for (const value of values) {
    let c: DigestChallenge;
    try {
      c = parseChallenge(value);
    } catch (e) {
      if (e instanceof AuthError) continue;
      throw e;
    }
    if (c.qop.length > 0 && !c.qop.includes('auth') && !c.qop.includes('auth-int')) continue;
    if (!best || algorithmStrength(c.algorithm) > algorithmStrength(best.algorithm)) best = c;
  }
  return best;
}

function chooseQop(challenge: DigestChallenge, forced: DigestQop | undefined): DigestQop | undefined {
  if (forced !== undefined) return forced;
  if (challenge.qop.length === 0) return undefined;
  if (challenge.qop.includes('auth')) return 'auth';
  if (challenge.qop.includes('auth-int')) return 'auth-int';
  throw new AuthError('unsupported-qop', `no supported qop in "${challenge.qop.join(',')}"`);
}

/** Compute the digest and the full credentials header value for `challenge`. */
export function computeDigestResponse(input: DigestResponseInput): DigestResponse {
  const { challenge } = input;
  const qop = chooseQop(challenge, input.qop);
  const needCnonce = qop !== undefined || isSessionAlgorithm(challenge.algorithm);
  const cnonce = needCnonce ? (input.cnonce ?? randomBytes(12).toString('hex')) : undefined;
  const nc = qop !== undefined ? formatNonceCount(input.nc ?? 1) : undefined;
  if (/[\r\n]/.test(input.username) || /[\r\n]/.test(input.uri)) {
    throw new LocalError('bad-credentials-input', 'username and uri must not contain line breaks');
  }
  const response = computeResponseValue({
    algorithm: challenge.algorithm,
    username: input.username,
    realm: challenge.realm,
    password: input.password,
    nonce: challenge.nonce,
    method: input.method,
    uri: input.uri,
    ...(qop !== undefined ? { qop } : {}),
    ...(nc !== undefined ? { nc } : {}),
    ...(cnonce !== undefined ? { cnonce } : {}),
    ...(input.body !== undefined ? { body: input.body } : {}),
  });
  const username = challenge.userhash
    ? digestHash(challenge.algorithm, `${input.username}:${challenge.realm}`)
    : input.username;
  const entries: Array<[string, string, boolean]> = [
    ['username', username, true],
    ['realm', challenge.realm, true],
    ['nonce', challenge.nonce, true],
    ['uri', input.uri, true],
    ['response', response, true],
    ['algorithm', challenge.algorithm, false],
  ];
  if (cnonce !== undefined) entries.push(['cnonce', cnonce, true]);
  if (qop !== undefined && nc !== undefined) entries.push(['nc', nc, false], ['qop', qop, false]);
  if (challenge.opaque !== undefined) entries.push(['opaque', challenge.opaque, true]);
  if (challenge.userhash) entries.push(['userhash', 'true', false]);
  const result: DigestResponse = { response, header: formatAuthParams('Digest', entries) };
  if (qop !== undefined) result.qop = qop;
  if (nc !== undefined) result.nc = nc;
  if (cnonce !== undefined) result.cnonce = cnonce;
  return result;
}
