/**
 * One call's signalling state (INVITE dialog usage), UAC or UAS. Data plus one transition table;
 * the UA core (user-agent.ts, call-uac.ts, call-uas.ts) drives it.
 */
import { IllegalTransitionError } from '../../core/errors.js';
import type { SipRequest } from '../message/types.js';
import type { AudioDescription, NegotiatedMedia } from '../sdp/sdp.js';
import type { Dialog } from './dialog.js';

export type CallState =
  | 'calling' // UAC: INVITE sent, nothing back yet
  | 'early' // UAC: a provisional response came
  | 'offered' // UAS: INVITE received, not yet answered
  | 'accepted' // UAS: 200 sent, waiting for the ACK
  | 'confirmed' // both sides agree the call is up
  | 'cancelling' // UAC: CANCEL sent (or pending until a provisional arrives)
  | 'ending' // BYE sent, waiting for its response
  | 'ended';

export type CallEvent =
  | 'provisional'
  | 'answered' // UAC got 2xx
  | 'answer' // UAS sent 2xx
  | 'ack'
  | 'cancel'
  | 'bye'
  | 'end';

const TABLE: Record<CallState, Partial<Record<CallEvent, CallState>>> = {
  calling: { provisional: 'early', answered: 'confirmed', cancel: 'cancelling', end: 'ended' },
  early: { provisional: 'early', answered: 'confirmed', cancel: 'cancelling', end: 'ended' },
  offered: { answer: 'accepted', end: 'ended' },
  accepted: { ack: 'confirmed', bye: 'ending', end: 'ended' },
  confirmed: { bye: 'ending', ack: 'confirmed', end: 'ended' },
  cancelling: { provisional: 'cancelling', answered: 'ending', bye: 'ending', end: 'ended' },
  ending: { end: 'ended', bye: 'ending', answered: 'ending', ack: 'ending' },
  ended: { end: 'ended' },
};

export class Call {
  private stateValue: CallState;
  dialog: Dialog | undefined;
  /** Our local To/From tag. */
  readonly localTag: string;
  /** The INVITE that created the call (ours for UAC, theirs for UAS). */
  invite: SipRequest;
  /** UAC: the INVITE currently in flight (changes when retried with credentials). */
  inviteTx: unknown;
  /** UAS: the server transaction of the INVITE. */
  serverTx: unknown;
  remoteOffer: AudioDescription | undefined;
  localDescription: AudioDescription | undefined;
  media: NegotiatedMedia | undefined;
  /** UAC: the ACK we sent for the 2xx, re-sent for 2xx retransmissions. */
  ack: SipRequest | undefined;
  /** UAC: hang-up requested before any provisional response arrived. */
  cancelPending = false;
  authNonce: string | undefined;
  /** UAS: re-INVITE handling needs the peer's current CSeq. */
  endedReported = false;
  /** We put the call on hold / the far end holds us (from its SDP direction). */
  localHold = false;
  remoteHold = false;
  /** A re-INVITE of ours is in flight; another change waits for it. */
  reinvitePending = false;
  reinviteQueued = false;
  /** Transfer we requested (REFER) and its progress. */
  transferState: 'none' | 'requested' | 'accepted' | 'done' | 'failed' = 'none';
  referNotifySeq = 0;
  /** RFC 3262: our last RSeq and the one not yet PRACKed (UAS); the last RSeq seen (UAC). */
  rseq: number | undefined;
  unackedRseq: number | undefined;
  lastRseqSeen: number | undefined;
  /** UAC: the early dialog of a reliable provisional (for PRACK). */
  earlyDialog: import('./dialog.js').Dialog | undefined;
  /** RFC 4028 terms and whether we are the refresher; `sessionEpoch` invalidates old timers. */
  sessionTerms: import('./session-timer.js').SessionTimerTerms | undefined;
  weRefresh = false;
  sessionRetried = false;
  sessionEpoch = 0;
  /** Our side's media security (profile + crypto lines we send) and the agreed SRTP keys. */
  security: { profile: 'RTP/AVP' | 'RTP/SAVP'; crypto: import('../../security/sdes.js').CryptoAttribute[] } | undefined;
  srtpKeys: import('../../security/srtp-negotiation.js').SrtpKeys | undefined;
  /** UAC: redirects followed so far (3xx). */
  redirects = 0;
  /** UAC: a self-test call (never rings anything; a 401 from ourselves ends it). */
  selfTest = false;

  constructor(
    readonly id: string,
    readonly role: 'uac' | 'uas',
    invite: SipRequest,
    localTag: string,
  ) {
    this.invite = invite;
    this.localTag = localTag;
    this.stateValue = role === 'uac' ? 'calling' : 'offered';
  }

  get state(): CallState {
    return this.stateValue;
  }

  transition(event: CallEvent): CallState {
    const next = TABLE[this.stateValue][event];
    if (!next) throw new IllegalTransitionError(`call ${this.id}`, this.stateValue, event);
    this.stateValue = next;
    return next;
  }

  can(event: CallEvent): boolean {
    return TABLE[this.stateValue][event] !== undefined;
  }
}
