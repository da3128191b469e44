/**
 * SDP offer/answer for one audio stream (RFC 3264), on top of `sdp-transform`.
 * Pure functions: text in, a typed description out, and back.
 */
import { parse, write } from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { SdpError } from './sdp-errors.js';

export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface PayloadFormat {
  payloadType: number;
  encoding: string; // "PCMU", "telephone-event"
  clockRate: number;
  fmtp?: string;
}

/** What one side says about its audio stream. */
export interface AudioDescription {
  address: string;
  port: number;
  formats: PayloadFormat[]; // in preference order
  ptime?: number;
  direction: MediaDirection;
  sessionId: string;
  sessionVersion: number;
  /** Extra attributes we keep when re-describing (e.g. crypto) */
  raw?: MediaDescription;
}

/** The agreed stream after offer/answer. */
export interface NegotiatedMedia {
  remoteAddress: string;
  remotePort: number;
  payloadType: number;
  encoding: string;
  clockRate: number;
  telephoneEventPt?: number;
  ptime: number;
  /** Direction from our point of view. */
  direction: MediaDirection;
  /** SDES-SRTP keys when the call is encrypted. */
  srtp?: import('../../security/srtp-negotiation.js').SrtpKeys;
}

const STATIC_PT: Record<number, [string, number]> = { 0: ['PCMU', 8000], 8: ['PCMA', 8000], 9: ['G722', 8000], 18: ['G729', 8000] };

export function parseAudioDescription(text: string): AudioDescription {
  let sdp: SessionDescription;
  try {
    sdp = parse(text);
  } catch (cause) {
    throw new SdpError('sdp-malformed', `unparseable SDP: ${(cause as Error).message}`, 400);
  }
  if (sdp.version !== 0 || !sdp.origin) throw new SdpError('sdp-malformed', 'SDP without v=0 or o= line', 400);
  const audio = (sdp.media ?? []).find((m) => m.type === 'audio' && m.port !== 0);
  if (!audio) throw new SdpError('sdp-no-audio', 'SDP offers no active audio stream');
  const address = audio.connection?.ip ?? sdp.connection?.ip;
  if (!address) throw new SdpError('sdp-bad-address', 'SDP has no connection address', 400);
  const payloads = String(audio.payloads ?? '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  const formats: PayloadFormat[] = [];
  for (const pt of payloads) {
    if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new SdpError('sdp-malformed', `bad payload type in m= line`, 400);
    const rtp = audio.rtp.find((r) => r.payload === pt);
    const fmtp = audio.fmtp.find((f) => f.payload === pt)?.config;
    if (rtp) formats.push({ payloadType: pt, encoding: rtp.codec, clockRate: rtp.rate ?? 8000, ...(fmtp ? { fmtp } : {}) });
    else if (STATIC_PT[pt]) formats.push({ payloadType: pt, encoding: STATIC_PT[pt][0], clockRate: STATIC_PT[pt][1] });
  }
  const direction = (audio.direction ?? (sdp as { direction?: MediaDirection }).direction ?? 'sendrecv') as MediaDirection;
  return {
    address,
    port: audio.port,
    formats,
    ...(audio.ptime ? { ptime: audio.ptime } : {}),
    direction,
    sessionId: String(sdp.origin.sessionId),
    sessionVersion: Number(sdp.origin.sessionVersion),
    raw: audio,
  };
}

export function formatAudioDescription(d: AudioDescription, username = 'tipring'): string {
  const ipVer = d.address.includes(':') ? 6 : 4;
  const sdp: SessionDescription = {
    version: 0,
    origin: { username, sessionId: d.sessionId, sessionVersion: d.sessionVersion, netType: 'IN', ipVer, address: d.address },
    name: '-',
    timing: { start: 0, stop: 0 },
    connection: { version: ipVer, ip: d.address },
    media: [
      {
        type: 'audio',
        port: d.port,
        protocol: 'RTP/AVP',
        payloads: d.formats.map((f) => f.payloadType).join(' '),
        rtp: d.formats.map((f) => ({ payload: f.payloadType, codec: f.encoding, rate: f.clockRate })),
        fmtp: d.formats.filter((f) => f.fmtp).map((f) => ({ payload: f.payloadType, config: f.fmtp! })),
        ...(d.ptime ? { ptime: d.ptime } : {}),
        direction: d.direction,
      },
    ],
  };
  return write(sdp);
}

const REVERSE: Record<MediaDirection, MediaDirection> = {
  sendrecv: 'sendrecv',
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
};

/**
 * Choose the stream parameters for an answer to `offer`, given what we support
 * (`supported`: our formats in our preference order; the first offered one we support wins,
 * following the offerer's order as RFC 3264 recommends).
 */
export function negotiate(offer: AudioDescription, supported: PayloadFormat[], defaultPtime = 20): NegotiatedMedia {
  const codec = offer.formats.find(
    (f) => f.encoding.toLowerCase() !== 'telephone-event' && supported.some((s) => sameFormat(s, f)),
  );
  if (!codec) throw new SdpError('sdp-no-common-codec', `no common codec in [${offer.formats.map((f) => f.encoding).join(', ')}]`);
  const te = offer.formats.find((f) => f.encoding.toLowerCase() === 'telephone-event' && f.clockRate === codec.clockRate);
  const weSupportTe = supported.some((s) => s.encoding.toLowerCase() === 'telephone-event');
  return {
    remoteAddress: offer.address,
    remotePort: offer.port,
    payloadType: codec.payloadType,
    encoding: codec.encoding.toUpperCase(),
    clockRate: codec.clockRate,
    ...(te && weSupportTe ? { telephoneEventPt: te.payloadType } : {}),
    ptime: offer.ptime ?? defaultPtime,
    direction: REVERSE[offer.direction],
  };
}

/** Read the answer to our offer: the answerer's first format is the one to send. */
export function acceptAnswer(answer: AudioDescription, offered: PayloadFormat[], defaultPtime = 20): NegotiatedMedia {
  const codec = answer.formats.find(
    (f) => f.encoding.toLowerCase() !== 'telephone-event' && offered.some((o) => sameFormat(o, f)),
  );
  if (!codec) throw new SdpError('sdp-no-common-codec', 'answer names no codec we offered');
  const te = answer.formats.find((f) => f.encoding.toLowerCase() === 'telephone-event');
  return {
    remoteAddress: answer.address,
    remotePort: answer.port,
    payloadType: codec.payloadType,
    encoding: codec.encoding.toUpperCase(),
    clockRate: codec.clockRate,
    ...(te ? { telephoneEventPt: te.payloadType } : {}),
    ptime: answer.ptime ?? defaultPtime,
    direction: REVERSE[answer.direction],
  };
}

function sameFormat(a: PayloadFormat, b: PayloadFormat): boolean {
  return a.encoding.toLowerCase() === b.encoding.toLowerCase() && a.clockRate === b.clockRate;
}

/** The formats tipring offers: PCMU, PCMA, telephone-event. */
export const DEFAULT_FORMATS: PayloadFormat[] = [
  { payloadType: 0, encoding: 'PCMU', clockRate: 8000 },
  { payloadType: 8, encoding: 'PCMA', clockRate: 8000 },
  { payloadType: 101, encoding: 'telephone-event', clockRate: 8000, fmtp: '0-15' },
];
