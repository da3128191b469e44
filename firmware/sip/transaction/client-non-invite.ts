/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2).
 *
 *   trying --1xx--> proceeding --1xx--> proceeding
 *   trying/proceeding --200-699--> completed (Timer K) --any--> completed (absorbed)
 *   trying --Timer E--> trying (retransmit, interval doubles up to T2)
 *   proceeding --Timer E--> proceeding (retransmit every T2)
 *   trying/proceeding --Timer F--> terminated (timeout); completed --Timer K--> terminated
 */
import { IllegalTransitionError } from '../../core/errors.js';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.js';
import type { TxBaseOptions, TxEffect } from './effects.js';
import { TimerSet } from './timer-set.js';
import { initialRetransmit, nextRetransmit, timerF, timerK, type SipTimers } from './timers.js';

export type ClientNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';
export type ClientNonInviteEvent = 'start' | '1xx' | 'final' | 'timer-E' | 'timer-F' | 'timer-K';

type Table = Readonly<Record<ClientNonInviteState, Readonly<Partial<Record<ClientNonInviteEvent, ClientNonInviteState>>>>>;

export const CLIENT_NON_INVITE_TRANSITIONS: Table = {
  trying: { start: 'trying', '1xx': 'proceeding', final: 'completed', 'timer-E': 'trying', 'timer-F': 'terminated' },
  proceeding: { '1xx': 'proceeding', final: 'completed', 'timer-E': 'proceeding', 'timer-F': 'terminated' },
  completed: { '1xx': 'completed', final: 'completed', 'timer-K': 'terminated' },
  terminated: {},
};

type TimerName = 'E' | 'F' | 'K';

export interface ClientNonInviteOptions extends TxBaseOptions {
  id: string;
  request: SipRequest;
  destination: Endpoint;
}

export class ClientNonInviteTransaction {
  readonly kind = 'client-non-invite' as const;
  readonly id: string;
  readonly request: SipRequest;
  readonly destination: Endpoint;
  readonly reliable: boolean;
  private readonly timerValues: SipTimers;
  private current: ClientNonInviteState = 'trying';
  private started = false;
  private readonly timers = new TimerSet<TimerName>();
  private eInterval: number;

  constructor(o: ClientNonInviteOptions) {
    this.id = o.id;
    this.request = o.request;
    this.destination = o.destination;
    this.reliable = o.reliable;
    this.timerValues = o.timers;
    this.eInterval = initialRetransmit(o.timers);
  }

  get state(): ClientNonInviteState {
    return this.current;
  }

  get method(): string {
    return this.request.method;
  }

  nextDeadline(): number | undefined {
    return this.timers.next();
  }

  /** Send the request; arms Timer E (unreliable transports only) and Timer F. */
  start(now: number): TxEffect[] {
    if (this.started) throw new IllegalTransitionError('client-non-invite', this.current, 'start');
    this.transition('start');
    this.started = true;
    if (!this.reliable) this.timers.set('E', now + this.eInterval);
    this.timers.set('F', now + timerF(this.timerValues));
    return [{ type: 'transmit', message: this.request }];
  }

  receiveResponse(response: SipResponse, now: number): TxEffect[] {
    const event: ClientNonInviteEvent = response.status < 200 ? '1xx' : 'final';
    const from = this.transition(event);
    if (from === 'completed') return [];
    if (event === '1xx') return [{ type: 'response', response, retransmission: false }];
    this.timers.clear('E', 'F');
    const out: TxEffect[] = [{ type: 'response', response, retransmission: false }];
    const k = timerK(this.timerValues, this.reliable);
    if (k === 0) out.push(...this.fire('K', now));
    else this.timers.set('K', now + k);
    return out;
  }

  handleTimeout(now: number): TxEffect[] {
    const out: TxEffect[] = [];
    for (let due = this.timers.takeDue(now); due; due = this.timers.takeDue(now)) out.push(...this.fire(due.name, now));
    return out;
  }

  private fire(name: TimerName, now: number): TxEffect[] {
    const from = this.transition(`timer-${name}`);
    switch (name) {
      case 'E':
        this.eInterval = from === 'proceeding' ? this.timerValues.T2 : nextRetransmit(this.eInterval, this.timerValues, true);
        this.timers.set('E', now + this.eInterval);
        return [{ type: 'transmit', message: this.request }];
      case 'F':
        this.timers.clearAll();
        return [{ type: 'timeout', timer: 'F' }, { type: 'terminated' }];
      case 'K':
        this.timers.clearAll();
        return [{ type: 'terminated' }];
    }
  }

  private transition(event: ClientNonInviteEvent): ClientNonInviteState {
    const next = CLIENT_NON_INVITE_TRANSITIONS[this.current][event];
    if (next === undefined) throw new IllegalTransitionError('client-non-invite', this.current, event);
    const from = this.current;
    this.current = next;
    return from;
  }
}
