/**
 * What the digits collected after dial tone mean: a local star code (star-codes.ts) first, then
 * the line's digit map (digit-map.ts). Pure: the line state machine calls `decideDigits` after
 * every key and when its inter-digit timer expires (`final`).
 */
import type { DigitMatcher } from './digit-map.js';
import { parseStarCode, rotaryToStar } from './star-codes.js';
import type { StarCodeAction, StarCodeTable } from './star-codes.js';

export interface DialPlan {
  map: DigitMatcher;
  starCodes: StarCodeTable;
  /** Rotary phones pulse this prefix for `*` (star-codes.ts ROTARY_STAR_PREFIX), if any. */
  rotaryPrefix?: string;
}

export type DialDecision =
  /** Keep collecting; run the short or long inter-digit timer. */
  | { kind: 'wait'; timer: 'short' | 'long' }
  /** Place a call to `number`. */
  | { kind: 'dial'; number: string }
  /** A star code that changes a setting or acts at once (`argument`: its number). */
  | { kind: 'feature'; action: StarCodeAction; argument?: string }
  /** A per-call star code (*67, *82, *70): apply it, and go on collecting `rest`. */
  | { kind: 'modifier'; action: StarCodeAction; rest: string }
  /** Reorder: a blocked number, nothing can match, or a star code dialled wrongly. */
  | { kind: 'reject'; reason: 'blocked' | 'no-match' | 'invalid-code'; detail?: string };

export function decideDigits(digits: string, plan: DialPlan, options: { final?: boolean; rotary?: boolean } = {}): DialDecision {
  const final = options.final === true;
  const keys = options.rotary ? rotaryToStar(digits, plan.rotaryPrefix) : digits;
  const sc = parseStarCode(keys, plan.starCodes, { final });
  if (sc) {
    switch (sc.kind) {
      case 'partial':
        if (final) return { kind: 'reject', reason: 'invalid-code', detail: keys };
        return { kind: 'wait', timer: sc.timeoutMs };
      case 'invalid':
        return { kind: 'reject', reason: 'invalid-code', detail: `${sc.code}:${sc.reason}` };
      case 'feature': {
        const entry = plan.starCodes.find((e) => e.code === sc.code);
        if (entry?.argument === 'dial') return { kind: 'modifier', action: sc.action, rest: sc.argument ?? '' };
        return { kind: 'feature', action: sc.action, ...(sc.argument !== undefined ? { argument: sc.argument } : {}) };
      }
    }
  }
  const r = plan.map.match(keys, { timedOut: final });
  switch (r.kind) {
    case 'complete':
      return { kind: 'dial', number: r.number };
    case 'partial':
      if (final) return { kind: 'reject', reason: 'no-match' };
      return { kind: 'wait', timer: r.timeoutMs };
    case 'blocked':
      return { kind: 'reject', reason: 'blocked', detail: r.pattern };
    case 'no-match':
      return { kind: 'reject', reason: 'no-match' };
  }
}
