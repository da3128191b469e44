/**
 * INVITE server transaction (RFC 3261 §17.2.1 as updated by RFC 6026 §8.5-8.7: the Accepted state).
 *
 *   proceeding --TU 1xx--> proceeding; 100 Trying sent by us if the TU is silent for 200 ms
 *   proceeding --TU 2xx--> accepted (Timer L; the 2xx is re-sent at T1, 2T1, ... capped at T2 until an ACK)
 *   accepted --TU 2xx--> accepted (sent through) --ACK--> accepted (passed up) --Timer L--> terminated
 *   proceeding --TU 300-699--> completed (Timer G re-sends it, Timer H gives up)
 *   completed --ACK--> confirmed (Timer I) --Timer I--> terminated; completed --Timer H--> terminated
 *   a retransmitted INVITE re-sends the last provisional (proceeding) or final (completed) response.
 *
 * The 2xx retransmission is strictly the TU core's duty (§13.3.1.4); the transaction layer does it
 * here, on the transaction object it owns, so the UA does not need timers. As in the RFC it runs
 * whatever the transport (the 2xx is end-to-end). Network events the RFC absorbs are self-loops;
 * TU calls missing from the table (e.g. a 1xx after the final response) throw.
 */
import { IllegalTransitionError } from '../../core/errors.js';
import { createResponse } from '../message/response.js';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.js';
import type { TxBaseOptions, TxEffect } from './effects.js';
import { TimerSet } from './timer-set.js';
import {
  initialRetransmit,
  nextRetransmit,
  timerH,
  timerI,
  timerL,
  TRYING_DELAY,
  type SipTimers,
} from './timers.js';

export type ServerInviteState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';
export type ServerInviteEvent =
  | 'start'
  | 'request-retransmit'
  | 'ack'
  | 'tu-1xx'
  | 'tu-2xx'
  | 'tu-3xx-6xx'
  | 'timer-trying'
  | 'timer-G'
  | 'timer-H'
  | 'timer-I'
  | 'timer-2xx'
  | 'timer-L';

type Table = Readonly<Record<ServerInviteState, Readonly<Partial<Record<ServerInviteEvent, ServerInviteState>>>>>;

export const SERVER_INVITE_TRANSITIONS: Table = {
  proceeding: {
    start: 'proceeding',
    'request-retransmit': 'proceeding',
    ack: 'proceeding',
    'tu-1xx': 'proceeding',
    'tu-2xx': 'accepted',
    'tu-3xx-6xx': 'completed',
    'timer-trying': 'proceeding',
  },
  completed: { 'request-retransmit': 'completed', ack: 'confirmed', 'timer-G': 'completed', 'timer-H': 'terminated' },
  confirmed: { 'request-retransmit': 'confirmed', ack: 'confirmed', 'timer-I': 'terminated' },
  accepted: {
    'request-retransmit': 'accepted',
    ack: 'accepted',
    'tu-2xx': 'accepted',
    'timer-2xx': 'accepted',
    'timer-L': 'terminated',
  },
  terminated: {},
};

type TimerName = 'trying' | 'G' | 'H' | 'I' | '2xx' | 'L';

export interface ServerInviteOptions extends TxBaseOptions {
  id: string;
  request: SipRequest;
  /** Where the INVITE came from. */
  source: Endpoint;
  /** Where responses go (top Via sent-by / received / rport, or the connection for TCP). */
  responseDestination: Endpoint;
}

export class ServerInviteTransaction {
  readonly kind = 'server-invite' as const;
  readonly id: string;
  readonly request: SipRequest;
  readonly source: Endpoint;
  readonly responseDestination: Endpoint;
  readonly reliable: boolean;
  private readonly timerValues: SipTimers;
  private current: ServerInviteState = 'proceeding';
  private started = false;
  private readonly timers = new TimerSet<TimerName>();
  private provisional: SipResponse | undefined;
  private final: SipResponse | undefined;
  private interval: number;
  private ackSeen = false;

  constructor(o: ServerInviteOptions) {
    this.id = o.id;
    this.request = o.request;
    this.source = o.source;
    this.responseDestination = o.responseDestination;
    this.reliable = o.reliable;
    this.timerValues = o.timers;
    this.interval = initialRetransmit(o.timers);
  }

  get state(): ServerInviteState {
    return this.current;
  }

  get method(): string {
    return this.request.method;
  }

  /** The last response sent (final if any, else provisional). */
  get lastResponse(): SipResponse | undefined {
    return this.final ?? this.provisional;
  }

  /** True once an ACK for the 2xx arrived (Accepted state). */
  get acked(): boolean {
    return this.ackSeen;
  }

  nextDeadline(): number | undefined {
    return this.timers.next();
  }

  /** The INVITE arrived: arm the 100 Trying timer. */
  start(now: number): TxEffect[] {
    if (this.started) throw new IllegalTransitionError('server-invite', this.current, 'start');
    this.transition('start');
    this.started = true;
    this.timers.set('trying', now + TRYING_DELAY);
    return [];
  }

  /** The TU responds. Throws IllegalTransitionError if the response is not allowed in this state. */
  sendResponse(response: SipResponse, now: number): TxEffect[] {
    const event: ServerInviteEvent = response.status < 200 ? 'tu-1xx' : response.status < 300 ? 'tu-2xx' : 'tu-3xx-6xx';
    const from = this.transition(event);
    this.timers.clear('trying');
    if (event === 'tu-1xx') {
      this.provisional = response;
    } else if (event === 'tu-2xx') {
      this.final = response;
      if (from === 'proceeding') {
        this.interval = initialRetransmit(this.timerValues);
        this.timers.set('2xx', now + this.interval);
        this.timers.set('L', now + timerL(this.timerValues));
      }
    } else {
      this.final = response;
      this.interval = initialRetransmit(this.timerValues);
      if (!this.reliable) this.timers.set('G', now + this.interval);
      this.timers.set('H', now + timerH(this.timerValues));
    }
    return [{ type: 'transmit', message: response }];
  }

  /** The INVITE again (same transaction). */
  receiveRetransmission(_now: number): TxEffect[] {
    const from = this.transition('request-retransmit');
    if (from === 'proceeding' && this.provisional) return [{ type: 'transmit', message: this.provisional }];
    if (from === 'completed' && this.final) return [{ type: 'transmit', message: this.final }];
    return [];
  }

  /** An ACK matched this transaction (by branch for a non-2xx, by Call-ID/CSeq for a 2xx). */
  receiveAck(ack: SipRequest, now: number): TxEffect[] {
    const from = this.transition('ack');
    if (from === 'completed') {
      this.timers.clear('G', 'H');
      const i = timerI(this.timerValues, this.reliable);
      if (i === 0) return this.fire('I', now);
      this.timers.set('I', now + i);
      return [];
    }
    if (from === 'accepted') {
      this.ackSeen = true;
      this.timers.clear('2xx');
      return [{ type: 'ack', request: ack }];
    }
    return [];
  }

  handleTimeout(now: number): TxEffect[] {
    const out: TxEffect[] = [];
    for (let due = this.timers.takeDue(now); due; due = this.timers.takeDue(now)) out.push(...this.fire(due.name, now));
    return out;
  }

  private fire(name: TimerName, now: number): TxEffect[] {
    this.transition(`timer-${name}`);
    switch (name) {
      case 'trying': {
        const trying: SipResponse = createResponse(this.request, 100, 'Trying');
        this.provisional = trying;
        return [{ type: 'transmit', message: trying }];
      }
      case 'G':
      case '2xx':
        this.interval = nextRetransmit(this.interval, this.timerValues, true);
        this.timers.set(name, now + this.interval);
        return this.final ? [{ type: 'transmit', message: this.final }] : [];
      case 'H':
        this.timers.clearAll();
        return [{ type: 'timeout', timer: 'H' }, { type: 'terminated' }];
      case 'I':
        this.timers.clearAll();
        return [{ type: 'terminated' }];
      case 'L':
        this.timers.clearAll();
        return this.ackSeen ? [{ type: 'terminated' }] : [{ type: 'timeout', timer: 'L' }, { type: 'terminated' }];
    }
  }

  private transition(event: ServerInviteEvent): ServerInviteState {
    const next = SERVER_INVITE_TRANSITIONS[this.current][event];
    if (next === undefined) throw new IllegalTransitionError('server-invite', this.current, event);
    const from = this.current;
    this.current = next;
    return from;
  }
}
