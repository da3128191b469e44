/**
 * The line state machine's vocabulary: states, events in, actions out, timings and options.
 * Kept apart from line-fsm.ts so the adapters (controller, media path) can use the types.
 */
import type { DialPlan } from './dial-plan.js';
import type { LineFeatures } from './line-features.js';
import type { StarCodeAction } from './star-codes.js';

export type LineState =
  | 'idle' // on-hook, nothing happening
  | 'ringing' // incoming call (or a held call reminding), bell ringing
  | 'dialtone' // off-hook, waiting for the first digit
  | 'collecting' // digits being collected
  | 'confirm' // a star code was accepted: confirmation tone, then dial tone again
  | 'calling' // outgoing call placed, not answered
  | 'connected' // talking
  | 'conference' // three-way: the handset and two far ends mixed locally
  | 'ended' // far end gone or call failed: busy/reorder tone until on-hook
  | 'lockout'; // off-hook too long without doing anything: howler, then silence

export type ToneName = 'dial' | 'stutter' | 'confirm' | 'ringback' | 'busy' | 'reorder' | 'howler' | 'none';

/** Why the line places a call (the toll-fraud guard is told). */
export type CallPath = 'handset' | 'forward' | 'transfer' | 'refer' | 'three-way' | 'hotline' | 'speed-dial';

export type LineEvent =
  | { type: 'off-hook' }
  | { type: 'on-hook' }
  | { type: 'flash' }
  | { type: 'digit'; digit: string; pulse?: boolean }
  | { type: 'incoming-call'; callId: string; from?: string; cadence?: readonly number[] }
  | { type: 'call-progress'; callId: string; status: number; earlyMedia: boolean }
  | { type: 'call-answered'; callId: string }
  | { type: 'call-ended'; callId: string; status?: number; reason: string }
  | { type: 'transfer-result'; callId: string; ok: boolean; status: number }
  /** We honour a REFER: `newCallId` (already placed) replaces `oldCallId` as the active call. */
  | { type: 'replace-active'; oldCallId: string; newCallId: string; number: string };

export type LineAction =
  | { type: 'tone'; tone: ToneName }
  | { type: 'call-waiting-tone'; on: boolean }
  | { type: 'ring'; on: boolean }
  | { type: 'place-call'; number: string; path: CallPath; anonymous: boolean }
  | { type: 'send-ringing'; callId: string }
  | { type: 'answer'; callId: string }
  | { type: 'hangup'; callId: string }
  | { type: 'reject'; callId: string; status: number }
  | { type: 'forward'; callId: string; target: string; reason: 'all' | 'busy' | 'no-answer' }
  | { type: 'hold'; callId: string; on: boolean }
  | { type: 'transfer'; callId: string; target: string; consultCallId?: string }
  /** The calls whose audio the handset hears: none, one, or two (mixed: three-way). */
  | { type: 'media'; callIds: string[] }
  | { type: 'features'; features: LineFeatures; action: StarCodeAction };

export interface LineTimings {
  /** Short inter-digit timer (the line's dial_timeout_ms). */
  interDigitMs: number;
  /** Long inter-digit timer (a longer number may still come). */
  longInterDigitMs: number;
  /** Dial tone with no digit before reorder. */
  dialToneMs: number;
  /** Busy/reorder after a call before the off-hook warning (howler). */
  endedToneMs: number;
  /** Howler before the line goes silent. */
  howlerMs: number;
  /** Confirmation tone after a star code, before dial tone returns. */
  confirmMs: number;
  /** Default ring cadence, ms on/off alternating. */
  ringCadence: number[];
}

export const DEFAULT_TIMINGS: LineTimings = {
  interDigitMs: 4000,
  longInterDigitMs: 10000,
  dialToneMs: 30000,
  endedToneMs: 30000,
  howlerMs: 60000,
  confirmMs: 1500,
  ringCadence: [2000, 4000],
};

export interface LineFsmOptions {
  timings?: Partial<LineTimings>;
  plan?: DialPlan;
  features?: Partial<LineFeatures>;
}
