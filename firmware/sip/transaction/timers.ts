/**
 * RFC 3261 §17 timer values (Table 4) and RFC 6026 Timers L and M, derived from T1/T2/T4.
 * All values are milliseconds. "Reliable" means a reliable transport (TCP, TLS): the timers
 * that only absorb retransmissions (D, I, J, K) are then zero and A/E/G are not used.
 */
import { LocalError } from '../../core/errors.js';

export interface SipTimers {
  /** RTT estimate: first retransmission interval. */
  T1: number;
  /** Cap on the retransmission interval of non-INVITE requests and INVITE responses. */
  T2: number;
  /** How long a message may stay in the network. */
  T4: number;
}

export const DEFAULT_TIMERS: Readonly<SipTimers> = Object.freeze({ T1: 500, T2: 4000, T4: 5000 });

/** How long an INVITE server transaction waits for the TU before sending 100 Trying itself (§17.2.1). */
export const TRYING_DELAY = 200;

/** Throws if the values would break the timers (a zero T1 would retransmit in a tight loop). */
export function validateTimers(t: SipTimers): SipTimers {
  const ok = (v: number) => typeof v === 'number' && Number.isFinite(v);
  if (!ok(t.T1) || !ok(t.T2) || !ok(t.T4) || t.T1 <= 0 || t.T2 < t.T1 || t.T4 < 0) {
    throw new LocalError('bad-timers', `invalid SIP timers T1=${t.T1} T2=${t.T2} T4=${t.T4}`, { context: { ...t } });
  }
  return t;
}

/** 64*T1: Timers B, F, H, J (unreliable), L and M. */
export function transactionTimeout(t: SipTimers): number {
  return 64 * t.T1;
}

/** Timer A (INVITE request retransmit) and E (non-INVITE) and G (INVITE final response): first interval. */
export function initialRetransmit(t: SipTimers): number {
  return t.T1;
}

/** Next interval after `interval`: doubled; capped at T2 when `capped` (E, G, 2xx) but not for A. */
export function nextRetransmit(interval: number, t: SipTimers, capped: boolean): number {
  const doubled = interval * 2;
  return capped ? Math.min(doubled, t.T2) : doubled;
}

export const timerB = transactionTimeout;
export const timerF = transactionTimeout;
export const timerH = transactionTimeout;
export const timerL = transactionTimeout;
export const timerM = transactionTimeout;

/** Timer D: wait for response retransmissions after a non-2xx to INVITE: >= 32 s unreliable, 0 reliable. */
export function timerD(t: SipTimers, reliable: boolean): number {
  return reliable ? 0 : Math.max(32_000, 64 * t.T1);
}

/** Timer I: wait for ACK retransmissions in Confirmed: T4 unreliable, 0 reliable. */
export function timerI(t: SipTimers, reliable: boolean): number {
  return reliable ? 0 : t.T4;
}

/** Timer J: wait for non-INVITE request retransmissions: 64*T1 unreliable, 0 reliable. */
export function timerJ(t: SipTimers, reliable: boolean): number {
  return reliable ? 0 : 64 * t.T1;
}

/** Timer K: wait for non-INVITE response retransmissions: T4 unreliable, 0 reliable. */
export function timerK(t: SipTimers, reliable: boolean): number {
  return reliable ? 0 : t.T4;
}
