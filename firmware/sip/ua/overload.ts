/**
 * Overload from the provider (issue: disasters ration calls): 503 + Retry-After (RFC 3261 §21.5.4)
 * and RFC 7339 overload control (`oc` in the top Via of responses). Non-emergency calls are spaced
 * or refused locally; emergency calls are never throttled. Sans-IO: `now` in, decisions out.
 */
import { parseVia } from '../message/via.js';
import type { SipResponse } from '../message/types.js';

export interface OverloadState {
  /** No new non-emergency call before this time (503 Retry-After). */
  blockedUntil: number;
  /** RFC 7339 loss-based: refuse this percentage of new calls until `ocUntil`. */
  ocPercent: number;
  ocUntil: number;
}

export class OverloadControl {
  private s: OverloadState = { blockedUntil: 0, ocPercent: 0, ocUntil: 0 };

  constructor(private readonly random: () => number = Math.random) {}

  get state(): Readonly<OverloadState> {
    return this.s;
  }

  /** Learn from any response of the proxy. */
  observe(r: SipResponse, now: number): void {
    if (r.status === 503) {
      const ra = parseInt(r.headers.get('Retry-After') ?? '', 10);
      if (Number.isFinite(ra) && ra > 0) this.s.blockedUntil = Math.max(this.s.blockedUntil, now + Math.min(ra, 3600) * 1000);
    }
    const top = r.headers.get('Via');
    if (!top) return;
    try {
      const via = parseVia(top);
      const oc = via.params.get('oc');
      if (oc === undefined || oc === null) return;
      const pct = Math.max(0, Math.min(100, Number(oc)));
      const validity = Number(via.params.get('oc-validity') ?? 500);
      if (!Number.isFinite(pct)) return;
      this.s.ocPercent = pct;
      this.s.ocUntil = pct > 0 ? now + (Number.isFinite(validity) ? validity : 500) : 0;
    } catch {
      // a malformed Via is the parser's business, not a reason to throttle
    }
  }

  /** May a new call start now? Emergency calls always may. */
  admit(emergency: boolean, now: number): { ok: true } | { ok: false; reason: string; retryInMs: number } {
    if (emergency) return { ok: true };
    if (now < this.s.blockedUntil) {
      return { ok: false, reason: 'provider overloaded (503 Retry-After)', retryInMs: this.s.blockedUntil - now };
    }
    if (now < this.s.ocUntil && this.random() * 100 < this.s.ocPercent) {
      return { ok: false, reason: `provider overload control: ${this.s.ocPercent}% of calls shed`, retryInMs: this.s.ocUntil - now };
    }
    return { ok: true };
  }
}
