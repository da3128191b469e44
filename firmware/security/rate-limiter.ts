/**
 * Outgoing-call rate limits over sliding windows, sans-IO (`now` in, monotonic ms). Each rule
 * counts the calls it admitted within its window (optionally only some number classes) and refuses
 * once `max` is reached; a refusal says when the oldest counted call leaves the window.
 * Emergency calls are never counted or limited (the call guard does not ask).
 */
import { LocalError } from '../core/errors.js';
import type { NumberClass } from './numbering/types.js';

export interface RateRule {
  id: string;
  windowMs: number;
  /** Calls admitted per window; 0 admits none. */
  max: number;
  /** Count (and limit) only these classes; all classes when absent. */
  classes?: readonly NumberClass[];
}

export interface RateLimitConfig {
  /** All non-emergency calls per rolling hour; null = no limit. Default 30. */
  maxCallsPerHour?: number | null;
  /** International and premium-rate calls per rolling 24 h; null = no limit. Default 10. */
  maxInternationalPerDay?: number | null;
  /** More rules, e.g. { id: 'burst', windowMs: 60000, max: 5 }. */
  rules?: RateRule[];
}

export const DEFAULT_RATE_LIMITS = Object.freeze({ maxCallsPerHour: 30, maxInternationalPerDay: 10 });
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type RateVerdict = { ok: true } | { ok: false; rule: RateRule; used: number; retryAt: number };

export function rateRulesFrom(config: RateLimitConfig = {}): RateRule[] {
  const rules: RateRule[] = [];
  const perHour = config.maxCallsPerHour === undefined ? DEFAULT_RATE_LIMITS.maxCallsPerHour : config.maxCallsPerHour;
  const perDay = config.maxInternationalPerDay === undefined ? DEFAULT_RATE_LIMITS.maxInternationalPerDay : config.maxInternationalPerDay;
  if (perHour !== null) rules.push({ id: 'calls-per-hour', windowMs: HOUR_MS, max: perHour });
  if (perDay !== null) rules.push({ id: 'international-per-day', windowMs: DAY_MS, max: perDay, classes: ['international', 'premium'] });
  rules.push(...(config.rules ?? []));
  for (const r of rules) {
    if (!Number.isInteger(r.max) || r.max < 0) throw new LocalError('bad-rate-limit', `rate rule ${r.id}: max must be a whole number ≥ 0`, { context: { rule: r.id } });
    if (!(r.windowMs > 0)) throw new LocalError('bad-rate-limit', `rate rule ${r.id}: windowMs must be > 0`, { context: { rule: r.id } });
  }
  return rules;
}

export class RateLimiter {
  readonly rules: readonly RateRule[];
  /** Admission times per rule, oldest first. */
  private readonly times: number[][];

  constructor(config: RateLimitConfig = {}) {
    this.rules = rateRulesFrom(config);
    this.times = this.rules.map(() => []);
  }

  /** Would a call of class `cls` be admitted at `now`? No side effect but forgetting expired entries. */
  check(cls: NumberClass, now: number): RateVerdict {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i] as RateRule;
      if (!applies(rule, cls)) continue;
      const t = this.prune(i, now);
      if (t.length >= rule.max) {
        const retryAt = rule.max === 0 ? Number.POSITIVE_INFINITY : (t[t.length - rule.max] as number) + rule.windowMs;
        return { ok: false, rule, used: t.length, retryAt };
      }
    }
    return { ok: true };
  }

  /** Count an admitted call. */
  record(cls: NumberClass, now: number): void {
    for (let i = 0; i < this.rules.length; i++) if (applies(this.rules[i] as RateRule, cls)) (this.times[i] as number[]).push(now);
  }

  /** check() and, if admitted, record(). */
  admit(cls: NumberClass, now: number): RateVerdict {
    const v = this.check(cls, now);
    if (v.ok) this.record(cls, now);
    return v;
  }

  usage(now: number): Array<{ id: string; used: number; max: number; windowMs: number }> {
    return this.rules.map((r, i) => ({ id: r.id, used: this.prune(i, now).length, max: r.max, windowMs: r.windowMs }));
  }

  private prune(i: number, now: number): number[] {
    const t = this.times[i] as number[];
    const windowMs = (this.rules[i] as RateRule).windowMs;
    let k = 0;
    while (k < t.length && (t[k] as number) <= now - windowMs) k++;
    if (k) t.splice(0, k);
    return t;
  }
}

function applies(rule: RateRule, cls: NumberClass): boolean {
  return !rule.classes || rule.classes.includes(cls);
}
