/**
 * One line's audio, sans-IO: runs once per PCM period. Plays tones or the far end's audio into the
 * earpiece, detects the keypad's DTMF, and packetises the mouthpiece into RTP when a call is up.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from '../core/log.js';
import type { AudioCodec } from '../media/codecs.js';
import { getCodec } from '../media/codecs.js';
import { DtmfDetector } from '../media/dtmf-detector.js';
import { JitterBuffer } from '../media/jitter-buffer.js';
import { isRtcp, parseRtp, serializeRtp } from '../media/rtp-packet.js';
import { ToneGenerator } from '../media/tone-generator.js';
import type { CountryProfile } from '../line/profiles/types.js';
import type { ToneName } from '../line/line-fsm.js';
import type { NegotiatedMedia } from '../sip/sdp/sdp.js';

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

export class MediaPath {
  private tone: ToneGenerator | undefined;
  private media: NegotiatedMedia | undefined;
  private codec: AudioCodec | undefined;
  private jitter = new JitterBuffer({ frameSamples: 160, delayMs: 60 });
  private readonly detector = new DtmfDetector({ sampleRate: 8000 });
  private readonly digits: string[] = [];
  private readonly outbox: RtpDatagram[] = [];
  private seq = randomInt(0, 0xffff);
  private timestamp = randomInt(0, 0x7fffffff);
  private readonly ssrc = randomInt(1, 0x7fffffff);
  private first = true;
  private readonly encodeBuf = new Uint8Array(160);
  private readonly decodeBuf = new Int16Array(160);
  readonly stats: MediaStats = { sent: 0, received: 0, droppedForeign: 0, droppedMalformed: 0 };

  constructor(
    private readonly profile: CountryProfile,
    private readonly log: Logger,
  ) {}

  setTone(name: ToneName): void {
    if (name === 'none') {
      this.tone = undefined;
      return;
    }
    const spec = name === 'howler' ? this.profile.tones.howler : this.profile.tones[name];
    this.tone = new ToneGenerator(spec, 8000);
  }

  /** Start (or change) the RTP stream; null stops it. */
  setStream(media: NegotiatedMedia | null): void {
    if (!media) {
      this.media = undefined;
      this.codec = undefined;
      return;
    }
    const codec = getCodec(media.encoding);
    if (!codec) {
      this.log.warn('negotiated codec not available', { encoding: media.encoding });
      return;
    }
    const changed = !this.media || this.media.remoteAddress !== media.remoteAddress || this.media.remotePort !== media.remotePort;
    this.media = media;
    this.codec = codec;
    if (changed) {
      this.jitter.reset();
      this.first = true;
    }
  }

  get streaming(): boolean {
    return this.media !== undefined;
  }

  receiveRtp(data: Buffer, from: { address: string; port: number }, now: number): void {
    const m = this.media;
    if (!m) return;
    if (from.address !== m.remoteAddress || from.port !== m.remotePort) {
      this.stats.droppedForeign++;
      return;
    }
    if (isRtcp(data)) return;
    try {
      const p = parseRtp(data);
      if (p.payloadType !== m.payloadType) return; // telephone-event and others: not played
      this.stats.received++;
      this.jitter.put(p, now);
    } catch {
      this.stats.droppedMalformed++;
    }
  }

  /** The PCM period handler. */
  period(capture: Int16Array, playout: Int16Array, now: number): void {
    for (const d of this.detector.process(capture)) this.digits.push(d);
    const m = this.media;
    if (m && this.codec && (m.direction === 'sendrecv' || m.direction === 'sendonly')) {
      const n = this.codec.encode(capture, this.encodeBuf);
      this.outbox.push({
        data: serializeRtp({
          marker: this.first,
          payloadType: m.payloadType,
          sequence: this.seq,
          timestamp: this.timestamp >>> 0,
          ssrc: this.ssrc,
          payload: this.encodeBuf.subarray(0, n),
        }),
        address: m.remoteAddress,
        port: m.remotePort,
      });
      this.first = false;
      this.seq = (this.seq + 1) & 0xffff;
      this.timestamp = (this.timestamp + capture.length) >>> 0;
      this.stats.sent++;
    }
    if (this.tone) {
      this.tone.fill(playout);
      return;
    }
    if (m && this.codec && (m.direction === 'sendrecv' || m.direction === 'recvonly')) {
      const out = this.jitter.get(now);
      if (out.kind === 'audio') {
        const n = this.codec.decode(out.payload, this.decodeBuf);
        playout.set(this.decodeBuf.subarray(0, Math.min(n, playout.length)));
      }
    }
  }

  pollDigit(): string | undefined {
    return this.digits.shift();
  }

  pollRtp(): RtpDatagram | undefined {
    return this.outbox.shift();
  }
}
