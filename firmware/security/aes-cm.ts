/**
 * AES in Counter Mode as SRTP uses it (RFC 3711 §4.1.1): keystream block j is
 * AES_k(IV + j), the IV being 128 bits whose low 16 bits start at zero. Built on one long-lived
 * AES-128-ECB cipher from node:crypto (no key schedule per packet); counter blocks are laid out
 * in a reusable scratch buffer and encrypted in one call.
 */
import { createCipheriv } from 'node:crypto';
import type { Cipher } from 'node:crypto';
import { SrtpKeyError } from './srtp-errors.js';

const BLOCK = 16;

export class AesCm {
  private readonly ecb: Cipher;
  private scratch = Buffer.alloc(BLOCK * 64);

  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new SrtpKeyError('srtp-bad-key', `AES-CM-128 needs a 16-byte key, got ${key.length}`);
    this.ecb = createCipheriv('aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
  }

  /**
   * out[outOff + k] = input[inOff + k] XOR keystream[k] for k < length. `input` and `out` may be
   * the same buffer (in place). Pass `input = undefined` to write the bare keystream.
   */
  xor(iv: Uint8Array, input: Uint8Array | undefined, inOff: number, out: Uint8Array, outOff: number, length: number): void {
    if (length <= 0) return;
    const blocks = Math.ceil(length / BLOCK);
    if (blocks > 0x10000) throw new SrtpKeyError('srtp-bad-packet', `AES-CM segment of ${length} bytes exceeds 2^16 blocks`);
    const bytes = blocks * BLOCK;
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    const counters = this.scratch;
    counters.set(iv.subarray(0, BLOCK), 0);
    for (let b = 1; b < blocks; b++) {
      const o = b * BLOCK;
      counters.copy(counters, o, o - BLOCK, o);
      increment(counters, o);
    }
    const ks = this.ecb.update(counters.subarray(0, bytes));
    if (input) for (let k = 0; k < length; k++) out[outOff + k] = (input[inOff + k] as number) ^ (ks[k] as number);
    else ks.copy(out, outOff, 0, length);
  }

  /** `length` bytes of keystream from `iv` (a new Buffer). */
  keystream(iv: Uint8Array, length: number): Buffer {
    const out = Buffer.alloc(length);
    this.xor(iv, undefined, 0, out, 0, length);
    return out;
  }
}

/** Add one to the 128-bit big-endian counter at buf[o .. o+16). */
function increment(buf: Uint8Array, o: number): void {
  for (let i = o + BLOCK - 1; i >= o; i--) {
    const v = ((buf[i] as number) + 1) & 0xff;
    buf[i] = v;
    if (v !== 0) return;
  }
}

/**
 * The SRTP/SRTCP packet IV (RFC 3711 §4.1.1): IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16),
 * with k_s the 112-bit session salt and i the 48-bit packet index (SRTCP: the 31-bit SRTCP index).
 * Written into `out` (16 bytes).
 */
export function srtpIv<T extends Uint8Array>(out: T, salt: Uint8Array, ssrc: number, index: number): T {
  if (salt.length !== 14) throw new SrtpKeyError('srtp-bad-key', `session salt must be 14 bytes, got ${salt.length}`);
  out.set(salt, 0);
  out[14] = 0;
  out[15] = 0;
  out[4] = (out[4] as number) ^ ((ssrc >>> 24) & 0xff);
  out[5] = (out[5] as number) ^ ((ssrc >>> 16) & 0xff);
  out[6] = (out[6] as number) ^ ((ssrc >>> 8) & 0xff);
  out[7] = (out[7] as number) ^ (ssrc & 0xff);
  // 48-bit index into bytes 8..13: the high 16 bits, then the low 32.
  const hi = Math.floor(index / 0x100000000);
  const lo = index >>> 0;
  out[8] = (out[8] as number) ^ ((hi >>> 8) & 0xff);
  out[9] = (out[9] as number) ^ (hi & 0xff);
  out[10] = (out[10] as number) ^ ((lo >>> 24) & 0xff);
  out[11] = (out[11] as number) ^ ((lo >>> 16) & 0xff);
  out[12] = (out[12] as number) ^ ((lo >>> 8) & 0xff);
  out[13] = (out[13] as number) ^ (lo & 0xff);
  return out;
}
