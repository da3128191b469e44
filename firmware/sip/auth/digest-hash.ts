/**
 * The digest computation of RFC 2617 §3.2.2 / RFC 7616 §3.4 for every algorithm we support
 * (hashes from node:crypto, lower-case hex).
 */
import { createHash } from 'node:crypto';
import { LocalError } from '../../core/errors.js';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

export type DigestQop = 'auth' | 'auth-int';

const NODE_HASH: Record<DigestAlgorithm, string> = {
  MD5: 'md5',
  'MD5-sess': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-sess': 'sha256',
  'SHA-512-256': 'sha512-256',
  'SHA-512-256-sess': 'sha512-256',
};

/** Strength order used to pick among challenges: SHA-512-256 > SHA-256 > MD5. */
const STRENGTH: Record<DigestAlgorithm, number> = {
  MD5: 1,
  'MD5-sess': 1,
  'SHA-256': 2,
  'SHA-256-sess': 2,
  'SHA-512-256': 3,
  'SHA-512-256-sess': 3,
};

/** Canonical algorithm name for a token (case-insensitive); absent means MD5 (RFC 2617 §3.2.1). */
export function normalizeAlgorithm(token: string | undefined): DigestAlgorithm | undefined {
  if (token === undefined || token.trim() === '') return 'MD5';
  const upper = token.trim().toUpperCase();
  for (const name of Object.keys(NODE_HASH) as DigestAlgorithm[]) if (name.toUpperCase() === upper) return name;
  return undefined;
}

export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

export function algorithmStrength(algorithm: DigestAlgorithm): number {
  return STRENGTH[algorithm];
}

/** H(data) in lower-case hex. */
export function digestHash(algorithm: DigestAlgorithm, data: string | Buffer): string {
  return createHash(NODE_HASH[algorithm]).update(data).digest('hex');
}

export interface DigestParts {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  nonce: string;
  method: string;
  uri: string;
  qop?: DigestQop;
  /** nonce-count exactly as sent (8 hex digits). Required with qop. */
  nc?: string;
  /** Required with qop and with -sess algorithms. */
  cnonce?: string;
  /** Entity body, for qop=auth-int (empty when absent). */
  body?: Buffer;
}

/** H(A1), with the -sess variant of RFC 7616 §3.4.2. */
export function computeHa1(p: DigestParts): string {
  const base = digestHash(p.algorithm, `${p.username}:${p.realm}:${p.password}`);
  if (!isSessionAlgorithm(p.algorithm)) return base;
  if (p.cnonce === undefined) throw new LocalError('missing-cnonce', `${p.algorithm} needs a cnonce`);
  return digestHash(p.algorithm, `${base}:${p.nonce}:${p.cnonce}`);
}

/** H(A2): method:uri, plus H(body) for auth-int. */
export function computeHa2(p: DigestParts): string {
  const a2 =
    p.qop === 'auth-int'
      ? `${p.method}:${p.uri}:${digestHash(p.algorithm, p.body ?? Buffer.alloc(0))}`
      : `${p.method}:${p.uri}`;
  return digestHash(p.algorithm, a2);
}

/** The request-digest ("response" parameter). */
export function computeResponseValue(p: DigestParts): string {
  const ha1 = computeHa1(p);
  const ha2 = computeHa2(p);
  if (p.qop === undefined) return digestHash(p.algorithm, `${ha1}:${p.nonce}:${ha2}`);
  if (p.nc === undefined || p.cnonce === undefined) {
    throw new LocalError('missing-nonce-count', `qop=${p.qop} needs nc and cnonce`);
  }
  return digestHash(p.algorithm, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
}

/** nonce-count as 8 lower-case hex digits. */
export function formatNonceCount(nc: number): string {
  if (!Number.isInteger(nc) || nc < 1 || nc > 0xffffffff) throw new LocalError('bad-nonce-count', `bad nc ${nc}`);
  return nc.toString(16).padStart(8, '0');
}
