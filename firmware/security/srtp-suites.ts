/**
 * The SRTP crypto suites tipring speaks (RFC 4568 §6.2): AES Counter Mode with a 128-bit key and
 * a 112-bit salt, authenticated with HMAC-SHA1 (160-bit key) truncated to 80 or 32 bits.
 * With AES_CM_128_HMAC_SHA1_32 only the SRTP tag is short: SRTCP keeps the 80-bit tag (§6.2.2).
 */
export type SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpSuite {
  name: SrtpSuiteName;
  /** Master and session encryption key length, bytes. */
  keyBytes: 16;
  /** Master and session salt length, bytes. */
  saltBytes: 14;
  /** Session authentication key length, bytes. */
  authKeyBytes: 20;
  /** Authentication tag appended to SRTP packets, bytes. */
  srtpTagBytes: number;
  /** Authentication tag appended to SRTCP packets, bytes. */
  srtcpTagBytes: number;
  /** Default maximum master key lifetime (packets): 2^48 SRTP, 2^31 SRTCP (we keep the smaller). */
  maxLifetime: number;
  /** Higher is stronger; used to pick among offered suites. */
  strength: number;
}

export const AES_CM_128_HMAC_SHA1_80: SrtpSuite = Object.freeze({
  name: 'AES_CM_128_HMAC_SHA1_80',
  keyBytes: 16,
  saltBytes: 14,
  authKeyBytes: 20,
  srtpTagBytes: 10,
  srtcpTagBytes: 10,
  maxLifetime: 2 ** 31,
  strength: 2,
});

export const AES_CM_128_HMAC_SHA1_32: SrtpSuite = Object.freeze({
  name: 'AES_CM_128_HMAC_SHA1_32',
  keyBytes: 16,
  saltBytes: 14,
  authKeyBytes: 20,
  srtpTagBytes: 4,
  srtcpTagBytes: 10,
  maxLifetime: 2 ** 31,
  strength: 1,
});

/** Supported suites, strongest first (the order we offer them in). */
export const SRTP_SUITES: readonly SrtpSuite[] = Object.freeze([AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32]);

/** A suite by its SDP name (exact, as RFC 4568 names are case-sensitive), or undefined. */
export function getSrtpSuite(name: string): SrtpSuite | undefined {
  return SRTP_SUITES.find((s) => s.name === name);
}
