/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2).
 *
 *   trying --TU 1xx--> proceeding --TU 1xx--> proceeding
 *   trying/proceeding --TU 200-699--> completed (Timer J) --Timer J--> terminated
 *   a retransmitted request is dropped (trying), or re-answered with the last provisional
 *   (proceeding) or final (completed) response.
 * A TU response after the final one is a TU bug: it is not in the table and throws.
 */
import { IllegalTransitionError } from '../../core/errors.js';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.js';
import type { TxBaseOptions, TxEffect } from './effects.js';
import { TimerSet } from './timer-set.js';
import { timerJ, type SipTimers } from './timers.js';

export type ServerNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';
export type ServerNonInviteEvent = 'start' | 'request-retransmit' | 'tu-1xx' | 'tu-final' | 'timer-J';

type Table = Readonly<Record<ServerNonInviteState, Readonly<Partial<Record<ServerNonInviteEvent, ServerNonInviteState>>>>>;

export const SERVER_NON_INVITE_TRANSITIONS: Table = {
  trying: { start: 'trying', 'request-retransmit': 'trying', 'tu-1xx': 'proceeding', 'tu-final': 'completed' },
  proceeding: { 'request-retransmit': 'proceeding', 'tu-1xx': 'proceeding', 'tu-final': 'completed' },
  completed: { 'request-retransmit': 'completed', 'timer-J': 'terminated' },
  terminated: {},
};

export interface ServerNonInviteOptions extends TxBaseOptions {
  id: string;
  request: SipRequest;
  source: Endpoint;
  responseDestination: Endpoint;
}

export class ServerNonInviteTransaction {
  readonly kind = 'server-non-invite' as const;
  readonly id: string;
  readonly request: SipRequest;
  readonly source: Endpoint;
  readonly responseDestination: Endpoint;
  readonly reliable: boolean;
  private readonly timerValues: SipTimers;
  private current: ServerNonInviteState = 'trying';
  private started = false;
  private readonly timers = new TimerSet<'J'>();
  private provisional: SipResponse | undefined;
  private final: SipResponse | undefined;

  constructor(o: ServerNonInviteOptions) {
    this.id = o.id;
    this.request = o.request;
    this.source = o.source;
    this.responseDestination = o.responseDestination;
    this.reliable = o.reliable;
    this.timerValues = o.timers;
  }

  get state(): ServerNonInviteState {
    return this.current;
  }

  get method(): string {
    return this.request.method;
  }

  get lastResponse(): SipResponse | undefined {
    return this.final ?? this.provisional;
  }

  nextDeadline(): number | undefined {
    return this.timers.next();
  }

  start(_now: number): TxEffect[] {
    if (this.started) throw new IllegalTransitionError('server-non-invite', this.current, 'start');
    this.transition('start');
    this.started = true;
    return [];
  }

  sendResponse(response: SipResponse, now: number): TxEffect[] {
    const event: ServerNonInviteEvent = response.status < 200 ? 'tu-1xx' : 'tu-final';
    this.transition(event);
    const out: TxEffect[] = [{ type: 'transmit', message: response }];
    if (event === 'tu-1xx') {
      this.provisional = response;
      return out;
    }
    this.final = response;
    const j = timerJ(this.timerValues, this.reliable);
    if (j === 0) out.push(...this.fire(now));
    else this.timers.set('J', now + j);
    return out;
  }

  receiveRetransmission(_now: number): TxEffect[] {
    const from = this.transition('request-retransmit');
    if (from === 'proceeding' && this.provisional) return [{ type: 'transmit', message: this.provisional }];
    if (from === 'completed' && this.final) return [{ type: 'transmit', message: this.final }];
    return [];
  }

  handleTimeout(now: number): TxEffect[] {
    return this.timers.takeDue(now) ? this.fire(now) : [];
  }

  private fire(_now: number): TxEffect[] {
    this.transition('timer-J');
    this.timers.clearAll();
    return [{ type: 'terminated' }];
  }

  private transition(event: ServerNonInviteEvent): ServerNonInviteState {
    const next = SERVER_NON_INVITE_TRANSITIONS[this.current][event];
    if (next === undefined) throw new IllegalTransitionError('server-non-invite', this.current, event);
    const from = this.current;
    this.current = next;
    return from;
  }
}
