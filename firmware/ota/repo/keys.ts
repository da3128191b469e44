/**
 * Ed25519 signing keys for the update repository (node:crypto). A private key file is JSON
 * (mode 0600): {keytype, scheme, keyid, public (hex), private (PKCS#8 PEM)}. The key id is the
 * sha256 of the canonical JSON of the public key, as TUF repositories conventionally compute it.
 */
import { canonicalize } from '@tufjs/canonical-json';
import { createHash, createPrivateKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic, SECRET_FILE_MODE } from '../../core/atomic-write.js';
import { UpdateLocalError } from '../errors.js';

export interface PublicKeyJson {
  keytype: 'ed25519';
  scheme: 'ed25519';
  keyval: { public: string };
}

export interface SigningKey {
  keyid: string;
  publicHex: string;
  privateKey: KeyObject;
}

export interface Signature {
  keyid: string;
  sig: string;
}

export function publicKeyJson(publicHex: string): PublicKeyJson {
  return { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: publicHex } };
}

export function keyIdOf(publicHex: string): string {
  return createHash('sha256').update(canonicalize(publicKeyJson(publicHex))).digest('hex');
}

function rawPublicHex(privateKey: KeyObject): string {
  const jwk = privateKey.export({ format: 'jwk' }) as { x?: string };
  if (!jwk.x) throw new UpdateLocalError('bad-key', 'not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url').toString('hex');
}

export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicHex = rawPublicHex(privateKey);
  return { keyid: keyIdOf(publicHex), publicHex, privateKey };
}

export function signBytes(key: SigningKey, data: Buffer): Signature {
  return { keyid: key.keyid, sig: cryptoSign(null, data, key.privateKey).toString('hex') };
}

/** Sign the canonical JSON of a `signed` object. */
export function signCanonical(key: SigningKey, signed: unknown): Signature {
  return signBytes(key, Buffer.from(canonicalize(signed)));
}

export async function saveKey(path: string, key: SigningKey): Promise<void> {
  const json = {
    keytype: 'ed25519',
    scheme: 'ed25519',
    keyid: key.keyid,
    public: key.publicHex,
    private: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
  await writeFileAtomic(path, `${JSON.stringify(json, null, 2)}\n`, { mode: SECRET_FILE_MODE });
}

export async function loadKey(path: string): Promise<SigningKey> {
  let json: { keytype?: unknown; private?: unknown };
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as typeof json;
  } catch (e) {
    throw new UpdateLocalError('bad-key', `cannot read key ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (json.keytype !== 'ed25519' || typeof json.private !== 'string') throw new UpdateLocalError('bad-key', `${path}: not an ed25519 key file`);
  const privateKey = createPrivateKey(json.private);
  const publicHex = rawPublicHex(privateKey);
  return { keyid: keyIdOf(publicHex), publicHex, privateKey };
}
