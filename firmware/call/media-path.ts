/**
 * One line's audio, sans-IO: runs once per PCM period. Plays tones or the far ends' audio into
 * the earpiece, detects the keypad's DTMF, and packetises the mouthpiece into RTP for each call
 * that is up. With two streams (three-way calling) the handset and the two far ends are mixed
 * locally (ConferenceMixer): everyone hears the other two. The call-waiting tone is laid over
 * the conversation rather than replacing it.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from '../core/log.js';
import type { AudioCodec } from '../media/codecs.js';
import { getCodec } from '../media/codecs.js';
import { DtmfDetector } from '../media/dtmf-detector.js';
import { AdaptiveJitterBuffer } from '../media/jitter/adaptive-jitter-buffer.js';
import { isRtcp, parseRtp, serializeRtp } from '../media/rtp-packet.js';
import type { AlertSink } from '../security/alert.js';
import { StreamSecurity } from './stream-security.js';
import { ToneGenerator } from '../media/tone-generator.js';
import type { CountryProfile } from '../line/profiles/types.js';
import type { ToneName } from '../line/line-fsm.js';
import type { NegotiatedMedia } from '../sip/sdp/sdp.js';
import { ConferenceMixer } from './conference-mixer.js';

export interface RtpDatagram {
  data: Buffer;
  address: string;
  port: number;
}

export interface MediaStats {
  sent: number;
  received: number;
  droppedForeign: number;
  droppedMalformed: number;
}

const FRAME = 160;

class Stream {
  /** Adaptive playout buffer: decodes, conceals losses (G.711 App. I) and time-stretches. */
  readonly jitter: AdaptiveJitterBuffer;
  seq = randomInt(0, 0xffff);
  timestamp = randomInt(0, 0x7fffffff);
  readonly ssrc = randomInt(1, 0x7fffffff);
  first = true;
  readonly decoded = new Int16Array(FRAME);
  readonly toSend = new Int16Array(FRAME);
  hasAudio = false;
  /** SRTP and the media guard for this stream (when the line has an alert sink). */
  sec: StreamSecurity | undefined;
  constructor(
    public media: NegotiatedMedia,
    public codec: AudioCodec,
  ) {
    this.jitter = new AdaptiveJitterBuffer({ codec });
  }

  get sends(): boolean {
    return this.media.direction === 'sendrecv' || this.media.direction === 'sendonly';
  }

  get plays(): boolean {
    return this.media.direction === 'sendrecv' || this.media.direction === 'recvonly';
  }

  matches(from: { address: string; port: number }): boolean {
    return from.address === this.media.remoteAddress && from.port === this.media.remotePort;
  }
}

function sameEndpoint(a: NegotiatedMedia, b: NegotiatedMedia): boolean {
  return a.remoteAddress === b.remoteAddress && a.remotePort === b.remotePort;
}

export class MediaPath {
  private tone: ToneGenerator | undefined;
  private overlay: ToneGenerator | undefined;
  private streams: Stream[] = [];
  private readonly detector = new DtmfDetector({ sampleRate: 8000 });
  private readonly digits: string[] = [];
  private readonly outbox: RtpDatagram[] = [];
  private readonly encodeBuf = new Uint8Array(FRAME);
  private readonly overlayBuf = new Int16Array(FRAME);
  private readonly mixOut = new Int16Array(FRAME);
  private readonly mixer = new ConferenceMixer({ participants: 3, frameSamples: FRAME });
  readonly stats: MediaStats = { sent: 0, received: 0, droppedForeign: 0, droppedMalformed: 0 };
  private now = 0;

  constructor(
    private readonly profile: CountryProfile,
    private readonly log: Logger,
    /** Where media alerts go (foreign sources, excess bitrate, SRTP failures); enables the guard. */
    private readonly security?: { alerts: AlertSink; context?: Record<string, string | number> },
  ) {}

  setTone(name: ToneName): void {
    if (name === 'none') {
      this.tone = undefined;
      return;
    }
    const tones = this.profile.tones;
    const spec = name === 'confirm' ? (tones.confirm ?? tones.stutter) : tones[name];
    this.tone = new ToneGenerator(spec, 8000);
  }

  /** The call-waiting tone, laid over the conversation. */
  setCallWaitingTone(on: boolean): void {
    this.overlay = on ? new ToneGenerator(this.profile.tones.callWaiting, 8000) : undefined;
  }

  /** Start (or change) the one RTP stream; null stops it. */
  setStream(media: NegotiatedMedia | null): void {
    this.setStreams(media ? [media] : []);
  }

  /** The streams the handset is connected to (0, 1, or 2 = three-way, mixed). */
  setStreams(list: readonly NegotiatedMedia[]): void {
    const next: Stream[] = [];
    for (const media of list.slice(0, 2)) {
      const codec = getCodec(media.encoding);
      if (!codec) {
        this.log.warn('negotiated codec not available', { encoding: media.encoding });
        continue;
      }
      const old = this.streams.find((s) => sameEndpoint(s.media, media));
      if (old) {
        old.media = media;
        if (old.codec !== codec) old.jitter.setCodec(codec);
        old.codec = codec;
        next.push(old);
      } else {
        const stream = new Stream(media, codec);
        if (this.security || media.srtp) {
          stream.sec = new StreamSecurity({ media, alerts: this.security?.alerts ?? { emit: () => {} }, ...(this.security?.context ? { context: this.security.context } : {}) });
        }
        next.push(stream);
      }
    }
    this.streams = next;
  }

  get streaming(): boolean {
    return this.streams.length > 0;
  }

  get streamCount(): number {
    return this.streams.length;
  }

  receiveRtp(data: Buffer, from: { address: string; port: number }, now: number): void {
    if (this.streams.length === 0) return;
    const s = this.streams.find((x) => x.matches(from));
    if (!s) {
      this.stats.droppedForeign++;
      this.streams[0]?.sec?.foreign(from, data.length, now);
      return;
    }
    const plain = s.sec ? s.sec.unprotect(data, now) : data;
    if (!plain) {
      this.stats.droppedMalformed++;
      return;
    }
    if (isRtcp(plain)) return;
    try {
      const p = parseRtp(plain);
      if (p.payloadType !== s.media.payloadType) return; // telephone-event and others: not played
      this.stats.received++;
      s.jitter.put(p, now);
    } catch {
      this.stats.droppedMalformed++;
    }
  }

  /** The PCM period handler. */
  period(capture: Int16Array, playout: Int16Array, now: number): void {
    for (const d of this.detector.process(capture)) this.digits.push(d);
    for (const s of this.streams) s.sec?.tick(now);
    this.now = now;
    for (const s of this.streams) {
      // pull every period, playing or not, so the buffer keeps pace with the sender
      const r = s.jitter.pull(s.decoded, now);
      s.hasAudio = s.plays && r.kind !== 'silence';
    }
    const [a, b] = this.streams;
    const framed = capture.length === FRAME && playout.length === FRAME;
    if (a && b && framed) {
      this.mixer.mix([capture, a.hasAudio ? a.decoded : null, b.hasAudio ? b.decoded : null], [this.mixOut, a.toSend, b.toSend]);
      this.send(a, a.toSend);
      this.send(b, b.toSend);
      if (!this.tone) playout.set(this.mixOut);
    } else if (a) {
      this.send(a, capture);
      if (!this.tone && a.hasAudio) playout.set(a.decoded.subarray(0, Math.min(FRAME, playout.length)));
    }
    if (this.tone) this.tone.fill(playout);
    if (this.overlay) {
      const buf = playout.length === FRAME ? this.overlayBuf : new Int16Array(playout.length);
      this.overlay.fill(buf);
      for (let i = 0; i < playout.length; i++) {
        const v = playout[i]! + buf[i]!;
        playout[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      }
    }
  }

  private send(s: Stream, pcm: Int16Array): void {
    if (!s.sends) return;
    const n = s.codec.encode(pcm, this.encodeBuf);
    const packet = serializeRtp({
      marker: s.first,
      payloadType: s.media.payloadType,
      sequence: s.seq,
      timestamp: s.timestamp >>> 0,
      ssrc: s.ssrc,
      payload: this.encodeBuf.subarray(0, n),
    });
    this.outbox.push({
      data: s.sec ? s.sec.protect(packet, this.now) : packet,
      address: s.media.remoteAddress,
      port: s.media.remotePort,
    });
    s.first = false;
    s.seq = (s.seq + 1) & 0xffff;
    s.timestamp = (s.timestamp + pcm.length) >>> 0;
    this.stats.sent++;
  }

  pollDigit(): string | undefined {
    return this.digits.shift();
  }

  pollRtp(): RtpDatagram | undefined {
    return this.outbox.shift();
  }
}
