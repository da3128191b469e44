import type { NameAddr } from '../message/types.js';
import type { NegotiatedMedia } from '../sdp/sdp.js';

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'retry-wait' | 'unregistering';

export type CallEndReason =
  | 'local-hangup'
  | 'remote-hangup'
  | 'cancelled'
  | 'rejected'
  | 'failed'
  | 'timeout'
  | 'no-ack'
  | 'overload';

/** What the UA core tells the application (the line controller). */
export type UaEvent =
  | { type: 'registration'; state: RegistrationState; reason?: string; expiresS?: number; retryInS?: number }
  | { type: 'mwi-notify'; body: string }
  | { type: 'mwi-subscription'; state: 'active' | 'failed' | 'terminated'; status?: number }
  | { type: 'refer'; callId: string; target: string; replaces?: string; referredBy?: string }
  | { type: 'transfer-result'; callId: string; ok: boolean; status: number }
  | { type: 'self-test'; test: 'invite-auth'; result: 'pass' | 'fail' | 'inconclusive'; detail: string }
  | { type: 'foreign-bindings'; contacts: Array<{ contact: string; expiresS?: number }>; removing: boolean }
  | { type: 'incoming-call'; callId: string; from: NameAddr; hasOffer: boolean; alertInfo?: string; anonymous: boolean }
  | { type: 'call-progress'; callId: string; status: number; earlyMedia?: NegotiatedMedia }
  | { type: 'call-answered'; callId: string; media: NegotiatedMedia }
  | { type: 'call-media'; callId: string; media: NegotiatedMedia }
  | { type: 'call-ended'; callId: string; reason: CallEndReason; status?: number };
