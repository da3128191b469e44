/**
 * The SRTP and SRTCP packet transforms (RFC 3711 §3.1, §3.4, §4.1.1, §4.2), stateless: the caller
 * supplies the packet index (and ROC). Each function allocates exactly its output buffer; the
 * keystream comes from node:crypto in one call per packet.
 *
 * SRTP:  header (clear) | payload (encrypted) | [MKI] | tag = HMAC-SHA1(header|payload|ROC)
 * SRTCP: first 8 bytes (clear) | rest (encrypted if E) | E‖index (32 bits) | [MKI] | tag
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { srtpIv } from './aes-cm.js';
import type { SessionKeys } from './srtp-kdf.js';
import { SrtpError, SrtpKeyError } from './srtp-errors.js';

const iv = Buffer.alloc(16);
const rocBytes = Buffer.alloc(4);

/** Length of the clear RTP header (fixed part, CSRCs, extension), or −1 if the packet is too short for it. */
export function rtpHeaderLength(p: Uint8Array): number {
  if (p.length < 12) return -1;
  const b0 = p[0] as number;
  let len = 12 + 4 * (b0 & 0x0f);
  if (b0 & 0x10) {
    if (p.length < len + 4) return -1;
    len += 4 + 4 * (((p[len + 2] as number) << 8) | (p[len + 3] as number));
  }
  return len > p.length ? -1 : len;
}

export function readSeq(p: Uint8Array): number {
  return ((p[2] as number) << 8) | (p[3] as number);
}

export function readU32(p: Uint8Array, o: number): number {
  return (((p[o] as number) << 24) | ((p[o + 1] as number) << 16) | ((p[o + 2] as number) << 8) | (p[o + 3] as number)) >>> 0;
}

function hmac(key: Buffer, data: Uint8Array, roc: number | undefined): Buffer {
  const h = createHmac('sha1', key).update(data);
  if (roc !== undefined) {
    rocBytes.writeUInt32BE(roc >>> 0, 0);
    h.update(rocBytes);
  }
  return h.digest();
}

/** Protect RTP packet `p` (plain RTP) with index `index` = 2^16·roc + seq. */
export function protectRtp(keys: SessionKeys, tagBytes: number, p: Uint8Array, roc: number, index: number, mki?: Uint8Array): Buffer {
  const hdr = rtpHeaderLength(p);
  if (hdr < 0 || ((p[0] as number) >> 6) !== 2) throw new SrtpKeyError('srtp-bad-packet', `not an RTP packet (${p.length} bytes)`);
  const mkiLen = mki?.length ?? 0;
  const out = Buffer.alloc(p.length + mkiLen + tagBytes);
  out.set(p.subarray(0, hdr), 0);
  keys.cipher.xor(srtpIv(iv, keys.salt, readU32(p, 8), index), p, hdr, out, hdr, p.length - hdr);
  const tag = hmac(keys.authKey, out.subarray(0, p.length), roc);
  if (mki) out.set(mki, p.length);
  tag.copy(out, p.length + mkiLen, 0, tagBytes);
  return out;
}

/** Where the authenticated portion of an SRTP packet ends, after checking the length; throws SrtpError. */
export function srtpAuthEnd(p: Uint8Array, tagBytes: number, mkiLen: number): number {
  const end = p.length - tagBytes - mkiLen;
  if (end < 12) throw new SrtpError('srtp-too-short', `SRTP packet of ${p.length} bytes`, { length: p.length });
  if (((p[0] as number) >> 6) !== 2) throw new SrtpError('srtp-bad-header', `RTP version ${(p[0] as number) >> 6}`);
  return end;
}

/** Verify the SRTP tag of `p` for rollover counter `roc`; throws SrtpError('srtp-auth-failed'). */
export function verifyRtpTag(keys: SessionKeys, tagBytes: number, p: Uint8Array, authEnd: number, mkiLen: number, roc: number): void {
  const expected = hmac(keys.authKey, p.subarray(0, authEnd), roc);
  const got = p.subarray(authEnd + mkiLen, authEnd + mkiLen + tagBytes);
  if (!timingSafeEqual(expected.subarray(0, tagBytes), got)) {
    throw new SrtpError('srtp-auth-failed', 'SRTP authentication tag mismatch', { ssrc: readU32(p, 8), seq: readSeq(p) });
  }
}

/** Decrypt an authenticated SRTP packet into a new plain RTP Buffer (without MKI and tag). */
export function decryptRtp(keys: SessionKeys, p: Uint8Array, authEnd: number, index: number): Buffer {
  const hdr = rtpHeaderLength(p.subarray(0, authEnd));
  if (hdr < 0) throw new SrtpError('srtp-bad-header', 'RTP header overruns the SRTP packet');
  const out = Buffer.alloc(authEnd);
  out.set(p.subarray(0, hdr), 0);
  keys.cipher.xor(srtpIv(iv, keys.salt, readU32(p, 8), index), p, hdr, out, hdr, authEnd - hdr);
  return out;
}

/** Protect a (compound) RTCP packet with SRTCP index `index` (31 bits); `encrypt` sets the E flag. */
export function protectRtcp(keys: SessionKeys, tagBytes: number, p: Uint8Array, index: number, encrypt = true, mki?: Uint8Array): Buffer {
  if (p.length < 8 || ((p[0] as number) >> 6) !== 2) throw new SrtpKeyError('srtp-bad-packet', `not an RTCP packet (${p.length} bytes)`);
  const mkiLen = mki?.length ?? 0;
  const out = Buffer.alloc(p.length + 4 + mkiLen + tagBytes);
  out.set(p.subarray(0, 8), 0);
  if (encrypt) keys.cipher.xor(srtpIv(iv, keys.salt, readU32(p, 4), index), p, 8, out, 8, p.length - 8);
  else out.set(p.subarray(8), 8);
  out.writeUInt32BE(((encrypt ? 0x80000000 : 0) | (index & 0x7fffffff)) >>> 0, p.length);
  const tag = hmac(keys.authKey, out.subarray(0, p.length + 4), undefined);
  if (mki) out.set(mki, p.length + 4);
  tag.copy(out, p.length + 4 + mkiLen, 0, tagBytes);
  return out;
}

export interface SrtcpTrailer {
  /** End of the RTCP data (start of the E‖index word). */
  end: number;
  encrypted: boolean;
  index: number;
  ssrc: number;
}

/** Read and length-check the SRTCP trailer of `p`; throws SrtpError. */
export function readSrtcpTrailer(p: Uint8Array, tagBytes: number, mkiLen: number): SrtcpTrailer {
  const end = p.length - tagBytes - mkiLen - 4;
  if (end < 8) throw new SrtpError('srtp-too-short', `SRTCP packet of ${p.length} bytes`, { length: p.length });
  if (((p[0] as number) >> 6) !== 2) throw new SrtpError('srtp-bad-header', `RTCP version ${(p[0] as number) >> 6}`);
  const word = readU32(p, end);
  return { end, encrypted: (word & 0x80000000) !== 0, index: word & 0x7fffffff, ssrc: readU32(p, 4) };
}

/** Verify the SRTCP tag (over the packet including E‖index); throws SrtpError('srtp-auth-failed'). */
export function verifyRtcpTag(keys: SessionKeys, tagBytes: number, p: Uint8Array, t: SrtcpTrailer, mkiLen: number): void {
  const expected = hmac(keys.authKey, p.subarray(0, t.end + 4), undefined);
  const at = t.end + 4 + mkiLen;
  if (!timingSafeEqual(expected.subarray(0, tagBytes), p.subarray(at, at + tagBytes))) {
    throw new SrtpError('srtp-auth-failed', 'SRTCP authentication tag mismatch', { ssrc: t.ssrc, index: t.index });
  }
}

/** Decrypt an authenticated SRTCP packet into a new plain RTCP Buffer. */
export function decryptRtcp(keys: SessionKeys, p: Uint8Array, t: SrtcpTrailer): Buffer {
  const out = Buffer.alloc(t.end);
  out.set(p.subarray(0, 8), 0);
  if (t.encrypted) keys.cipher.xor(srtpIv(iv, keys.salt, t.ssrc, t.index), p, 8, out, 8, t.end - 8);
  else out.set(p.subarray(8, t.end), 8);
  return out;
}
