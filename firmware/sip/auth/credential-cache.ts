/**
 * Remembers, per realm, the last digest challenge answered and its nonce count, so that later
 * requests to the same realm can carry credentials up front (nc incremented each time) instead
 * of collecting a 401/407 first.
 */
import { randomBytes } from 'node:crypto';
import { LocalError } from '../../core/errors.js';
import type { SipRequest } from '../message/types.js';
import { computeDigestResponse, selectChallenge, type DigestChallenge } from './digest.js';

export interface DigestCredentials {
  username: string;
  password: string;
  /** If set, only challenges for this realm are answered (the password never goes elsewhere). */
  realm?: string;
}

export type AuthorizationHeaderName = 'Authorization' | 'Proxy-Authorization';

export interface AuthorizeResult {
  /** `Authorization` for a 401 (WWW-Authenticate), `Proxy-Authorization` for a 407 (Proxy-Authenticate). */
  name: AuthorizationHeaderName;
  value: string;
  realm: string;
  /**
   * True when the server challenged again with the nonce we already answered and without
   * stale=true: our credentials were refused, the UA should give up rather than loop.
   */
  nonceReused: boolean;
}

interface Entry {
  challenge: DigestChallenge;
  name: AuthorizationHeaderName;
  nc: number;
  cnonce: string;
  creds: DigestCredentials;
}

/** Maps a challenge header name (any case) to the credentials header name. */
export function authorizationHeaderFor(challengeHeaderName: string): AuthorizationHeaderName {
  const lower = challengeHeaderName.toLowerCase();
  if (lower === 'www-authenticate') return 'Authorization';
  if (lower === 'proxy-authenticate') return 'Proxy-Authorization';
  throw new LocalError('bad-challenge-header', `not a challenge header: ${challengeHeaderName}`);
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly newCnonce: () => string;

  constructor(options: { cnonce?: () => string } = {}) {
    this.newCnonce = options.cnonce ?? (() => randomBytes(12).toString('hex'));
  }

  /**
   * Answer the challenge(s) of a 401/407 for `request` (its method, Request-URI and body), and remember
   * it for its realm. Undefined when no challenge is usable or none is for `creds.realm`.
   */
  authorize(
    challengeHeaderName: string,
    values: string[],
    request: SipRequest,
    creds: DigestCredentials,
  ): AuthorizeResult | undefined {
    const name = authorizationHeaderFor(challengeHeaderName);
    const usable = creds.realm === undefined ? values : values.filter((v) => this.realmOf(v) === creds.realm);
    const challenge = selectChallenge(usable);
    if (!challenge) return undefined;
    const previous = this.entries.get(challenge.realm);
    const sameNonce = previous !== undefined && previous.challenge.nonce === challenge.nonce;
    const entry: Entry = {
      challenge,
      name,
      nc: sameNonce ? previous.nc + 1 : 1,
      cnonce: sameNonce ? previous.cnonce : this.newCnonce(),
      creds,
    };
    this.entries.set(challenge.realm, entry);
    return { ...this.answer(entry, request), nonceReused: sameNonce && !challenge.stale };
  }

  /** Credentials for every remembered realm, for `request`, each with its nonce count incremented. */
  preemptive(request: SipRequest): AuthorizeResult[] {
    const out: AuthorizeResult[] = [];
    for (const entry of this.entries.values()) {
      entry.nc += 1;
      out.push({ ...this.answer(entry, request), nonceReused: false });
    }
    return out;
  }

  has(realm: string): boolean {
    return this.entries.has(realm);
  }

  /** Forget one realm (e.g. after a final 401/403), or everything. */
  forget(realm?: string): void {
    if (realm === undefined) this.entries.clear();
    else this.entries.delete(realm);
  }

  private answer(entry: Entry, request: SipRequest): Omit<AuthorizeResult, 'nonceReused'> {
    const { header } = computeDigestResponse({
      challenge: entry.challenge,
      method: request.method,
      uri: request.uri,
      username: entry.creds.username,
      password: entry.creds.password,
      body: request.body,
      cnonce: entry.cnonce,
      nc: entry.nc,
    });
    return { name: entry.name, value: header, realm: entry.challenge.realm };
  }

  private realmOf(value: string): string | undefined {
    try {
      return selectChallenge([value])?.realm;
    } catch {
      return undefined;
    }
  }
}
