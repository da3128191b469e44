/** What the UA core hands to its parts (registration, calls): sending, events, identity. */
import type { Logger } from '../../core/log.js';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.js';
import type { AccountSettings, LocalAddress } from './account.js';
import type { UaEvent } from './ua-events.js';

export interface ResponseHandler {
  onResponse(response: SipResponse, now: number, retransmission: boolean): void;
  onTimeout(now: number): void;
}

export interface UaContext {
  readonly account: AccountSettings;
  readonly local: LocalAddress;
  /** The registrar/outbound proxy, resolved. */
  readonly proxy: Endpoint;
  readonly userAgent: string;
  /** The line's SRTP policy. */
  readonly srtp: import('../../security/srtp-negotiation.js').SrtpPolicy;
  readonly log: Logger;
  random(): string;
  sendRequest(request: SipRequest, destination: Endpoint, now: number, handler: ResponseHandler): void;
  sendStateless(request: SipRequest, destination: Endpoint): void;
  emit(event: UaEvent): void;
  /** Resolve a next hop host to an endpoint (numeric hosts only in the core; names go through the proxy). */
  resolve(host: string, port: number, transport: Endpoint['transport']): Endpoint;
}
