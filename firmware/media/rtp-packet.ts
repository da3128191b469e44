/**
 * RTP fixed header, CSRC list, header extension and padding (RFC 3550 §5.1, §5.3.1), plus the
 * modular arithmetic on sequence numbers and timestamps that every receiver needs.
 */
import { RemoteError } from '../core/errors.js';

export interface RtpHeaderExtension {
  /** The 16-bit "defined by profile" field (0xBEDE for RFC 8285 one-byte headers). */
  profile: number;
  /** Extension body; its length is a multiple of 4 bytes. */
  data: Uint8Array;
}

export interface RtpPacket {
  version: 2;
  padding: boolean;
  extension?: RtpHeaderExtension;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  /** The payload, without padding. After `parseRtp` this is a view into the parsed buffer. */
  payload: Uint8Array;
}

export type RtpParseErrorCode = 'too-short' | 'bad-version' | 'bad-padding' | 'bad-extension' | 'bad-csrc-count';

/** The datagram is not a well-formed RTP packet. */
export class RtpParseError extends RemoteError {
  declare readonly code: RtpParseErrorCode;
  constructor(code: RtpParseErrorCode, message: string, context: Record<string, unknown> = {}) {
    super(code, message, { context });
  }
}

export const RTP_HEADER_BYTES = 12;

/** Parse one RTP packet. The returned payload and extension data are views into `buf`. */
export function parseRtp(buf: Uint8Array): RtpPacket {
  const len = buf.length;
  if (len < RTP_HEADER_BYTES) throw new RtpParseError('too-short', `RTP packet of ${len} bytes`, { length: len });
  const b0 = buf[0] as number;
  const b1 = buf[1] as number;
  const version = b0 >> 6;
  if (version !== 2) throw new RtpParseError('bad-version', `RTP version ${version}`, { version });
  const padding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const cc = b0 & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * cc;
  if (offset > len) throw new RtpParseError('bad-csrc-count', `CSRC count ${cc} overruns a ${len}-byte packet`, { cc, length: len });
  const csrcs: number[] = [];
  for (let i = 0; i < cc; i++) csrcs.push(readU32(buf, RTP_HEADER_BYTES + 4 * i));
  let extension: RtpHeaderExtension | undefined;
  if (hasExtension) {
    if (offset + 4 > len) throw new RtpParseError('bad-extension', 'extension header overruns the packet', { length: len });
    const profile = ((buf[offset] as number) << 8) | (buf[offset + 1] as number);
    const words = ((buf[offset + 2] as number) << 8) | (buf[offset + 3] as number);
    const start = offset + 4;
    const end = start + 4 * words;
    if (end > len) throw new RtpParseError('bad-extension', `extension of ${words} words overruns the packet`, { words, length: len });
    extension = { profile, data: buf.subarray(start, end) };
    offset = end;
  }
  let end = len;
  if (padding) {
    const pad = buf[len - 1] as number;
    if (pad === 0 || pad > len - offset) {
      throw new RtpParseError('bad-padding', `padding count ${pad} with ${len - offset} bytes after the header`, { pad });
    }
    end = len - pad;
  }
  const packet: RtpPacket = {
    version: 2,
    padding,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: ((buf[2] as number) << 8) | (buf[3] as number),
    timestamp: readU32(buf, 4),
    ssrc: readU32(buf, 8),
    csrcs,
    payload: buf.subarray(offset, end),
  };
  if (extension) packet.extension = extension;
  return packet;
}

export type RtpPacketInput = Omit<RtpPacket, 'version' | 'padding' | 'csrcs'> &
  Partial<Pick<RtpPacket, 'version' | 'padding' | 'csrcs'>> & {
    /** Padding bytes to add when `padding` is true (1..255); default: to a multiple of 4, at least 1. */
    paddingLength?: number;
  };

/** Serialize an RTP packet into a new Buffer (the payload is copied). */
export function serializeRtp(p: RtpPacketInput): Buffer {
  const csrcs = p.csrcs ?? [];
  if (csrcs.length > 15) throw new RangeError(`at most 15 CSRCs, got ${csrcs.length}`);
  if (p.payloadType < 0 || p.payloadType > 127) throw new RangeError(`payload type ${p.payloadType} out of range`);
  const ext = p.extension;
  if (ext && ext.data.length % 4 !== 0) throw new RangeError('extension data must be a multiple of 4 bytes');
  const headerLen = RTP_HEADER_BYTES + 4 * csrcs.length + (ext ? 4 + ext.data.length : 0);
  let pad = 0;
  if (p.padding) {
    pad = p.paddingLength ?? 4 - ((headerLen + p.payload.length) % 4);
    if (!Number.isInteger(pad) || pad < 1 || pad > 255) throw new RangeError(`padding length ${pad} out of range`);
  }
  const out = Buffer.alloc(headerLen + p.payload.length + pad);
  out[0] = 0x80 | (pad ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out.writeUInt16BE(p.sequence & 0xffff, 2);
  out.writeUInt32BE(p.timestamp >>> 0, 4);
  out.writeUInt32BE(p.ssrc >>> 0, 8);
  let o = RTP_HEADER_BYTES;
  for (const c of csrcs) {
    out.writeUInt32BE(c >>> 0, o);
    o += 4;
  }
  if (ext) {
    out.writeUInt16BE(ext.profile & 0xffff, o);
    out.writeUInt16BE(ext.data.length / 4, o + 2);
    out.set(ext.data, o + 4);
    o += 4 + ext.data.length;
  }
  out.set(p.payload, o);
  if (pad) out[out.length - 1] = pad;
  return out;
}

/**
 * RTP/RTCP demultiplexing on one port (RFC 5761 §4): RTCP packet types 192–223 put 64–95 in the
 * place of the RTP payload type (SR/RR/SDES/BYE/APP are 72–76), a range RTP must not use.
 */
export function isRtcp(buf: Uint8Array): boolean {
  if (buf.length < 4 || (buf[0] as number) >> 6 !== 2) return false;
  const pt = buf[1] as number;
  return pt >= 192 && pt <= 223;
}

/** Signed distance a − b between 16-bit sequence numbers (−32768 … 32767). */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) << 16) >> 16;
}

/** True if sequence number `a` comes after `b`, modulo 2^16. */
export function seqNewer(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** Signed distance a − b between 32-bit RTP timestamps. */
export function tsDiff(a: number, b: number): number {
  return (a - b) | 0;
}

function readU32(buf: Uint8Array, o: number): number {
  return (((buf[o] as number) << 24) | ((buf[o + 1] as number) << 16) | ((buf[o + 2] as number) << 8) | (buf[o + 3] as number)) >>> 0;
}
