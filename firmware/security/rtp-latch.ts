/**
 * Symmetric-RTP latching policy (sans-IO), as a state machine:
 *   early ──answer──▶ open ──first accepted packet──▶ latched
 *                      └──latch window expires──▶ fixed
 *   (disabled: fixed from the start) — reset() goes back to early (or fixed) for a new remote.
 * Before the answer, and when fixed, only the signalled address is accepted. After the answer the
 * first source wins, once; every other source is foreign from then on. Feed it only packets that
 * passed validation (well-formed RTP of the negotiated payload type, and SRTP-authenticated when
 * SRTP is on), so a spoofed packet cannot win the latch.
 */
import { IllegalTransitionError } from '../core/errors.js';

export type LatchState = 'early' | 'open' | 'latched' | 'fixed';
type LatchEvent = 'answer' | 'latch' | 'expire' | 'reset' | 'reset-fixed';

const TABLE: Record<LatchState, Partial<Record<LatchEvent, LatchState>>> = {
  early: { answer: 'open', reset: 'early', 'reset-fixed': 'fixed' },
  open: { latch: 'latched', expire: 'fixed', reset: 'early', 'reset-fixed': 'fixed' },
  latched: { reset: 'early', 'reset-fixed': 'fixed' },
  fixed: { answer: 'fixed', reset: 'early', 'reset-fixed': 'fixed' },
};

export interface Endpoint {
  address: string;
  port: number;
}

export interface LatchOptions {
  /** Latch at all (symmetric RTP). Default true. */
  enabled?: boolean;
  /** How long after the answer a first packet may still latch. Default 3000 ms. */
  windowMs?: number;
  /** Only latch to a source on the signalled IP address (any port). Default false (NAT-friendly). */
  sameAddressOnly?: boolean;
}

export class RtpLatch {
  private current: LatchState;
  private signalled: Endpoint;
  private latched: Endpoint | undefined;
  private answeredAt: number | undefined;
  private readonly enabled: boolean;
  private readonly windowMs: number;
  private readonly sameAddressOnly: boolean;

  constructor(remote: Endpoint, o: LatchOptions = {}) {
    this.enabled = o.enabled ?? true;
    this.windowMs = o.windowMs ?? 3000;
    this.sameAddressOnly = o.sameAddressOnly ?? false;
    this.signalled = { ...remote };
    this.current = this.enabled ? 'early' : 'fixed';
  }

  get state(): LatchState {
    return this.current;
  }

  /** The call was answered (200 OK sent or received). */
  answered(now: number): void {
    if (this.current === 'latched' || this.current === 'open') return;
    this.transition('answer');
    this.answeredAt = now;
  }

  /** A new remote from SDP (re-INVITE): latching starts over. */
  reset(remote: Endpoint): void {
    this.transition(this.enabled ? 'reset' : 'reset-fixed');
    this.signalled = { ...remote };
    this.latched = undefined;
    this.answeredAt = undefined;
  }

  /**
   * Could a packet from `from` be accepted? No side effect (but the latch window's expiry): use it
   * to drop foreign packets before spending work (SRTP authentication) on them.
   */
  isCandidate(from: Endpoint, now: number): boolean {
    this.handleTimeout(now);
    switch (this.current) {
      case 'early':
      case 'fixed':
        return same(from, this.signalled);
      case 'open':
        return !this.sameAddressOnly || from.address === this.signalled.address;
      case 'latched':
        return same(from, this.latched as Endpoint);
    }
  }

  /** Should a validated packet from `from` be accepted? May latch. */
  accept(from: Endpoint, now: number): boolean {
    this.handleTimeout(now);
    switch (this.current) {
      case 'early':
      case 'fixed':
        return same(from, this.signalled);
      case 'open':
        if (this.sameAddressOnly && from.address !== this.signalled.address) return false;
        this.transition('latch');
        this.latched = { ...from };
        return true;
      case 'latched':
        return same(from, this.latched as Endpoint);
    }
  }

  /** Where to send our RTP: the latched source, else the signalled address. */
  target(): Endpoint {
    return { ...(this.latched ?? this.signalled) };
  }

  nextDeadline(): number | undefined {
    return this.current === 'open' && this.answeredAt !== undefined ? this.answeredAt + this.windowMs : undefined;
  }

  handleTimeout(now: number): void {
    const due = this.nextDeadline();
    if (due !== undefined && now >= due) this.transition('expire');
  }

  private transition(event: LatchEvent): void {
    const next = TABLE[this.current][event];
    if (!next) throw new IllegalTransitionError('RtpLatch', this.current, event);
    this.current = next;
  }
}

function same(a: Endpoint, b: Endpoint): boolean {
  return a.address === b.address && a.port === b.port;
}
