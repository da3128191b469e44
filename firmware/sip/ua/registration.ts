/**
 * Registration of one account (RFC 3261 §10): REGISTER with digest auth, refresh before expiry,
 * retry with jittered exponential backoff (RFC 5626 §4.5 style), unregister on stop.
 * One state machine; time comes in as `now`.
 */
import { IllegalTransitionError } from '../../core/errors.js';
import { parseNameAddr } from '../message/name-addr.js';
import { formatUri, parseUri } from '../message/uri.js';
import type { SipRequest, SipResponse } from '../message/types.js';
import { answerChallenge } from './auth-retry.js';
import { buildRequest, hostPort } from './request-builder.js';
import type { UaContext } from './ua-context.js';
import type { RegistrationState } from './ua-events.js';

type Event = 'start' | 'ok' | 'fail' | 'retry' | 'refresh' | 'stop' | 'unregistered';

const TRANSITIONS: Record<RegistrationState, Partial<Record<Event, RegistrationState>>> = {
  unregistered: { start: 'registering', stop: 'unregistered' },
  registering: { ok: 'registered', fail: 'retry-wait', stop: 'unregistering', refresh: 'registering' },
  registered: { refresh: 'registering', stop: 'unregistering', fail: 'retry-wait' },
  'retry-wait': { retry: 'registering', stop: 'unregistered' },
  unregistering: { unregistered: 'unregistered', stop: 'unregistering' },
};

export interface BackoffPolicy {
  baseS: number; // first retry wait
  maxS: number; // cap
  forbiddenS: number; // after 403
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseS: 30, maxS: 1800, forbiddenS: 1200 };

export class Registration {
  private stateValue: RegistrationState = 'unregistered';
  private readonly callId: string;
  private readonly fromTag: string;
  private cseq = 0;
  private deadline: number | undefined;
  private failures = 0;
  private lastNonce: string | undefined;
  private expiresS: number;
  private grantedS = 0;
  private onStopped: (() => void) | undefined;

  constructor(
    private readonly ctx: UaContext,
    private readonly backoff: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly foreign: { alert: boolean; remove: boolean } = { alert: true, remove: false },
  ) {
    this.callId = `${ctx.random()}@tipring`;
    this.fromTag = ctx.random();
    this.expiresS = ctx.account.expires;
  }

  get state(): RegistrationState {
    return this.stateValue;
  }

  /** Seconds the registrar granted in the last 200 OK (0 when not registered). */
  get granted(): number {
    return this.stateValue === 'registered' ? this.grantedS : 0;
  }

  private transition(event: Event): void {
    const next = TRANSITIONS[this.stateValue][event];
    if (!next) throw new IllegalTransitionError('registration', this.stateValue, event);
    if (next !== this.stateValue) this.ctx.log.debug('registration state', { from: this.stateValue, to: next, event });
    this.stateValue = next;
  }

  start(now: number): void {
    this.transition('start');
    this.lastNonce = undefined;
    this.send(now, this.expiresS);
  }

  /** Unregister (expires=0); `done` runs when the registrar answered or gave up. */
  stop(now: number, done?: () => void): void {
    const wasActive = this.stateValue === 'registered' || this.stateValue === 'registering';
    this.transition('stop');
    this.deadline = undefined;
    if (this.stateValue === 'unregistering' && wasActive) {
      this.onStopped = done;
      this.lastNonce = undefined;
      this.send(now, 0);
    } else done?.();
  }

  nextDeadline(): number | undefined {
    return this.deadline;
  }

  handleTimeout(now: number): void {
    if (this.deadline === undefined || now < this.deadline) return;
    this.deadline = undefined;
    if (this.stateValue === 'registered') {
      this.transition('refresh');
      this.lastNonce = undefined;
      this.send(now, this.expiresS);
    } else if (this.stateValue === 'retry-wait') {
      this.transition('retry');
      this.lastNonce = undefined;
      this.send(now, this.expiresS);
    }
  }

  private aor(): string {
    return `sip:${this.ctx.account.user}@${this.ctx.account.domain}`;
  }

  contactUri(): string {
    const l = this.ctx.local;
    return `sip:${this.ctx.account.user}@${hostPort(l.address, l.port)}${l.transport === 'udp' ? '' : `;transport=${l.transport}`}`;
  }

  private send(now: number, expires: number, auth?: { name: string; value: string }): void {
    const a = this.ctx.account;
    const display = a.displayName ? `"${a.displayName.replace(/"/g, '')}" ` : '';
    const request = buildRequest({
      method: 'REGISTER',
      uri: `sip:${a.domain}`,
      from: `${display}<${this.aor()}>;tag=${this.fromTag}`,
      to: `${display}<${this.aor()}>`,
      callId: this.callId,
      cseq: ++this.cseq,
      local: this.ctx.local,
      branch: `z9hG4bK${this.ctx.random()}`,
      contact: `<${this.contactUri()}>`,
      userAgent: this.ctx.userAgent,
      headers: [['Expires', String(expires)], ['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS'], ...(auth ? ([[auth.name, auth.value]] as Array<[string, string]>) : [])],
    });
    this.ctx.sendRequest(request, this.ctx.proxy, now, {
      onResponse: (r, t) => this.onResponse(request, r, t, expires),
      onTimeout: (t) => this.onFailure(t, 'registrar did not answer (timeout)'),
    });
  }

  private onResponse(request: SipRequest, response: SipResponse, now: number, expires: number): void {
    if (response.status < 200) return;
    if (this.stateValue === 'unregistering') {
      if ((response.status === 401 || response.status === 407) && this.retryWithAuth(request, response, now, 0)) return;
      this.finishStop();
      return;
    }
    if (this.stateValue !== 'registering') return;
    if (response.status >= 200 && response.status < 300) {
      this.failures = 0;
      this.grantedS = this.grantedExpiry(response) ?? expires;
      const refreshIn = this.grantedS > 120 ? this.grantedS - Math.max(30, this.grantedS * 0.1) : this.grantedS / 2;
      this.deadline = now + refreshIn * 1000;
      this.transition('ok');
      this.ctx.emit({ type: 'registration', state: 'registered', expiresS: this.grantedS });
      this.checkForeignBindings(response, now);
      return;
    }
    if ((response.status === 401 || response.status === 407) && this.retryWithAuth(request, response, now, expires)) return;
    if (response.status === 423) {
      const min = parseInt(response.headers.get('Min-Expires') ?? '', 10);
      if (Number.isFinite(min) && min > this.expiresS && min <= 86400) {
        this.expiresS = min;
        this.lastNonce = undefined;
        this.send(now, this.expiresS);
        return;
      }
    }
    const reason = `${response.status} ${response.reason}`;
    const retryAfter = parseInt(response.headers.get('Retry-After') ?? '', 10);
    this.onFailure(now, reason, response.status === 403 ? this.backoff.forbiddenS : Number.isFinite(retryAfter) ? retryAfter : undefined);
  }

  private retryWithAuth(request: SipRequest, response: SipResponse, now: number, expires: number): boolean {
    const creds = { username: this.ctx.account.authUser, password: this.ctx.account.password };
    const auth = answerChallenge(request, response, creds, this.ctx.random(), this.lastNonce);
    if (!auth) return false;
    this.lastNonce = auth.nonce;
    this.send(now, expires, auth);
    return true;
  }

  /**
   * RFC 3261 §10.3: the 200 OK lists every binding of the AOR. One we did not make means
   * someone else registered with our credentials.
   */
  private checkForeignBindings(response: SipResponse, now: number): void {
    if (!this.foreign.alert && !this.foreign.remove) return;
    const mine = parseUri(this.contactUri());
    const foreign: Array<{ contact: string; expiresS?: number }> = [];
    for (const c of response.headers.getAll('Contact')) {
      try {
        const na = parseNameAddr(c);
        const same = na.uri.user === mine.user && na.uri.host === mine.host && (na.uri.port ?? 5060) === (mine.port ?? 5060);
        if (same) continue;
        const e = parseInt(na.params.get('expires') ?? '', 10);
        foreign.push({ contact: formatUri(na.uri), ...(Number.isFinite(e) ? { expiresS: e } : {}) });
      } catch {
        foreign.push({ contact: c.trim() });
      }
    }
    if (!foreign.length) return;
    this.ctx.emit({ type: 'foreign-bindings', contacts: foreign, removing: this.foreign.remove });
    if (this.foreign.remove) for (const f of foreign) this.removeBinding(f.contact, now);
  }

  /** Unregister one foreign contact (expires=0), answering a challenge once. */
  private removeBinding(contact: string, now: number, auth?: { name: string; value: string }, nonce?: string): void {
    const a = this.ctx.account;
    const request = buildRequest({
      method: 'REGISTER',
      uri: `sip:${a.domain}`,
      from: `<${this.aor()}>;tag=${this.fromTag}`,
      to: `<${this.aor()}>`,
      callId: this.callId,
      cseq: ++this.cseq,
      local: this.ctx.local,
      branch: `z9hG4bK${this.ctx.random()}`,
      contact: `<${contact}>;expires=0`,
      userAgent: this.ctx.userAgent,
      headers: auth ? [[auth.name, auth.value]] : [],
    });
    this.ctx.sendRequest(request, this.ctx.proxy, now, {
      onResponse: (r, t) => {
        if ((r.status === 401 || r.status === 407) && !auth) {
          const answer = answerChallenge(request, r, { username: a.authUser, password: a.password }, this.ctx.random(), nonce);
          if (answer) this.removeBinding(contact, t, answer, answer.nonce);
        } else if (r.status >= 200) this.ctx.log.warn('foreign binding removal answered', { contact, status: r.status });
      },
      onTimeout: () => this.ctx.log.warn('foreign binding removal timed out', { contact }),
    });
  }

  private grantedExpiry(response: SipResponse): number | undefined {
    const mine = parseUri(this.contactUri());
    for (const c of response.headers.getAll('Contact')) {
      try {
        const na = parseNameAddr(c);
        if (na.uri.user === mine.user && na.uri.host === mine.host && (na.uri.port ?? 5060) === (mine.port ?? 5060)) {
          const e = parseInt(na.params.get('expires') ?? '', 10);
          if (Number.isFinite(e)) return e;
        }
      } catch {
        // a malformed foreign binding does not stop us reading ours
      }
    }
    const e = parseInt(response.headers.get('Expires') ?? '', 10);
    return Number.isFinite(e) ? e : undefined;
  }

  private onFailure(now: number, reason: string, waitS?: number): void {
    if (this.stateValue === 'unregistering') {
      this.finishStop();
      return;
    }
    if (this.stateValue !== 'registering' && this.stateValue !== 'registered') return;
    this.failures++;
    const exp = Math.min(this.backoff.maxS, this.backoff.baseS * 2 ** (this.failures - 1));
    const jittered = exp * (0.5 + 0.5 * (parseInt(this.ctx.random().slice(0, 4), 16) / 0xffff));
    const wait = waitS ?? jittered;
    this.deadline = now + wait * 1000;
    this.transition('fail');
    this.ctx.log.warn('registration failed', { reason, retryInS: Math.round(wait) });
    this.ctx.emit({ type: 'registration', state: 'retry-wait', reason, retryInS: Math.round(wait) });
  }

  private finishStop(): void {
    this.transition('unregistered');
    this.ctx.emit({ type: 'registration', state: 'unregistered' });
    const done = this.onStopped;
    this.onStopped = undefined;
    done?.();
  }
}
