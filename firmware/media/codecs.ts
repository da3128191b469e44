/**
 * Audio codecs as small registry entries (name, static payload type, clock rate, encode, decode).
 * encode/decode write into caller buffers and return how much they wrote; they never allocate.
 */
import { alawDecode, alawEncode, ulawDecode, ulawEncode } from './g711.js';

export interface AudioCodec {
  name: 'PCMU' | 'PCMA' | string;
  /** Static RTP payload type (RFC 3551), or the default dynamic one. */
  payloadType: number;
  clockRate: number;
  /** Encode `pcm` into `out`; returns the number of bytes written. */
  encode(pcm: Int16Array, out: Uint8Array): number;
  /** Decode `payload` into `out`; returns the number of samples written. */
  decode(payload: Uint8Array, out: Int16Array): number;
}

export const PCMU: AudioCodec = Object.freeze({
  name: 'PCMU',
  payloadType: 0,
  clockRate: 8000,
  encode(pcm: Int16Array, out: Uint8Array): number {
    ulawEncode(pcm, out);
    return Math.min(pcm.length, out.length);
  },
  decode(payload: Uint8Array, out: Int16Array): number {
    ulawDecode(payload, out);
    return Math.min(payload.length, out.length);
  },
});

export const PCMA: AudioCodec = Object.freeze({
  name: 'PCMA',
  payloadType: 8,
  clockRate: 8000,
  encode(pcm: Int16Array, out: Uint8Array): number {
    alawEncode(pcm, out);
    return Math.min(pcm.length, out.length);
  },
  decode(payload: Uint8Array, out: Int16Array): number {
    alawDecode(payload, out);
    return Math.min(payload.length, out.length);
  },
});

/** The codecs we offer, keyed by their upper-case encoding name, in preference order. */
export const CODECS: Readonly<Record<string, AudioCodec>> = Object.freeze({ PCMU, PCMA });

/** A codec by encoding name (case-insensitive, as in SDP `a=rtpmap`), or undefined. */
export function getCodec(name: string): AudioCodec | undefined {
  const key = name.toUpperCase();
  return Object.prototype.hasOwnProperty.call(CODECS, key) ? CODECS[key] : undefined;
}

/** A codec by static payload type, or undefined. */
export function getCodecByPayloadType(payloadType: number): AudioCodec | undefined {
  for (const c of Object.values(CODECS)) if (c.payloadType === payloadType) return c;
  return undefined;
}
