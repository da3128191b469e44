/**
 * The ordered server targets for one destination, sans-IO (RFC 3263 §4.3): `current()` is the
 * target to use; `failed()` (timeout, 503, connection failure) moves on to the next one;
 * `succeeded()` remembers the one that works so that it is kept across re-resolution; the list
 * asks to be resolved again (`needsResolution(now)`) when its TTL ends or every target failed.
 * The driver does the DNS work (`locateSipServer`) and reports back with `resolved()` or
 * `resolutionFailed()`; time comes in as `now`.
 */
import { IllegalTransitionError } from '../../core/errors.js';
import { silentLogger } from '../../core/log.js';
import type { Logger } from '../../core/log.js';
import type { Located, SipTarget } from './server-locator.js';

export type TargetListState = 'unresolved' | 'resolving' | 'ready' | 'exhausted';
type Event = 'resolve' | 'resolved' | 'resolved-empty' | 'resolve-failed-stale' | 'resolve-failed' | 'all-failed';

const TRANSITIONS: Record<TargetListState, Partial<Record<Event, TargetListState>>> = {
  unresolved: { resolve: 'resolving' },
  resolving: { resolved: 'ready', 'resolved-empty': 'exhausted', 'resolve-failed-stale': 'ready', 'resolve-failed': 'exhausted' },
  ready: { resolve: 'resolving', 'all-failed': 'exhausted' },
  exhausted: { resolve: 'resolving' },
};

/** Why a target is given up (RFC 3263 §4.3: transport failure, timeout, 503). */
export type TargetFailure = 'timeout' | 'unavailable' | 'connect-failed' | 'transport-error';

export interface TargetListOptions {
  /** After a failed resolution with nothing known, wait this long before resolving again. Default 30 s. */
  retryMs?: number;
  /** After a failed re-resolution, keep using the old targets for this long. Default 60 s. */
  staleMs?: number;
  /** Keep the target that worked across re-resolution (when still listed). Default true. */
  sticky?: boolean;
  log?: Logger;
}

export function targetKey(t: Pick<SipTarget, 'transport' | 'address' | 'port'>): string {
  return `${t.transport}|${t.address.toLowerCase()}|${t.port}`;
}

export class TargetList {
  private stateValue: TargetListState = 'unresolved';
  private targets: SipTarget[] = [];
  private index = 0;
  private working: string | undefined;
  private expiresAt: number | undefined;
  private retryAt: number | undefined;
  /** Targets that answered 503 with Retry-After: key → until when they are tried last. */
  private readonly blocked = new Map<string, number>();
  private readonly log: Logger;

  constructor(private readonly options: TargetListOptions = {}) {
    this.log = options.log ?? silentLogger;
  }

  get state(): TargetListState {
    return this.stateValue;
  }

  /** All targets of the current round, in order. */
  list(): readonly SipTarget[] {
    return this.targets;
  }

  private transition(event: Event): void {
    const next = TRANSITIONS[this.stateValue][event];
    if (!next) throw new IllegalTransitionError('target-list', this.stateValue, event);
    if (next !== this.stateValue) this.log.debug('target list state', { from: this.stateValue, to: next, event });
    this.stateValue = next;
  }

  /** True when the driver should run a resolution now. */
  needsResolution(now: number): boolean {
    switch (this.stateValue) {
      case 'unresolved':
        return true;
      case 'resolving':
        return false;
      case 'ready':
        return this.expiresAt !== undefined && now >= this.expiresAt;
      case 'exhausted':
        return this.retryAt === undefined || now >= this.retryAt;
    }
  }

  beginResolution(_now: number): void {
    this.transition('resolve');
  }

  resolved(located: Located, now: number): void {
    if (located.targets.length === 0) {
      this.transition('resolved-empty');
      this.targets = [];
      this.retryAt = now + (this.options.retryMs ?? 30_000);
      return;
    }
    this.transition('resolved');
    for (const [k, until] of this.blocked) if (until <= now) this.blocked.delete(k);
    const open = located.targets.filter((t) => !this.blocked.has(targetKey(t)));
    const held = located.targets.filter((t) => this.blocked.has(targetKey(t)));
    this.targets = [...open, ...held];
    this.expiresAt = located.ttlS === Infinity ? undefined : now + located.ttlS * 1000;
    this.retryAt = undefined;
    const sticky = this.options.sticky ?? true;
    const keep = sticky && this.working !== undefined ? this.targets.findIndex((t) => targetKey(t) === this.working) : -1;
    this.index = keep >= 0 ? keep : 0;
    if (keep < 0) this.working = undefined;
    this.log.debug('targets resolved', { targets: this.targets.map(describe), ttlS: located.ttlS, current: describe(this.targets[this.index]!) });
  }

  resolutionFailed(error: Error, now: number): void {
    if (this.targets.length > 0) {
      this.transition('resolve-failed-stale');
      this.index = Math.min(this.index, this.targets.length - 1);
      this.expiresAt = now + (this.options.staleMs ?? 60_000);
      this.log.warn('server location failed; keeping the previous targets', { error: error.message });
      return;
    }
    this.transition('resolve-failed');
    this.retryAt = now + (this.options.retryMs ?? 30_000);
    this.log.warn('server location failed', { error: error.message, retryInMs: this.options.retryMs ?? 30_000 });
  }

  /** The target to use now, or undefined when there is none (resolve first). */
  current(): SipTarget | undefined {
    return this.stateValue === 'ready' ? this.targets[this.index] : undefined;
  }

  /** Remember the target that answered, so it stays first while it keeps working. */
  succeeded(target: SipTarget, _now: number): void {
    this.working = targetKey(target);
  }

  /**
   * Give up `target` and move on (RFC 3263 §4.3). Returns the next target, or undefined when every
   * target failed (then `needsResolution()` is true). A failure of a target other than the
   * current one (a late report) changes nothing. `retryAfterS` (from a 503) keeps the target last
   * in the next rounds until it passes.
   */
  failed(target: SipTarget, reason: TargetFailure, now: number, retryAfterS?: number): SipTarget | undefined {
    const key = targetKey(target);
    if (retryAfterS !== undefined && retryAfterS > 0) this.blocked.set(key, now + retryAfterS * 1000);
    if (this.working === key) this.working = undefined;
    const cur = this.current();
    if (!cur || targetKey(cur) !== key) return cur;
    this.log.info('SIP server target failed; trying the next', { target: describe(cur), reason });
    if (this.index + 1 < this.targets.length) {
      this.index++;
      return this.targets[this.index];
    }
    this.transition('all-failed');
    this.retryAt = now;
    this.log.warn('every SIP server target failed', { targets: this.targets.length });
    return undefined;
  }

  /** When the TTL ends (ready) or a retry is due (exhausted). */
  nextDeadline(): number | undefined {
    if (this.stateValue === 'ready') return this.expiresAt;
    if (this.stateValue === 'exhausted') return this.retryAt;
    return undefined;
  }

  /** Nothing happens by itself at the deadline: the driver then sees `needsResolution(now)`. */
  handleTimeout(_now: number): void {}
}

function describe(t: SipTarget): string {
  const host = t.address.includes(':') ? `[${t.address}]` : t.address;
  return `${t.transport}:${host}:${t.port}`;
}
