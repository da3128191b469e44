/**
 * Session timers (RFC 4028): keep a call alive with periodic refreshes, and end a call whose far
 * end vanished without a BYE. Negotiation helpers are pure; timing runs on the UA's scheduler.
 */
import type { SipRequest, SipResponse } from '../message/types.js';

export const MIN_SE = 90;
export const DEFAULT_SE = 1800;

export interface SessionTimerTerms {
  intervalS: number;
  refresher: 'uac' | 'uas';
}

function parseSe(value: string | undefined): { s: number; refresher?: 'uac' | 'uas' } | undefined {
  if (!value) return undefined;
  const [num, ...params] = value.split(';');
  const s = parseInt(num!.trim(), 10);
  if (!Number.isFinite(s)) return undefined;
  const r = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('refresher='))?.slice('refresher='.length);
  return { s, ...(r === 'uac' || r === 'uas' ? { refresher: r } : {}) };
}

const supportsTimer = (m: SipRequest | SipResponse) =>
  [...m.headers.getAll('Supported'), ...m.headers.getAll('Require')].some((t) => t.trim().toLowerCase() === 'timer');

/**
 * UAS: what to do with an incoming (re-)INVITE's Session-Expires. Either a 422 (too small), or the
 * terms to put in our 2xx (undefined: no session timer on this call).
 */
export function uasTerms(invite: SipRequest): { reject422: true; minSe: number } | { reject422: false; terms?: SessionTimerTerms } {
  const se = parseSe(invite.headers.get('Session-Expires'));
  if (!se) return { reject422: false };
  if (se.s < MIN_SE) return { reject422: true, minSe: MIN_SE };
  // the caller asks; if it supports timers and did not choose, let it refresh (it asked first)
  const refresher = se.refresher ?? (supportsTimer(invite) ? 'uac' : 'uas');
  return { reject422: false, terms: { intervalS: se.s, refresher } };
}

/** Headers for our 2xx given the terms. */
export function termsHeaders(terms: SessionTimerTerms, peerSupports: boolean): Array<[string, string]> {
  const h: Array<[string, string]> = [['Session-Expires', `${terms.intervalS};refresher=${terms.refresher}`]];
  if (peerSupports) h.push(['Require', 'timer']);
  return h;
}

/** UAC: the terms the 2xx gave us (undefined: no session timer). */
export function uacTerms(response: SipResponse): SessionTimerTerms | undefined {
  const se = parseSe(response.headers.get('Session-Expires'));
  if (!se || se.s <= 0) return undefined;
  return { intervalS: se.s, refresher: se.refresher ?? 'uac' };
}

export { supportsTimer };
