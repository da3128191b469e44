/**
 * The one gate every outgoing call passes: `checkOutgoingCall({ number, path, now })`. It applies
 * the dial policy, then the rate limits, and raises an alert for every refusal. Emergency numbers
 * pass untouched and are not counted. Sans-IO: `now` is passed in; alerts go to an injected sink.
 */
import type { CountryProfile } from '../line/profiles/types.js';
import { makeAlert } from './alert.js';
import type { Alert, AlertSeverity, AlertSink } from './alert.js';
import { DialPolicy } from './dial-policy.js';
import type { CallPath, DialPolicyConfig, PolicyRefusalCode } from './dial-policy.js';
import type { NumberClass, NumberingPlan } from './numbering/types.js';
import { RateLimiter } from './rate-limiter.js';
import type { RateLimitConfig } from './rate-limiter.js';

export interface OutgoingCall {
  number: string;
  path: CallPath;
  now: number;
}

export type CallRefusalCode = PolicyRefusalCode | 'rate-limit';

export type CallCheck =
  | { allow: true; class: NumberClass; number: string; note: string }
  | { allow: false; class: NumberClass; number: string; reason: string; code: CallRefusalCode; alert: Alert; retryAt?: number };

export interface CallGuardDeps {
  profile: CountryProfile;
  policy?: DialPolicyConfig;
  limits?: RateLimitConfig;
  alerts: AlertSink;
  /** Added to every alert, e.g. { line: 1 }. */
  context?: Record<string, string | number>;
  /** Override the country's numbering plan (tests, or a custom plan). */
  plan?: NumberingPlan;
  /** Share one limiter between lines for device-wide limits (then `limits` is ignored). */
  limiter?: RateLimiter;
}

/** Paths a remote party or a stored setting can start: a refusal there is more suspicious. */
const INDIRECT: ReadonlySet<CallPath> = new Set(['forward', 'transfer', 'refer']);

export class CallGuard {
  readonly policy: DialPolicy;
  readonly limiter: RateLimiter;

  constructor(private readonly deps: CallGuardDeps) {
    this.policy = new DialPolicy(deps.profile, deps.policy, deps.plan);
    this.limiter = deps.limiter ?? new RateLimiter(deps.limits);
  }

  checkOutgoingCall(call: OutgoingCall): CallCheck {
    const decision = this.policy.evaluate(call.number, call.path);
    const c = decision.classification;
    if (!decision.allow) {
      const severity: AlertSeverity = decision.code === 'invalid-number' ? 'notice' : INDIRECT.has(call.path) ? 'critical' : 'warning';
      return this.refuse(call, c.class, c.number, decision.code, decision.reason, severity, {});
    }
    if (decision.via === 'emergency') return { allow: true, class: c.class, number: c.number, note: c.note };
    const verdict = this.limiter.admit(c.class, call.now);
    if (!verdict.ok) {
      const { rule, used, retryAt } = verdict;
      const reason = `${rule.id}: ${used} of ${rule.max} calls in ${Math.round(rule.windowMs / 60_000)} min`;
      const extra = { rule: rule.id, used, max: rule.max, ...(Number.isFinite(retryAt) ? { retryInS: Math.ceil((retryAt - call.now) / 1000) } : {}) };
      return { ...this.refuse(call, c.class, c.number, 'rate-limit', reason, 'critical', extra), ...(Number.isFinite(retryAt) ? { retryAt } : {}) };
    }
    return { allow: true, class: c.class, number: c.number, note: c.note };
  }

  private refuse(
    call: OutgoingCall,
    cls: NumberClass,
    number: string,
    code: CallRefusalCode,
    reason: string,
    severity: AlertSeverity,
    extra: Record<string, unknown>,
  ): Extract<CallCheck, { allow: false }> {
    const alertCode = code === 'rate-limit' ? 'rate-limit' : 'toll-fraud-blocked';
    const alert = makeAlert(
      alertCode,
      severity,
      `outgoing call to ${number} refused (${reason})`,
      { ...this.deps.context, number, class: cls, path: call.path, reason: code, ...extra },
      call.now,
    );
    this.deps.alerts.emit(alert);
    return { allow: false, class: cls, number, reason, code, alert };
  }
}
