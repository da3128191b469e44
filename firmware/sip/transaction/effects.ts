/**
 * What a single transaction state machine asks for. The transaction layer turns these into
 * `LayerOutput`s (adding the destination and the transaction handle).
 */
import type { SipMessage, SipRequest, SipResponse } from '../message/types.js';
import type { SipTimers } from './timers.js';

export type TimeoutTimer = 'B' | 'F' | 'H' | 'L';

export type TxEffect =
  /** Hand a message to the transport (destination: the transaction's peer). */
  | { type: 'transmit'; message: SipMessage }
  /** Client: a response for the TU. `retransmission` marks a repeated 2xx in Accepted. */
  | { type: 'response'; response: SipResponse; retransmission: boolean }
  /** Server INVITE: an ACK for the 2xx, for the TU. */
  | { type: 'ack'; request: SipRequest }
  /** The transaction gave up: B/F (no final response), H (no ACK for a non-2xx), L (no ACK for a 2xx). */
  | { type: 'timeout'; timer: TimeoutTimer }
  | { type: 'terminated' };

/** Options every transaction state machine takes. */
export interface TxBaseOptions {
  reliable: boolean;
  timers: SipTimers;
}
