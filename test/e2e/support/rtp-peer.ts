/**
 * The far end's media, played by the test: sends a G.711 tone as RTP every 20 ms from one UDP
 * socket and records what arrives on it, for analysis with the firmware's own analyser.
 */
import dgram from 'node:dgram';
import { getCodec } from '../../../firmware/media/codecs.js';
import { parseRtp, serializeRtp } from '../../../firmware/media/rtp-packet.js';
import { ToneGenerator } from '../../../firmware/media/tone-generator.js';
import { analyseTone } from '../../../firmware/media/tone-analyser.js';
import type { ToneAnalysis } from '../../../firmware/media/tone-analyser.js';

export class RtpPeer {
  private readonly sock = dgram.createSocket('udp4');
  private readonly received: Array<{ pt: number; payload: Uint8Array; from: string }> = [];
  private timer: NodeJS.Timeout | undefined;
  port = 0;

  async open(): Promise<void> {
    this.sock.on('message', (msg, rinfo) => {
      try {
        const p = parseRtp(msg);
        this.received.push({ pt: p.payloadType, payload: p.payload.slice(), from: `${rinfo.address}:${rinfo.port}` });
      } catch {
        // not RTP
      }
    });
    await new Promise<void>((r) => this.sock.bind(0, '127.0.0.1', r));
    this.port = this.sock.address().port;
  }

  /** Send a continuous tone (frequencies in Hz) to `address:port` with payload type `pt`. */
  sendTone(address: string, port: number, freqs: number[], pt: number, levelDbm0 = -10, copies = 1): void {
    this.stopSending();
    const codec = pt === 8 ? getCodec('PCMA')! : getCodec('PCMU')!;
    const gen = new ToneGenerator({ name: 'test', repeat: true, segments: [{ durationMs: 0, components: freqs.map((f) => ({ frequencyHz: f, levelDbm0 })) }] }, 8000);
    const pcm = new Int16Array(160);
    const enc = new Uint8Array(160);
    let seq = 1000;
    let ts = 123456;
    const ssrc = 0x1234abcd;
    const start = Date.now();
    let n = 0;
    const tick = () => {
      // catch up on real time so the stream keeps 50 packets/s even when a timer fires late
      const due = Math.floor((Date.now() - start) / 20) + 1;
      while (n < due) {
        gen.fill(pcm);
        codec.encode(pcm, enc);
        for (let c = 0; c < copies; c++) {
          // extra copies model a flood: same stream, more packets than the SDP implies
          this.sock.send(serializeRtp({ marker: n === 0, payloadType: pt, sequence: seq, timestamp: ts, ssrc, payload: enc }), port, address);
          if (c + 1 < copies) seq = (seq + 1) & 0xffff;
        }
        seq = (seq + 1) & 0xffff;
        ts = (ts + 160) >>> 0;
        n++;
      }
    };
    tick();
    this.timer = setInterval(tick, 10);
  }

  /** The address:port the ATA's RTP came from (after it started sending). */
  get firstSource(): { address: string; port: number } | undefined {
    const f = this.received[0]?.from;
    if (!f) return undefined;
    const i = f.lastIndexOf(':');
    return { address: f.slice(0, i), port: Number(f.slice(i + 1)) };
  }

  stopSending(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  clearReceived(): void {
    this.received.length = 0;
  }

  get packetsReceived(): number {
    return this.received.length;
  }

  /** Decode what arrived (the last `ms` of it) and analyse it. */
  analyseReceived(ms = 1000): ToneAnalysis & { packets: number } {
    const frames = this.received.filter((r) => r.pt === 0 || r.pt === 8).slice(-Math.round(ms / 20));
    const pcm = new Int16Array(frames.length * 160);
    frames.forEach((f, i) => {
      const codec = f.pt === 8 ? getCodec('PCMA')! : getCodec('PCMU')!;
      const out = new Int16Array(160);
      codec.decode(f.payload, out);
      pcm.set(out, i * 160);
    });
    return { ...analyseTone(pcm, 8000), packets: frames.length };
  }

  async close(): Promise<void> {
    this.stopSending();
    await new Promise<void>((r) => this.sock.close(() => r()));
  }
}
