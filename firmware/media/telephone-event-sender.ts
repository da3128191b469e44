/**
 * RFC 4733 telephone-event sender, sans-IO: `start(digit, now)`, `stop(now)`, then `poll(now)`
 * returns the packets due (serialise them with rtp-packet.ts `serializeRtp`); `nextDeadline()`
 * says when to poll next.
 *
 * - The first packet of an event has the marker bit and duration 0; every packet of an event (or
 *   of a segment) carries the event's start timestamp; the duration is cumulative.
 * - Update interval (§2.5.1.2: "a natural interval is the spacing between non-event audio
 *   packets"; 50 ms is only RECOMMENDED when another spacing is used): we send one update per
 *   audio packet interval, `updateIntervalMs` = the audio ptime (default 20 ms), so the event
 *   stream keeps the audio's packet rate and a receiver's jitter estimate stays valid.
 * - The final packet (E bit) goes out 3 times (§2.5.1.4), same timestamp and duration, each with a
 *   new sequence number, spaced by the update interval (a burst loss takes fewer copies). A new
 *   `start` while copies are pending sends the remaining copies at once, first.
 * - Events longer than 0xFFFF timestamp units are segmented (§2.5.1.3): the segment's last update
 *   has duration 0xFFFF, and the next segment starts at timestamp + 0xFFFF, without marker.
 * - Sequence numbers and timestamps come from the `RtpStreamState` shared with the audio.
 * - `muteAudio(now)`: while an event is being sent (and `hangoverMs` after), the media path must
 *   send silence instead of the microphone audio, so the in-band tone does not go out twice.
 */
import { IllegalTransitionError } from '../core/errors.js';
import { tsDiff } from './rtp-packet.js';
import { MAX_EVENT_DURATION, digitToEvent, encodeTelephoneEvent } from './telephone-event.js';
import type { RtpStreamState } from './telephone-event.js';

export interface TelephoneEventSenderOptions {
  stream: RtpStreamState;
  /** Negotiated payload type of telephone-event/8000 (a=rtpmap:101 telephone-event/8000). */
  payloadType: number;
  /** Update interval, ms (default 20: the audio ptime; pass the negotiated ptime). */
  updateIntervalMs?: number;
  /** Volume field, −dBm0 (default 10). */
  volume?: number;
  /** Copies of the end packet (default 3). */
  endCopies?: number;
  /** Audio stays muted this long after the last end packet, ms (default 40). */
  hangoverMs?: number;
}

/** One packet to send: fields of rtp-packet.ts `RtpPacketInput`. */
export interface TelephoneEventPacket {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Uint8Array;
}

type SenderState = 'idle' | 'sending' | 'ending';
type SenderEvent = 'start' | 'stop' | 'done';
const TRANSITIONS: Record<SenderState, Partial<Record<SenderEvent, SenderState>>> = {
  idle: { start: 'sending' },
  sending: { stop: 'ending' },
  ending: { start: 'sending', done: 'idle' },
};

export class TelephoneEventSender {
  private readonly stream: RtpStreamState;
  private readonly pt: number;
  private readonly interval: number;
  private readonly volume: number;
  private readonly endCopies: number;
  private readonly hangover: number;
  private state: SenderState = 'idle';
  private event = 0;
  private segmentTs = 0; // timestamp of the current segment
  private firstPending = false; // the marker packet is still to go out
  private nextAt = 0; // when the next update / end copy is due
  private endDuration = 0;
  private copiesLeft = 0;
  private muteUntil = -Infinity;
  private readonly outbox: TelephoneEventPacket[] = [];
  private outboxAt = 0;

  constructor(o: TelephoneEventSenderOptions) {
    this.stream = o.stream;
    this.pt = o.payloadType;
    this.interval = o.updateIntervalMs ?? 20;
    this.volume = o.volume ?? 10;
    this.endCopies = Math.max(1, o.endCopies ?? 3);
    this.hangover = o.hangoverMs ?? 40;
    if (!(this.interval > 0)) throw new RangeError(`update interval ${this.interval} ms`);
  }

  /** True from `start` until the last end copy has been handed out. */
  get busy(): boolean {
    return this.state !== 'idle';
  }

  /** True between `start` and `stop` (a new digit needs `stop` first while this is true). */
  get sending(): boolean {
    return this.state === 'sending';
  }

  /** Start sending `digit` (0-9 * # A-D) at `now`; the first packet is due at once. */
  start(digit: string, now: number): void {
    const event = digitToEvent(digit);
    if (this.state === 'ending') while (this.copiesLeft > 0) this.outbox.push(this.endCopy());
    this.outboxAt = now;
    this.transition('start');
    this.event = event;
    this.segmentTs = this.stream.timestampAt(now);
    this.firstPending = true;
    this.nextAt = now;
    this.muteUntil = Infinity;
  }

  /** End the event at `now`; the end packets are due from now on. */
  stop(now: number): void {
    this.transition('stop');
    this.endDuration = this.advanceSegments(now, this.outbox);
    this.outboxAt = now;
    this.copiesLeft = this.endCopies;
    this.nextAt = now;
  }

  /** Packets due at `now` (at most one update per call, whatever the delay; end copies one per interval). */
  poll(now: number): TelephoneEventPacket[] {
    const out = this.outbox.splice(0);
    if (this.state === 'sending' && now >= this.nextAt) {
      if (this.firstPending) {
        this.firstPending = false;
        out.push(this.packet(true, false, 0));
      } else {
        const d = this.advanceSegments(now, out);
        out.push(this.packet(false, false, d));
      }
      this.nextAt += this.interval;
      if (this.nextAt <= now) this.nextAt = now + this.interval;
    } else if (this.state === 'ending' && now >= this.nextAt) {
      out.push(this.endCopy());
      this.nextAt += this.interval;
      if (this.copiesLeft === 0) {
        this.transition('done');
        this.muteUntil = now + this.hangover;
      }
    }
    return out;
  }

  /** When `poll` next has something to send, or null. */
  nextDeadline(): number | null {
    if (this.outbox.length > 0) return this.outboxAt;
    return this.state === 'idle' ? null : this.nextAt;
  }

  /** Whether the media path must send silence instead of the captured audio at `now`. */
  muteAudio(now: number): boolean {
    return this.state !== 'idle' || now < this.muteUntil;
  }

  private endCopy(): TelephoneEventPacket {
    this.copiesLeft--;
    if (this.firstPending) {
      // Stopped before the first packet went out: the end packets carry the marker instead.
      this.firstPending = false;
      return this.packet(true, true, this.endDuration);
    }
    return this.packet(false, true, this.endDuration);
  }

  /**
   * Duration of the current segment at `now`; when it would pass 0xFFFF, closes the segment
   * (pushes its 0xFFFF update into `out`) and starts the next one.
   */
  private advanceSegments(now: number, out: TelephoneEventPacket[]): number {
    let d = tsDiff(this.stream.timestampAt(now), this.segmentTs);
    while (d > MAX_EVENT_DURATION) {
      if (!this.firstPending) out.push(this.packet(false, false, MAX_EVENT_DURATION));
      this.firstPending = false;
      this.segmentTs = (this.segmentTs + MAX_EVENT_DURATION) >>> 0;
      d -= MAX_EVENT_DURATION;
    }
    return Math.max(0, d);
  }

  private packet(marker: boolean, end: boolean, duration: number): TelephoneEventPacket {
    return {
      marker,
      payloadType: this.pt,
      sequence: this.stream.nextSequence(),
      timestamp: this.segmentTs,
      ssrc: this.stream.ssrc,
      payload: encodeTelephoneEvent({ event: this.event, end, volume: this.volume, duration }),
    };
  }

  private transition(event: SenderEvent): void {
    const next = TRANSITIONS[this.state][event];
    if (next === undefined) throw new IllegalTransitionError('TelephoneEventSender', this.state, event);
    this.state = next;
  }
}
