/**
 * SRTP crypto contexts for one direction of a call (RFC 3711 §3.2): a master key shared by every
 * SSRC the sender uses (as SDES signals it), with per-SSRC rollover counters, SRTCP indices and,
 * on receive, replay windows. Sans-IO: buffers in, buffers out; refusals throw `SrtpError`.
 */
import { ReplayWindow } from './replay-window.js';
import { deriveSrtpSessionKeys } from './srtp-kdf.js';
import type { MasterKey, SrtpSessionKeys } from './srtp-kdf.js';
import { estimateRoc, MAX_ROC, packetIndex, updateIndexState } from './srtp-index.js';
import type { IndexState } from './srtp-index.js';
import { SrtpError, SrtpKeyError } from './srtp-errors.js';
import type { SrtpSuite } from './srtp-suites.js';
import {
  decryptRtcp,
  decryptRtp,
  protectRtcp,
  protectRtp,
  readSeq,
  readSrtcpTrailer,
  readU32,
  srtpAuthEnd,
  verifyRtcpTag,
  verifyRtpTag,
} from './srtp-transform.js';

export interface SrtpStreamOptions {
  suite: SrtpSuite;
  master: MasterKey;
  /** Master Key Identifier carried in every packet, if the key was signalled with one. */
  mki?: Uint8Array;
  /** Packets (SRTP and SRTCP counted apart) the master key may protect; default the suite's maximum. */
  lifetime?: number;
  /** Replay window size on receive (≥ 64). */
  replayWindow?: number;
  /** SSRCs tracked at once; the least recently used is forgotten beyond this. Default 8. */
  maxSsrcs?: number;
}

export interface SrtpStats {
  rtp: number;
  rtcp: number;
  authFailures: number;
  replays: number;
  malformed: number;
}

interface SsrcState extends IndexState {
  window: ReplayWindow;
  rtcpWindow: ReplayWindow;
  /** Next SRTCP index to send. */
  rtcpIndex: number;
}

abstract class SrtpDirection {
  protected readonly keys: SrtpSessionKeys;
  protected readonly suite: SrtpSuite;
  protected readonly mki: Uint8Array | undefined;
  protected readonly lifetime: number;
  private readonly maxSsrcs: number;
  private readonly windowSize: number;
  private readonly ssrcs = new Map<number, SsrcState>();
  readonly stats: SrtpStats = { rtp: 0, rtcp: 0, authFailures: 0, replays: 0, malformed: 0 };

  constructor(o: SrtpStreamOptions) {
    this.suite = o.suite;
    this.keys = deriveSrtpSessionKeys(o.master, o.suite);
    this.mki = o.mki && o.mki.length ? Buffer.from(o.mki) : undefined;
    this.lifetime = Math.min(o.lifetime ?? o.suite.maxLifetime, o.suite.maxLifetime);
    this.maxSsrcs = o.maxSsrcs ?? 8;
    this.windowSize = o.replayWindow ?? 64;
  }

  protected get mkiLen(): number {
    return this.mki?.length ?? 0;
  }

  /** The state of `ssrc`, or undefined. Does not create it. */
  protected peek(ssrc: number): SsrcState | undefined {
    const s = this.ssrcs.get(ssrc);
    if (s) {
      this.ssrcs.delete(ssrc);
      this.ssrcs.set(ssrc, s); // most recently used last
    }
    return s;
  }

  protected fresh(): SsrcState {
    return { roc: 0, highestSeq: undefined, window: new ReplayWindow(this.windowSize), rtcpWindow: new ReplayWindow(this.windowSize), rtcpIndex: 0 };
  }

  protected remember(ssrc: number, s: SsrcState): void {
    if (this.ssrcs.has(ssrc)) return;
    if (this.ssrcs.size >= this.maxSsrcs) {
      const oldest = this.ssrcs.keys().next().value as number;
      this.ssrcs.delete(oldest);
    }
    this.ssrcs.set(ssrc, s);
  }

  /** The rollover counter of `ssrc` (0 if unknown). */
  roc(ssrc: number): number {
    return this.ssrcs.get(ssrc)?.roc ?? 0;
  }
}

/** Our outgoing direction: protects what we send with our master key. */
export class SrtpSender extends SrtpDirection {
  /** Seed the rollover counter of `ssrc` (e.g. when taking over a stream); normally not needed. */
  setRoc(ssrc: number, roc: number, highestSeq?: number): void {
    const s = this.peek(ssrc) ?? this.fresh();
    s.roc = roc;
    s.highestSeq = highestSeq;
    this.remember(ssrc, s);
  }

  protectRtp(packet: Uint8Array): Buffer {
    if (packet.length < 12) throw new SrtpKeyError('srtp-bad-packet', `RTP packet of ${packet.length} bytes`);
    if (this.stats.rtp >= this.lifetime) throw new SrtpKeyError('srtp-index-exhausted', 'master key lifetime reached: rekey');
    const ssrc = readU32(packet, 8);
    const seq = readSeq(packet);
    const s = this.peek(ssrc) ?? this.fresh();
    const v = estimateRoc(s, seq);
    if (v > MAX_ROC) throw new SrtpKeyError('srtp-index-exhausted', 'SRTP index space exhausted: rekey');
    if (v < 0) throw new SrtpKeyError('srtp-bad-packet', `sequence ${seq} precedes the stream`);
    const out = protectRtp(this.keys.rtp, this.suite.srtpTagBytes, packet, v, packetIndex(v, seq), this.mki);
    updateIndexState(s, v, seq);
    this.remember(ssrc, s);
    this.stats.rtp++;
    return out;
  }

  protectRtcp(packet: Uint8Array, encrypt = true): Buffer {
    if (packet.length < 8) throw new SrtpKeyError('srtp-bad-packet', `RTCP packet of ${packet.length} bytes`);
    if (this.stats.rtcp >= this.lifetime) throw new SrtpKeyError('srtp-index-exhausted', 'master key lifetime reached: rekey');
    const ssrc = readU32(packet, 4);
    const s = this.peek(ssrc) ?? this.fresh();
    if (s.rtcpIndex > 0x7fffffff) throw new SrtpKeyError('srtp-index-exhausted', 'SRTCP index space exhausted: rekey');
    const out = protectRtcp(this.keys.rtcp, this.suite.srtcpTagBytes, packet, s.rtcpIndex, encrypt, this.mki);
    s.rtcpIndex++;
    this.remember(ssrc, s);
    this.stats.rtcp++;
    return out;
  }
}

/** The far end's direction: authenticates, replay-checks and decrypts what it sends us. */
export class SrtpReceiver extends SrtpDirection {
  unprotectRtp(packet: Uint8Array): Buffer {
    try {
      const end = srtpAuthEnd(packet, this.suite.srtpTagBytes, this.mkiLen);
      this.checkMki(packet, end);
      const ssrc = readU32(packet, 8);
      const seq = readSeq(packet);
      const known = this.peek(ssrc);
      const s = known ?? this.fresh();
      const v = estimateRoc(s, seq);
      if (v < 0) throw new SrtpError('srtp-too-old', `sequence ${seq} precedes the stream`, { ssrc, seq });
      const index = packetIndex(v, seq);
      this.replayCheck(s.window, index, ssrc);
      verifyRtpTag(this.keys.rtp, this.suite.srtpTagBytes, packet, end, this.mkiLen, v);
      if (this.stats.rtp >= this.lifetime) throw new SrtpError('srtp-key-expired', 'master key lifetime reached', { ssrc });
      const out = decryptRtp(this.keys.rtp, packet, end, index);
      updateIndexState(s, v, seq);
      s.window.accept(index);
      if (!known) this.remember(ssrc, s);
      this.stats.rtp++;
      return out;
    } catch (e) {
      this.count(e);
      throw e;
    }
  }

  unprotectRtcp(packet: Uint8Array): Buffer {
    try {
      const t = readSrtcpTrailer(packet, this.suite.srtcpTagBytes, this.mkiLen);
      this.checkMki(packet, t.end + 4);
      const known = this.peek(t.ssrc);
      const s = known ?? this.fresh();
      this.replayCheck(s.rtcpWindow, t.index, t.ssrc);
      verifyRtcpTag(this.keys.rtcp, this.suite.srtcpTagBytes, packet, t, this.mkiLen);
      const out = decryptRtcp(this.keys.rtcp, packet, t);
      s.rtcpWindow.accept(t.index);
      if (!known) this.remember(t.ssrc, s);
      this.stats.rtcp++;
      return out;
    } catch (e) {
      this.count(e);
      throw e;
    }
  }

  private checkMki(packet: Uint8Array, at: number): void {
    const mki = this.mki;
    if (!mki) return;
    for (let k = 0; k < mki.length; k++) {
      if (packet[at + k] !== mki[k]) throw new SrtpError('srtp-mki-mismatch', 'packet carries an unknown MKI');
    }
  }

  private replayCheck(window: ReplayWindow, index: number, ssrc: number): void {
    const verdict = window.check(index);
    if (verdict === 'replay') throw new SrtpError('srtp-replay', `index ${index} already received`, { ssrc, index });
    if (verdict === 'too-old') throw new SrtpError('srtp-too-old', `index ${index} is behind the replay window`, { ssrc, index });
  }

  private count(e: unknown): void {
    if (!(e instanceof SrtpError)) return;
    if (e.code === 'srtp-auth-failed') this.stats.authFailures++;
    else if (e.code === 'srtp-replay' || e.code === 'srtp-too-old') this.stats.replays++;
    else this.stats.malformed++;
  }
}
