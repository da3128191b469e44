/**
 * TUF metadata documents (spec 1.0): the four top-level roles, built as plain objects and signed
 * over their canonical JSON. No delegations (one targets role signs every release).
 */
import { createHash } from 'node:crypto';
import type { Signature, SigningKey } from './keys.js';
import { publicKeyJson, signCanonical } from './keys.js';
import type { PublicKeyJson } from './keys.js';

export const SPEC_VERSION = '1.0.31';
export type RoleName = 'root' | 'targets' | 'snapshot' | 'timestamp';
export const ROLE_NAMES: readonly RoleName[] = ['root', 'targets', 'snapshot', 'timestamp'];

export interface RoleSpec {
  keyids: string[];
  threshold: number;
}

export interface RootSigned {
  _type: 'root';
  spec_version: string;
  version: number;
  expires: string;
  consistent_snapshot: boolean;
  keys: Record<string, PublicKeyJson>;
  roles: Record<RoleName, RoleSpec>;
}

export interface TargetEntry {
  length: number;
  hashes: { sha256: string };
  custom?: Record<string, unknown>;
}

export interface TargetsSigned {
  _type: 'targets';
  spec_version: string;
  version: number;
  expires: string;
  targets: Record<string, TargetEntry>;
}

export interface MetaFile {
  version: number;
  length?: number;
  hashes?: { sha256: string };
}

export interface SnapshotSigned {
  _type: 'snapshot';
  spec_version: string;
  version: number;
  expires: string;
  meta: Record<string, MetaFile>;
}

export interface TimestampSigned {
  _type: 'timestamp';
  spec_version: string;
  version: number;
  expires: string;
  meta: { 'snapshot.json': MetaFile };
}

export type AnySigned = RootSigned | TargetsSigned | SnapshotSigned | TimestampSigned;

export interface Envelope<T extends AnySigned = AnySigned> {
  signatures: Signature[];
  signed: T;
}

/** TUF expiry format: ISO 8601 UTC without fractional seconds. */
export function expiryString(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function addDays(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 86_400_000);
}

export function rootSigned(opts: { version: number; expires: Date; keys: SigningKey[] | Array<{ keyid: string; publicHex: string }>; roles: Record<RoleName, RoleSpec> }): RootSigned {
  const keys: Record<string, PublicKeyJson> = {};
  for (const k of opts.keys) keys[k.keyid] = publicKeyJson(k.publicHex);
  return { _type: 'root', spec_version: SPEC_VERSION, version: opts.version, expires: expiryString(opts.expires), consistent_snapshot: true, keys, roles: opts.roles };
}

export function targetsSigned(version: number, expires: Date, targets: Record<string, TargetEntry>): TargetsSigned {
  return { _type: 'targets', spec_version: SPEC_VERSION, version, expires: expiryString(expires), targets };
}

export function snapshotSigned(version: number, expires: Date, targetsVersion: number): SnapshotSigned {
  return { _type: 'snapshot', spec_version: SPEC_VERSION, version, expires: expiryString(expires), meta: { 'targets.json': { version: targetsVersion } } };
}

export function timestampSigned(version: number, expires: Date, snapshotBytes: Buffer, snapshotVersion: number): TimestampSigned {
  return {
    _type: 'timestamp',
    spec_version: SPEC_VERSION,
    version,
    expires: expiryString(expires),
    meta: { 'snapshot.json': { version: snapshotVersion, length: snapshotBytes.length, hashes: { sha256: createHash('sha256').update(snapshotBytes).digest('hex') } } },
  };
}

/** Sign with every key given (each key once). */
export function envelope<T extends AnySigned>(signed: T, keys: SigningKey[]): Envelope<T> {
  const seen = new Set<string>();
  const signatures: Signature[] = [];
  for (const k of keys) {
    if (seen.has(k.keyid)) continue;
    seen.add(k.keyid);
    signatures.push(signCanonical(k, signed));
  }
  return { signatures, signed };
}

export function serialize(env: Envelope): Buffer {
  return Buffer.from(`${JSON.stringify(env, null, 1)}\n`);
}
