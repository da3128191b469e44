/**
 * SRTP key derivation (RFC 3711 §4.3): session keys are AES-CM keystream under the master key,
 * from an IV made of the master salt XOR (label || r) shifted left 16 bits. tipring uses key
 * derivation rate 0 (keys derived once per master key, r = 0), the SDES default.
 */
import { AesCm } from './aes-cm.js';
import { SrtpKeyError } from './srtp-errors.js';
import type { SrtpSuite } from './srtp-suites.js';

/** Key derivation labels (RFC 3711 §4.3.2). */
export const KDF_LABEL = Object.freeze({
  srtpEncryption: 0x00,
  srtpAuth: 0x01,
  srtpSalt: 0x02,
  srtcpEncryption: 0x03,
  srtcpAuth: 0x04,
  srtcpSalt: 0x05,
});

export interface MasterKey {
  /** 16 bytes for AES-128. */
  key: Uint8Array;
  /** 14 bytes. */
  salt: Uint8Array;
}

/** One direction's session keys for SRTP or for SRTCP. */
export interface SessionKeys {
  encryptionKey: Buffer;
  authKey: Buffer;
  salt: Buffer;
  /** The AES-CM cipher under `encryptionKey`, ready for packets. */
  cipher: AesCm;
}

export interface SrtpSessionKeys {
  rtp: SessionKeys;
  rtcp: SessionKeys;
}

/** The 16-byte KDF IV for `label` and r = index DIV kdr (RFC 3711 §4.3.1). */
export function kdfIv(masterSalt: Uint8Array, label: number, r = 0): Buffer {
  if (masterSalt.length !== 14) throw new SrtpKeyError('srtp-bad-key', `master salt must be 14 bytes, got ${masterSalt.length}`);
  const iv = Buffer.alloc(16);
  iv.set(masterSalt, 0);
  // key_id = label (8 bits) || r (48 bits), right-aligned on the 112-bit salt: label at byte 7.
  iv[7] = (iv[7] as number) ^ (label & 0xff);
  const hi = Math.floor(r / 0x100000000);
  const lo = r >>> 0;
  iv[8] = (iv[8] as number) ^ ((hi >>> 8) & 0xff);
  iv[9] = (iv[9] as number) ^ (hi & 0xff);
  iv[10] = (iv[10] as number) ^ ((lo >>> 24) & 0xff);
  iv[11] = (iv[11] as number) ^ ((lo >>> 16) & 0xff);
  iv[12] = (iv[12] as number) ^ ((lo >>> 8) & 0xff);
  iv[13] = (iv[13] as number) ^ (lo & 0xff);
  return iv;
}

/**
 * Derive `length` bytes of session key material for `label`. `kdr` is the key derivation rate
 * (0 = derive once); `index` the packet index it applies to (ignored when kdr is 0).
 */
export function deriveSessionKey(master: MasterKey, label: number, length: number, index = 0, kdr = 0): Buffer {
  checkMaster(master);
  const r = kdr === 0 ? 0 : Math.floor(index / kdr);
  return new AesCm(master.key).keystream(kdfIv(master.salt, label, r), length);
}

/** All six session keys of a master key (kdr 0), for a suite. */
export function deriveSrtpSessionKeys(master: MasterKey, suite: SrtpSuite): SrtpSessionKeys {
  checkMaster(master, suite);
  const prf = new AesCm(master.key);
  const derive = (label: number, length: number) => prf.keystream(kdfIv(master.salt, label), length);
  const make = (enc: number, auth: number, salt: number): SessionKeys => {
    const encryptionKey = derive(enc, suite.keyBytes);
    return { encryptionKey, authKey: derive(auth, suite.authKeyBytes), salt: derive(salt, suite.saltBytes), cipher: new AesCm(encryptionKey) };
  };
  return {
    rtp: make(KDF_LABEL.srtpEncryption, KDF_LABEL.srtpAuth, KDF_LABEL.srtpSalt),
    rtcp: make(KDF_LABEL.srtcpEncryption, KDF_LABEL.srtcpAuth, KDF_LABEL.srtcpSalt),
  };
}

function checkMaster(master: MasterKey, suite?: SrtpSuite): void {
  const keyBytes = suite?.keyBytes ?? 16;
  const saltBytes = suite?.saltBytes ?? 14;
  if (master.key.length !== keyBytes) throw new SrtpKeyError('srtp-bad-key', `master key must be ${keyBytes} bytes, got ${master.key.length}`);
  if (master.salt.length !== saltBytes) throw new SrtpKeyError('srtp-bad-key', `master salt must be ${saltBytes} bytes, got ${master.salt.length}`);
}
