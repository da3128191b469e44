/**
 * Server side of digest authentication, for "authenticate incoming INVITE": issue challenges and
 * check the Authorization header of the retried request.
 *
 * Nonces need no storage: nonce = base64url(issue time | counter | HMAC-SHA256(secret, realm, time,
 * counter)[0..16]). Only nonces that were answered correctly are remembered (until they expire) to
 * reject replays: with qop the nonce count must grow, without qop a nonce is good for one request.
 * Sans-IO: the caller passes `now` (monotonic ms).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LocalError } from '../../core/errors.js';
import { formatAuthParams, parseAuthParams } from '../message/header-values.js';
import { computeResponseValue, digestHash, normalizeAlgorithm, type DigestAlgorithm, type DigestQop } from './digest-hash.js';

export type VerifyResult = 'ok' | 'stale' | 'bad-credentials' | 'replay' | 'malformed';

export interface DigestVerifierOptions {
  realm: string;
  username: string;
  password: string;
  /** Key for the nonce HMAC: use 16+ random bytes (new per boot is fine); only empty is refused. */
  secret: Buffer;
  /** Nonce lifetime; older nonces are 'stale'. Default 300 s. */
  nonceTtlMs?: number;
  /** Default MD5 (what most SIP peers can answer). */
  algorithm?: DigestAlgorithm;
  /** Offer and require qop=auth (default true). */
  qop?: boolean;
  /** Cap on remembered answered nonces (default 1024). */
  maxTrackedNonces?: number;
}

const NONCE_BYTES = 8 + 4 + 16;
const MAX_CLOCK_SKEW_MS = 1000;

interface UsedNonce {
  issuedAt: number;
  nc: number;
}

export class DigestVerifier {
  private readonly realm: string;
  private readonly username: string;
  private readonly password: string;
  private readonly secret: Buffer;
  private readonly ttl: number;
  private readonly algorithm: DigestAlgorithm;
  private readonly useQop: boolean;
  private readonly maxTracked: number;
  private counter = 0;
  private readonly used = new Map<string, UsedNonce>();

  constructor(o: DigestVerifierOptions) {
    if (o.secret.length === 0) throw new LocalError('empty-secret', 'DigestVerifier needs a secret');
    this.realm = o.realm;
    this.username = o.username;
    this.password = o.password;
    this.secret = Buffer.from(o.secret);
    this.ttl = o.nonceTtlMs ?? 300_000;
    this.algorithm = o.algorithm ?? 'MD5';
    this.useQop = o.qop ?? true;
    this.maxTracked = o.maxTrackedNonces ?? 1024;
  }

  /** A WWW-Authenticate (or Proxy-Authenticate) value with a fresh nonce. */
  challenge(now: number, stale = false): string {
    const entries: Array<[string, string, boolean]> = [
      ['realm', this.realm, true],
      ['nonce', this.issueNonce(now), true],
      ['algorithm', this.algorithm, false],
    ];
    if (this.useQop) entries.push(['qop', 'auth', true]);
    if (stale) entries.push(['stale', 'true', false]);
    return formatAuthParams('Digest', entries);
  }

  /** Check an Authorization value sent with `method` (and `body`, for qop=auth-int). */
  verify(authorization: string, method: string, now: number, body?: Buffer): VerifyResult {
    let params: Map<string, string>;
    try {
      const parsed = parseAuthParams(authorization);
      if (parsed.scheme.toLowerCase() !== 'digest') return 'malformed';
      params = new Map([...parsed.params].map(([k, v]) => [k.toLowerCase(), v] as [string, string]));
    } catch {
      return 'malformed';
    }
    const username = params.get('username');
    const realm = params.get('realm');
    const nonce = params.get('nonce');
    const uri = params.get('uri');
    const response = params.get('response')?.toLowerCase();
    if (!username || realm === undefined || !nonce || !uri || !response || !/^[0-9a-f]+$/.test(response)) {
      return 'malformed';
    }
    if (normalizeAlgorithm(params.get('algorithm')) !== this.algorithm) return 'malformed';
    const qopText = params.get('qop')?.toLowerCase();
    const nc = params.get('nc');
    const cnonce = params.get('cnonce');
    let qop: DigestQop | undefined;
    if (this.useQop) {
      if (qopText !== 'auth' && qopText !== 'auth-int') return 'malformed';
      if (nc === undefined || !/^[0-9a-fA-F]{8}$/.test(nc) || !cnonce) return 'malformed';
      qop = qopText;
    } else if (qopText !== undefined) {
      return 'malformed';
    }
    if (this.algorithm.endsWith('-sess') && !cnonce) return 'malformed';

    if (realm !== this.realm) return 'bad-credentials';
    const hashedUser = params.get('userhash')?.toLowerCase() === 'true';
    const expectedUser = hashedUser ? digestHash(this.algorithm, `${this.username}:${this.realm}`) : this.username;
    if (username !== expectedUser) return 'bad-credentials';

    const issued = this.openNonce(nonce);
    if (issued === 'malformed' || issued === 'forged') return issued === 'forged' ? 'bad-credentials' : 'malformed';

    const expected = computeResponseValue({
      algorithm: this.algorithm,
      username: this.username,
      realm: this.realm,
      password: this.password,
      nonce,
      method,
      uri,
      ...(qop !== undefined ? { qop } : {}),
      ...(nc !== undefined && qop !== undefined ? { nc } : {}),
      ...(cnonce !== undefined ? { cnonce } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    if (!sameText(expected, response)) return 'bad-credentials';

    if (now - issued > this.ttl || issued - now > MAX_CLOCK_SKEW_MS) return 'stale';

    this.prune(now);
    const count = qop !== undefined && nc !== undefined ? parseInt(nc, 16) : 0;
    const seen = this.used.get(nonce);
    if (seen && (qop === undefined || count <= seen.nc)) return 'replay';
    this.used.delete(nonce);
    this.used.set(nonce, { issuedAt: issued, nc: count });
    while (this.used.size > this.maxTracked) {
      const oldest = this.used.keys().next().value;
      if (oldest === undefined) break;
      this.used.delete(oldest);
    }
    return 'ok';
  }

  private issueNonce(now: number): string {
    const buf = Buffer.alloc(NONCE_BYTES);
    buf.writeBigInt64BE(BigInt(Math.floor(now)), 0);
    buf.writeUInt32BE(this.counter, 8);
    this.counter = (this.counter + 1) >>> 0;
    this.mac(buf.subarray(0, 12)).copy(buf, 12);
    return buf.toString('base64url');
  }

  /** Issue time of a nonce we made, 'forged' if its MAC is wrong, 'malformed' if it is not ours at all. */
  private openNonce(nonce: string): number | 'forged' | 'malformed' {
    if (!/^[A-Za-z0-9_-]+$/.test(nonce)) return 'malformed';
    const buf = Buffer.from(nonce, 'base64url');
    if (buf.length !== NONCE_BYTES || buf.toString('base64url') !== nonce) return 'malformed';
    const mac = this.mac(buf.subarray(0, 12));
    if (!timingSafeEqual(mac, buf.subarray(12))) return 'forged';
    return Number(buf.readBigInt64BE(0));
  }

  private mac(data: Buffer): Buffer {
    return createHmac('sha256', this.secret).update('tipring-digest-nonce\0').update(this.realm).update('\0').update(data).digest().subarray(0, 16);
  }

  private prune(now: number): void {
    for (const [nonce, u] of this.used) if (now - u.issuedAt > this.ttl) this.used.delete(nonce);
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
