/**
 * NAT keep-alive for one flow, sans-IO (RFC 5626 §4.4, RFC 6223 practice):
 *  - UDP, method 'crlf': a CRLFCRLF datagram every interval; nothing comes back, so no loss
 *    detection (use 'options' for that);
 *  - TCP/TLS, method 'crlf': an RFC 5626 §4.4.1 ping (CRLFCRLF) every interval, expecting the
 *    CRLF pong within 10 s, else `keepalive-lost`;
 *  - method 'options': asks its owner to send an OPTIONS on the flow (`send-options`); any
 *    response means the binding is alive, a timeout or transport error means `keepalive-lost`.
 * Each interval is drawn between 80 % and 100 % of the nominal one (RFC 5626 §4.4.1), from an
 * injected `random`. Inputs carry `now`; outputs are polled; `nextDeadline()` says when to run.
 */
import { IllegalTransitionError } from '../../core/errors.js';
import type { Endpoint } from '../message/types.js';

export type KeepAliveMethod = 'crlf' | 'options';
export type KeepAliveState = 'stopped' | 'idle' | 'awaiting-response';
type Event = 'start' | 'stop' | 'sent' | 'sent-no-reply' | 'answered' | 'lost';

const TRANSITIONS: Record<KeepAliveState, Partial<Record<Event, KeepAliveState>>> = {
  stopped: { start: 'idle', stop: 'stopped' },
  idle: { 'sent-no-reply': 'idle', sent: 'awaiting-response', stop: 'stopped', start: 'idle' },
  'awaiting-response': { answered: 'idle', lost: 'stopped', stop: 'stopped', start: 'idle' },
};

export type KeepAliveLossReason = 'no-pong' | 'options-timeout' | 'options-failed';

export type KeepAliveOutput =
  /** Write these octets on the flow (CRLFCRLF: a UDP keep-alive or an RFC 5626 ping). */
  | { type: 'send'; data: Buffer; flow: Endpoint }
  /** Send an OPTIONS request on the flow and report the outcome with `optionsAnswered`/`optionsFailed`. */
  | { type: 'send-options'; flow: Endpoint }
  /** The flow is dead: re-register (and, for TCP/TLS, reconnect). The core stops itself. */
  | { type: 'keepalive-lost'; flow: Endpoint; reason: KeepAliveLossReason };

export interface KeepAliveOptions {
  flow: Endpoint;
  /** Nominal interval. Default 25 s (`sip.keepalive_s`). */
  intervalMs?: number;
  /** Default 'crlf' (`sip.keepalive_method`). */
  method?: KeepAliveMethod;
  /** Expect a pong to a stream ping. Default true (RFC 5626 §4.4.1). */
  expectPong?: boolean;
  /** How long to wait for the pong (default 10 s, RFC 5626 §4.4.1) or the OPTIONS answer (default 35 s). */
  responseTimeoutMs?: number;
  /** Fraction taken off the interval at random (0.2: 80-100 %). Default 0.2; 0 for a fixed period. */
  jitter?: number;
  /** Uniform in [0, 1). Default Math.random. */
  random?: () => number;
}

export const KEEPALIVE_DEFAULTS = { intervalMs: 25_000, pongTimeoutMs: 10_000, optionsTimeoutMs: 35_000, jitter: 0.2 } as const;

const PING = Buffer.from('\r\n\r\n');

export class KeepAlive {
  private stateValue: KeepAliveState = 'stopped';
  private readonly out: KeepAliveOutput[] = [];
  private nextSendAt: number | undefined;
  private responseDeadline: number | undefined;
  private lastSentAt = 0;
  readonly flow: Endpoint;
  readonly method: KeepAliveMethod;
  private readonly intervalMs: number;
  private readonly responseTimeoutMs: number;
  private readonly expectReply: boolean;

  constructor(private readonly o: KeepAliveOptions) {
    this.flow = o.flow;
    this.method = o.method ?? 'crlf';
    this.intervalMs = o.intervalMs ?? KEEPALIVE_DEFAULTS.intervalMs;
    if (!(this.intervalMs > 0)) throw new RangeError('keep-alive interval must be positive');
    this.responseTimeoutMs = o.responseTimeoutMs ?? (this.method === 'options' ? KEEPALIVE_DEFAULTS.optionsTimeoutMs : KEEPALIVE_DEFAULTS.pongTimeoutMs);
    this.expectReply = this.method === 'options' || (o.flow.transport !== 'udp' && (o.expectPong ?? true));
  }

  get state(): KeepAliveState {
    return this.stateValue;
  }

  private transition(event: Event): void {
    const next = TRANSITIONS[this.stateValue][event];
    if (!next) throw new IllegalTransitionError('keepalive', this.stateValue, event);
    this.stateValue = next;
  }

  /** Start (or restart) the schedule: the first keep-alive goes one interval from now. */
  start(now: number): void {
    this.transition('start');
    this.responseDeadline = undefined;
    this.schedule(now);
  }

  stop(): void {
    this.transition('stop');
    this.nextSendAt = undefined;
    this.responseDeadline = undefined;
  }

  /** The CRLF pong arrived on the flow. */
  pong(now: number): void {
    if (this.stateValue !== 'awaiting-response' || this.method !== 'crlf') return;
    this.answered(now);
  }

  /** The OPTIONS got a final response (any status: the path works). */
  optionsAnswered(_status: number, now: number): void {
    if (this.stateValue !== 'awaiting-response' || this.method !== 'options') return;
    this.answered(now);
  }

  /** The OPTIONS transaction timed out or the transport failed. */
  optionsFailed(now: number, reason: 'timeout' | 'transport' = 'timeout'): void {
    if (this.stateValue !== 'awaiting-response' || this.method !== 'options') return;
    void now;
    this.lose(reason === 'timeout' ? 'options-timeout' : 'options-failed');
  }

  handleTimeout(now: number): void {
    if (this.stateValue === 'awaiting-response' && this.responseDeadline !== undefined && now >= this.responseDeadline) {
      this.lose(this.method === 'options' ? 'options-timeout' : 'no-pong');
      return;
    }
    if (this.stateValue === 'idle' && this.nextSendAt !== undefined && now >= this.nextSendAt) this.send(now);
  }

  nextDeadline(): number | undefined {
    if (this.stateValue === 'awaiting-response') return this.responseDeadline;
    if (this.stateValue === 'idle') return this.nextSendAt;
    return undefined;
  }

  poll(): KeepAliveOutput | undefined {
    return this.out.shift();
  }

  private send(now: number): void {
    this.lastSentAt = now;
    if (this.method === 'options') this.out.push({ type: 'send-options', flow: this.flow });
    else this.out.push({ type: 'send', data: Buffer.from(PING), flow: this.flow });
    if (this.expectReply) {
      this.transition('sent');
      this.nextSendAt = undefined;
      this.responseDeadline = now + this.responseTimeoutMs;
    } else {
      this.transition('sent-no-reply');
      this.schedule(now);
    }
  }

  private answered(now: number): void {
    this.transition('answered');
    this.responseDeadline = undefined;
    this.schedule(this.lastSentAt, now);
  }

  private lose(reason: KeepAliveLossReason): void {
    this.transition('lost');
    this.responseDeadline = undefined;
    this.nextSendAt = undefined;
    this.out.push({ type: 'keepalive-lost', flow: this.flow, reason });
  }

  /** Next keep-alive one (jittered) interval after `from`, never before `notBefore`. */
  private schedule(from: number, notBefore = from): void {
    const jitter = Math.min(0.5, Math.max(0, this.o.jitter ?? KEEPALIVE_DEFAULTS.jitter));
    const r = (this.o.random ?? Math.random)();
    const interval = this.intervalMs * (1 - jitter * r);
    this.nextSendAt = Math.max(notBefore, from + interval);
  }
}
