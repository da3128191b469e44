/**
 * The security of one RTP stream, sans-IO: SRTP (SDES keys from the SDP) on the way out and in,
 * and the media guard counting traffic each way against what the SDP implies (alarm above 2x
 * sustained) and counting packets from sources nobody negotiated.
 */
import type { AlertSink } from '../security/alert.js';
import { makeAlert } from '../security/alert.js';
import { MediaGuard } from '../security/media-guard.js';
import { createSrtpStreams } from '../security/srtp-negotiation.js';
import type { SrtpReceiver, SrtpSender } from '../security/srtp-session.js';
import type { NegotiatedMedia } from '../sip/sdp/sdp.js';
import { isRtcp } from '../media/rtp-packet.js';

export interface StreamSecurityOptions {
  media: NegotiatedMedia;
  alerts: AlertSink;
  context?: Record<string, string | number>;
  /** Media guard tuning (defaults: 2x for 5 s). */
  factor?: number;
  sustainMs?: number;
}

export class StreamSecurity {
  private readonly sender: SrtpSender | undefined;
  private readonly receiver: SrtpReceiver | undefined;
  readonly guard: MediaGuard;
  private srtpFailures = 0;
  private lastSrtpAlert = -Infinity;

  constructor(private readonly o: StreamSecurityOptions) {
    if (o.media.srtp) {
      const s = createSrtpStreams(o.media.srtp);
      this.sender = s.sender;
      this.receiver = s.receiver;
    }
    this.guard = new MediaGuard({
      media: o.media,
      alerts: o.alerts,
      ...(o.context ? { context: o.context } : {}),
      ...(o.factor !== undefined ? { factor: o.factor } : {}),
      ...(o.sustainMs !== undefined ? { sustainMs: o.sustainMs } : {}),
    });
  }

  get encrypted(): boolean {
    return this.sender !== undefined;
  }

  /** An RTP packet we are about to send: encrypt (SRTP) and account for it. */
  protect(packet: Buffer, now: number): Buffer {
    const out = this.sender ? this.sender.protectRtp(packet) : packet;
    this.guard.onPacket('outbound', out.length, now);
    return out;
  }

  /** A packet from the negotiated source: decrypt (SRTP) and account; undefined when it fails. */
  unprotect(data: Buffer, now: number): Buffer | undefined {
    this.guard.onPacket('inbound', data.length, now);
    if (!this.receiver) return data;
    try {
      return isRtcp(data) ? this.receiver.unprotectRtcp(data) : this.receiver.unprotectRtp(data);
    } catch (e) {
      this.srtpFailures++;
      if (now - this.lastSrtpAlert > 60000) {
        this.lastSrtpAlert = now;
        const code = (e as { code?: string }).code ?? 'srtp-error';
        this.o.alerts.emit(makeAlert('srtp-auth-failed', 'warning', `SRTP packet refused (${code})`, { ...this.o.context, reason: code, failures: this.srtpFailures }, now));
      }
      return undefined;
    }
  }

  /** A packet from an address/port nobody negotiated (already dropped by the caller). */
  foreign(from: { address: string; port: number }, bytes: number, now: number): void {
    this.guard.onForeignPacket(from, bytes, now);
  }

  /** Run the guard's timers (call once per media period). */
  tick(now: number): void {
    const d = this.guard.nextDeadline();
    if (d !== undefined && d <= now) this.guard.handleTimeout(now);
  }

  get stats() {
    return { ...this.guard.stats, srtpFailures: this.srtpFailures };
  }
}
