/**
 * RFC 4733 telephone-event payload (DTMF events 0–15) and the RTP stream state that audio and
 * events share.
 *
 * Payload, 4 bytes per event: event (8) | E (1) | R (1) | volume (6, −dBm0) | duration (16, in
 * timestamp units). Events 0–9 are the digits, 10 = '*', 11 = '#', 12–15 = 'A'–'D'.
 *
 * RFC 4733 requires events to go in the same RTP stream (SSRC, sequence space, timestamp clock) as
 * the audio they replace: `RtpStreamState` is that shared state. The audio sender and the
 * `TelephoneEventSender` take sequence numbers from the same object, and both derive timestamps
 * from the same `timestampAt(now)`.
 */
import { RemoteError } from '../core/errors.js';
import { normaliseDtmfDigit } from './dtmf.js';

export const TELEPHONE_EVENT_DIGITS = '0123456789*#ABCD';
/** Largest duration one segment can carry (RFC 4733 §2.5.1.3): longer events are segmented. */
export const MAX_EVENT_DURATION = 0xffff;

export interface TelephoneEventPayload {
  /** Event code (0–255; DTMF uses 0–15). */
  event: number;
  /** E bit: this is the final packet of the event. */
  end: boolean;
  /** Level of the tone, −dBm0 (0–63). */
  volume: number;
  /** Duration so far, in RTP timestamp units (0–0xFFFF). */
  duration: number;
}

/** A telephone-event payload that cannot be decoded. */
export class TelephoneEventParseError extends RemoteError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('bad-telephone-event', message, { context });
  }
}

/** Event code of a DTMF key (throws DtmfDigitError for anything else). */
export function digitToEvent(digit: string): number {
  return TELEPHONE_EVENT_DIGITS.indexOf(normaliseDtmfDigit(digit));
}

/** DTMF key of an event code, or undefined for codes other than 0–15. */
export function eventToDigit(event: number): string | undefined {
  return event >= 0 && event < 16 ? TELEPHONE_EVENT_DIGITS[event] : undefined;
}

/** The 4-byte payload of one event. */
export function encodeTelephoneEvent(p: TelephoneEventPayload): Uint8Array {
  if (!Number.isInteger(p.event) || p.event < 0 || p.event > 255) throw new RangeError(`event ${p.event} out of range`);
  if (!Number.isInteger(p.volume) || p.volume < 0 || p.volume > 63) throw new RangeError(`volume ${p.volume} out of range`);
  if (!Number.isInteger(p.duration) || p.duration < 0 || p.duration > MAX_EVENT_DURATION) throw new RangeError(`duration ${p.duration} out of range`);
  return Uint8Array.of(p.event, (p.end ? 0x80 : 0) | p.volume, p.duration >> 8, p.duration & 0xff);
}

/**
 * Decode a payload: one or more 4-byte event blocks (RFC 4733 §2.5.1.5 allows redundant earlier
 * events before the current one, which is the last).
 */
export function decodeTelephoneEvents(payload: Uint8Array): TelephoneEventPayload[] {
  if (payload.length === 0 || payload.length % 4 !== 0) {
    throw new TelephoneEventParseError(`telephone-event payload of ${payload.length} bytes`, { length: payload.length });
  }
  const out: TelephoneEventPayload[] = [];
  for (let o = 0; o < payload.length; o += 4) {
    const b1 = payload[o + 1] as number;
    out.push({
      event: payload[o] as number,
      end: (b1 & 0x80) !== 0,
      volume: b1 & 0x3f,
      duration: ((payload[o + 2] as number) << 8) | (payload[o + 3] as number),
    });
  }
  return out;
}

/** The RTP stream state audio and events share (one SSRC, one sequence space, one clock). */
export interface RtpStreamState {
  readonly ssrc: number;
  readonly clockRate: number;
  /** Take the next sequence number (16-bit, wrapping). */
  nextSequence(): number;
  /** RTP timestamp (32-bit) of the media sampled at monotonic time `now` (ms). */
  timestampAt(now: number): number;
}

export interface SharedRtpStreamOptions {
  ssrc: number;
  /** First sequence number (random per RFC 3550). */
  sequence: number;
  /** RTP timestamp at `startTime` (random per RFC 3550). */
  timestamp: number;
  /** Monotonic ms at which the stream's timestamp is `timestamp`. */
  startTime: number;
  clockRate?: number;
}

/** A plain RtpStreamState; the media path's audio packetiser should take its numbers from it too. */
export class SharedRtpStream implements RtpStreamState {
  readonly ssrc: number;
  readonly clockRate: number;
  private seq: number;
  private readonly ts0: number;
  private readonly t0: number;

  constructor(o: SharedRtpStreamOptions) {
    this.ssrc = o.ssrc >>> 0;
    this.clockRate = o.clockRate ?? 8000;
    this.seq = o.sequence & 0xffff;
    this.ts0 = o.timestamp >>> 0;
    this.t0 = o.startTime;
  }

  nextSequence(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    return s;
  }

  timestampAt(now: number): number {
    return (this.ts0 + Math.round(((now - this.t0) * this.clockRate) / 1000)) >>> 0;
  }
}
