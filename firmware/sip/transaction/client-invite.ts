/**
 * INVITE client transaction (RFC 3261 §17.1.1 as updated by RFC 6026 §8.4: the Accepted state).
 *
 *   calling --1xx--> proceeding --1xx--> proceeding
 *   calling/proceeding --2xx--> accepted (Timer M) --2xx--> accepted (passed up, retransmission)
 *   calling/proceeding --300-699--> completed (ACK sent, Timer D) --300-699--> completed (ACK re-sent)
 *   calling --Timer A--> calling (retransmit, interval doubles, no cap); calling --Timer B--> terminated
 *   completed --Timer D--> terminated; accepted --Timer M--> terminated
 *
 * Responses the RFC says to absorb (a 1xx after a final response, a non-2xx in Accepted, a 2xx in
 * Completed) are self-loops in the table. Anything missing from the table throws.
 */
import { IllegalTransitionError } from '../../core/errors.js';
import { Headers } from '../message/headers.js';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.js';
import type { TxBaseOptions, TxEffect } from './effects.js';
import { callIdOf, cseqOf, tagOf, topViaText } from './message-info.js';
import { TimerSet } from './timer-set.js';
import { initialRetransmit, nextRetransmit, timerB, timerD, timerM, type SipTimers } from './timers.js';

export type ClientInviteState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';
export type ClientInviteEvent = 'start' | '1xx' | '2xx' | '3xx-6xx' | 'timer-A' | 'timer-B' | 'timer-D' | 'timer-M';

type Table = Readonly<Record<ClientInviteState, Readonly<Partial<Record<ClientInviteEvent, ClientInviteState>>>>>;

export const CLIENT_INVITE_TRANSITIONS: Table = {
  calling: {
    start: 'calling',
    '1xx': 'proceeding',
    '2xx': 'accepted',
    '3xx-6xx': 'completed',
    'timer-A': 'calling',
    'timer-B': 'terminated',
  },
  proceeding: { '1xx': 'proceeding', '2xx': 'accepted', '3xx-6xx': 'completed' },
  accepted: { '1xx': 'accepted', '2xx': 'accepted', '3xx-6xx': 'accepted', 'timer-M': 'terminated' },
  completed: { '1xx': 'completed', '2xx': 'completed', '3xx-6xx': 'completed', 'timer-D': 'terminated' },
  terminated: {},
};

type TimerName = 'A' | 'B' | 'D' | 'M';

export interface ClientInviteOptions extends TxBaseOptions {
  id: string;
  request: SipRequest;
  destination: Endpoint;
}

/** The ACK for a non-2xx final response (§17.1.1.3): same branch, Request-URI, Call-ID, From, Route. */
export function buildNon2xxAck(request: SipRequest, response: SipResponse): SipRequest {
  const headers = new Headers();
  const via = topViaText(request);
  if (via !== undefined) headers.append('Via', via);
  headers.append('Max-Forwards', '70');
  for (const route of request.headers.getAll('Route')) headers.append('Route', route);
  const from = request.headers.get('From');
  if (from !== undefined) headers.append('From', from);
  const to = response.headers.get('To') ?? request.headers.get('To');
  if (to !== undefined) headers.append('To', to);
  headers.append('Call-ID', callIdOf(request));
  headers.append('CSeq', `${cseqOf(request).seq} ACK`);
  return { kind: 'request', method: 'ACK', uri: request.uri, version: request.version, headers, body: Buffer.alloc(0) };
}

export class ClientInviteTransaction {
  readonly kind = 'client-invite' as const;
  readonly id: string;
  readonly request: SipRequest;
  readonly destination: Endpoint;
  readonly reliable: boolean;
  private readonly timerValues: SipTimers;
  private current: ClientInviteState = 'calling';
  private started = false;
  private readonly timers = new TimerSet<TimerName>();
  private aInterval: number;
  private ack: SipRequest | undefined;
  private readonly successTags = new Set<string>();

  constructor(o: ClientInviteOptions) {
    this.id = o.id;
    this.request = o.request;
    this.destination = o.destination;
    this.reliable = o.reliable;
    this.timerValues = o.timers;
    this.aInterval = initialRetransmit(o.timers);
  }

  get state(): ClientInviteState {
    return this.current;
  }

  get method(): string {
    return this.request.method;
  }

  /** The ACK built for the non-2xx final response, once one arrived. */
  get ackRequest(): SipRequest | undefined {
    return this.ack;
  }

  nextDeadline(): number | undefined {
    return this.timers.next();
  }

  /** Send the INVITE; arms Timer A (unreliable transports only) and Timer B. */
  start(now: number): TxEffect[] {
    if (this.started) throw new IllegalTransitionError('client-invite', this.current, 'start');
    this.transition('start');
    this.started = true;
    if (!this.reliable) this.timers.set('A', now + this.aInterval);
    this.timers.set('B', now + timerB(this.timerValues));
    return [{ type: 'transmit', message: this.request }];
  }

  receiveResponse(response: SipResponse, now: number): TxEffect[] {
    const event: ClientInviteEvent = response.status < 200 ? '1xx' : response.status < 300 ? '2xx' : '3xx-6xx';
    const from = this.transition(event);
    const fresh = from === 'calling' || from === 'proceeding';
    if (event === '1xx') {
      if (!fresh) return [];
      this.timers.clear('A', 'B');
      return [{ type: 'response', response, retransmission: false }];
    }
    if (event === '2xx') {
      if (from === 'completed') return [];
      const tag = tagOf(response.headers.get('To')) ?? '';
      const seen = this.successTags.has(tag);
      this.successTags.add(tag);
      if (fresh) {
        this.timers.clear('A', 'B');
        this.timers.set('M', now + timerM(this.timerValues));
      }
      return [{ type: 'response', response, retransmission: seen }];
    }
    // 300-699
    if (from === 'accepted') return [];
    if (from === 'completed') return this.ack ? [{ type: 'transmit', message: this.ack }] : [];
    this.timers.clear('A', 'B');
    this.ack = buildNon2xxAck(this.request, response);
    const out: TxEffect[] = [
      { type: 'transmit', message: this.ack },
      { type: 'response', response, retransmission: false },
    ];
    const d = timerD(this.timerValues, this.reliable);
    if (d === 0) out.push(...this.fire('D', now));
    else this.timers.set('D', now + d);
    return out;
  }

  handleTimeout(now: number): TxEffect[] {
    const out: TxEffect[] = [];
    for (let due = this.timers.takeDue(now); due; due = this.timers.takeDue(now)) out.push(...this.fire(due.name, now));
    return out;
  }

  private fire(name: TimerName, now: number): TxEffect[] {
    this.transition(`timer-${name}`);
    switch (name) {
      case 'A':
        this.aInterval = nextRetransmit(this.aInterval, this.timerValues, false);
        this.timers.set('A', now + this.aInterval);
        return [{ type: 'transmit', message: this.request }];
      case 'B':
        this.timers.clearAll();
        return [{ type: 'timeout', timer: 'B' }, { type: 'terminated' }];
      case 'D':
      case 'M':
        this.timers.clearAll();
        return [{ type: 'terminated' }];
    }
  }

  /** Apply `event` through the table; returns the state it left. */
  private transition(event: ClientInviteEvent): ClientInviteState {
    const next = CLIENT_INVITE_TRANSITIONS[this.current][event];
    if (next === undefined) throw new IllegalTransitionError('client-invite', this.current, event);
    const from = this.current;
    this.current = next;
    return from;
  }
}
