/**
 * RFC 4733 telephone-event receiver, sans-IO: `receive(packet, now)` for every RTP packet of the
 * negotiated telephone-event payload type, `handleTimeout(now)` at `nextDeadline()`.
 *
 * - Events are identified by their RTP timestamp: every packet of an event carries the same one,
 *   so repeated updates and the three end copies are de-duplicated by it.
 * - Each event is reported once ('begin') at the first packet seen, marker or not (the first
 *   packet may be lost), and once more when it ends ('end'): on the E bit, when a newer event
 *   starts, or after `timeoutMs` without packets when the end packets were all lost.
 * - Reordering: a packet older than the current or latest event (modulo 2^32) is ignored, and a
 *   late packet of an ended event is recognised by its timestamp; duration only grows.
 * - Long events: a packet of the same event whose timestamp is exactly 0xFFFF after the current
 *   segment's continues it (§2.5.1.3) and is not a new event.
 * - Only the last event block of a packet is used (redundant earlier blocks, §2.5.1.5, are not).
 * Codes other than 0–15 are ignored.
 */
import { IllegalTransitionError } from '../core/errors.js';
import { tsDiff } from './rtp-packet.js';
import { MAX_EVENT_DURATION, decodeTelephoneEvents, eventToDigit } from './telephone-event.js';

export interface TelephoneEventReceiverOptions {
  /** End an event this long after its last packet when no end packet arrived, ms (default 250). */
  timeoutMs?: number;
}

/** The fields of an RTP packet (rtp-packet.ts `RtpPacket`) the receiver reads. */
export interface TelephoneEventRtp {
  marker: boolean;
  timestamp: number;
  payload: Uint8Array;
}

export type TelephoneEventEndReason = 'end-bit' | 'timeout' | 'superseded';

export type TelephoneEventNotice =
  | { type: 'begin'; digit: string; event: number; timestamp: number; volume: number; markerSeen: boolean }
  | { type: 'end'; digit: string; event: number; timestamp: number; duration: number; reason: TelephoneEventEndReason };

type ReceiverState = 'idle' | 'active';
type ReceiverEvent = 'begin' | 'end';
const TRANSITIONS: Record<ReceiverState, Partial<Record<ReceiverEvent, ReceiverState>>> = {
  idle: { begin: 'active' },
  active: { end: 'idle' },
};

const REMEMBER_ENDED = 16;

export class TelephoneEventReceiver {
  private readonly timeout: number;
  private state: ReceiverState = 'idle';
  private event = 0;
  private firstTs = 0; // timestamp of the event's first segment (reported)
  private segTs = 0; // timestamp of the current segment
  private done = 0; // duration of the completed segments
  private duration = 0; // duration of the current segment so far
  private lastAt = 0;
  private latestTs: number | undefined; // newest event timestamp seen
  private readonly ended: number[] = [];

  constructor(o: TelephoneEventReceiverOptions = {}) {
    this.timeout = o.timeoutMs ?? 250;
  }

  /** Handle one telephone-event packet; throws TelephoneEventParseError on a malformed payload. */
  receive(p: TelephoneEventRtp, now: number): TelephoneEventNotice[] {
    const blocks = decodeTelephoneEvents(p.payload);
    const b = blocks[blocks.length - 1] as (typeof blocks)[number];
    const digit = eventToDigit(b.event);
    if (digit === undefined) return [];
    const ts = p.timestamp >>> 0;
    if (this.ended.includes(ts)) return [];
    const out: TelephoneEventNotice[] = [];
    if (this.state === 'active') {
      if (ts !== this.segTs) {
        const ahead = tsDiff(ts, this.segTs);
        if (ahead < 0) return []; // a late packet of something older
        if (ahead === MAX_EVENT_DURATION && b.event === this.event && !p.marker) {
          this.remember(this.segTs);
          this.done += MAX_EVENT_DURATION;
          this.segTs = ts;
          this.latestTs = ts;
          this.duration = 0;
        } else {
          out.push(this.finish('superseded'));
        }
      }
    } else if (this.latestTs !== undefined && tsDiff(ts, this.latestTs) <= 0) {
      return [];
    }
    if (this.state === 'idle') {
      this.transition('begin');
      this.event = b.event;
      this.firstTs = ts;
      this.segTs = ts;
      this.done = 0;
      this.duration = 0;
      this.latestTs = ts;
      out.push({ type: 'begin', digit, event: b.event, timestamp: ts, volume: b.volume, markerSeen: p.marker });
    }
    this.duration = Math.max(this.duration, b.duration);
    this.lastAt = now;
    if (b.end) out.push(this.finish('end-bit'));
    return out;
  }

  /** End an event whose end packets were lost, once `nextDeadline()` has passed. */
  handleTimeout(now: number): TelephoneEventNotice[] {
    if (this.state === 'active' && now >= this.lastAt + this.timeout) return [this.finish('timeout')];
    return [];
  }

  nextDeadline(): number | null {
    return this.state === 'active' ? this.lastAt + this.timeout : null;
  }

  /** The digit being received, or null. */
  get activeDigit(): string | null {
    return this.state === 'active' ? (eventToDigit(this.event) as string) : null;
  }

  private finish(reason: TelephoneEventEndReason): TelephoneEventNotice {
    this.transition('end');
    this.remember(this.segTs);
    return {
      type: 'end',
      digit: eventToDigit(this.event) as string,
      event: this.event,
      timestamp: this.firstTs,
      duration: this.done + this.duration,
      reason,
    };
  }

  private remember(ts: number): void {
    this.ended.push(ts);
    if (this.ended.length > REMEMBER_ENDED) this.ended.shift();
  }

  private transition(event: ReceiverEvent): void {
    const next = TRANSITIONS[this.state][event];
    if (next === undefined) throw new IllegalTransitionError('TelephoneEventReceiver', this.state, event);
    this.state = next;
  }
}
