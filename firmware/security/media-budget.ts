/**
 * What a negotiated audio stream should cost on the network, one direction:
 *   packets/s = 1000 / ptime
 *   payload   = codec bit rate · ptime / 8000 bytes (G.711: 8 bytes per ms → 160 B at 20 ms)
 *   per packet: RTP header 12 + SRTP tag (+ MKI) + UDP 8 + IPv4 20 / IPv6 40
 *               + link layer: 'ethernet' 18 (14 header + 4 FCS), 'ethernet-wire' 38 (also
 *                 preamble/SFD 8 and inter-frame gap 12), +4 with an 802.1Q VLAN tag, or 'none'.
 * G.711 at 20 ms: 200 B IP packets = 80.0 kbit/s; 218 B Ethernet frames = 87.2 kbit/s; 238 B on
 * the wire = 95.2 kbit/s.
 */
import { LocalError } from '../core/errors.js';

export type LinkLayer = 'none' | 'ethernet' | 'ethernet-wire';

export interface OverheadOptions {
  ipVersion?: 4 | 6;
  link?: LinkLayer;
  vlan?: boolean;
  /** SRTP authentication tag bytes (10 for _80, 4 for _32); 0 for plain RTP. */
  srtpTagBytes?: number;
  mkiBytes?: number;
  /** CSRCs, header extensions: extra RTP header bytes per packet. */
  rtpExtraBytes?: number;
}

export interface StreamShape {
  encoding: string;
  clockRate: number;
  ptime: number;
  /** Payload bytes per packet, when the codec's bit rate is not in CODEC_BITRATES. */
  payloadBytes?: number;
}

export interface MediaBudget {
  packetsPerSecond: number;
  payloadBytes: number;
  /** RTP (or SRTP) packet as the socket sees it: header + payload + tag. */
  rtpPacketBytes: number;
  /** Bytes added per packet below RTP: UDP + IP + link layer. */
  transportOverheadBytes: number;
  /** Bytes per packet on the link. */
  packetBytes: number;
  bitsPerSecond: number;
}

/** Nominal bit rates (bit/s) of constant-rate codecs. */
export const CODEC_BITRATES: Readonly<Record<string, number>> = Object.freeze({
  PCMU: 64_000,
  PCMA: 64_000,
  G722: 64_000,
  G729: 8_000,
  GSM: 13_200,
  L16: 128_000,
});

export const RTP_HEADER = 12;
export const UDP_HEADER = 8;
const IP_HEADER = { 4: 20, 6: 40 } as const;
const LINK = { none: 0, ethernet: 18, 'ethernet-wire': 38 } as const;

/** UDP + IP + link-layer bytes per packet. */
export function transportOverhead(o: OverheadOptions = {}): number {
  const link = o.link ?? 'ethernet';
  return UDP_HEADER + IP_HEADER[o.ipVersion ?? 4] + LINK[link] + (o.vlan && link !== 'none' ? 4 : 0);
}

export function mediaBudget(stream: StreamShape, o: OverheadOptions = {}): MediaBudget {
  if (!(stream.ptime > 0)) throw new LocalError('bad-media-shape', `ptime must be > 0, got ${stream.ptime}`);
  const rate = CODEC_BITRATES[stream.encoding.toUpperCase()];
  const payloadBytes = stream.payloadBytes ?? (rate !== undefined ? (rate * stream.ptime) / 8000 : undefined);
  if (payloadBytes === undefined) throw new LocalError('bad-media-shape', `unknown bit rate for ${stream.encoding}: give payloadBytes`);
  const rtpPacketBytes = RTP_HEADER + (o.rtpExtraBytes ?? 0) + payloadBytes + (o.srtpTagBytes ?? 0) + (o.mkiBytes ?? 0);
  const transportOverheadBytes = transportOverhead(o);
  const packetBytes = rtpPacketBytes + transportOverheadBytes;
  const packetsPerSecond = 1000 / stream.ptime;
  return { packetsPerSecond, payloadBytes, rtpPacketBytes, transportOverheadBytes, packetBytes, bitsPerSecond: packetBytes * 8 * packetsPerSecond };
}
