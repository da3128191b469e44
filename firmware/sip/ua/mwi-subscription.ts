/**
 * Message-waiting subscription (RFC 3842 over RFC 6665): SUBSCRIBE to our own AOR's
 * message-summary, answer a challenge once, refresh before expiry, retry later on failure.
 * NOTIFYs (in the subscription or unsolicited from the proxy) are handled by the UA core.
 */
import type { SipRequest, SipResponse } from '../message/types.js';
import { answerChallenge } from './auth-retry.js';
import { buildRequest } from './request-builder.js';
import type { UaContext } from './ua-context.js';

export class MwiSubscription {
  private readonly callId: string;
  private readonly tag: string;
  private cseq = 0;
  private nonce: string | undefined;
  active = false;

  constructor(
    private readonly ctx: UaContext,
    private readonly schedule: (at: number, fn: (now: number) => void) => void,
    private readonly contact: () => string,
    private readonly expiresS = 3600,
  ) {
    this.callId = `${ctx.random()}@tipring`;
    this.tag = ctx.random();
  }

  start(now: number): void {
    this.nonce = undefined;
    this.send(now);
  }

  private send(now: number, auth?: { name: string; value: string }): void {
    const a = this.ctx.account;
    const aor = `sip:${a.user}@${a.domain}`;
    const request = buildRequest({
      method: 'SUBSCRIBE',
      uri: aor,
      from: `<${aor}>;tag=${this.tag}`,
      to: `<${aor}>`,
      callId: this.callId,
      cseq: ++this.cseq,
      local: this.ctx.local,
      branch: `z9hG4bK${this.ctx.random()}`,
      contact: `<${this.contact()}>`,
      userAgent: this.ctx.userAgent,
      headers: [
        ['Event', 'message-summary'],
        ['Accept', 'application/simple-message-summary'],
        ['Expires', String(this.expiresS)],
        ...(auth ? ([[auth.name, auth.value]] as Array<[string, string]>) : []),
      ],
    });
    this.ctx.sendRequest(request, this.ctx.proxy, now, {
      onResponse: (r, t) => this.onResponse(request, r, t),
      onTimeout: (t) => this.fail(t, 408),
    });
  }

  private onResponse(request: SipRequest, r: SipResponse, now: number): void {
    if (r.status < 200) return;
    if (r.status < 300) {
      const granted = parseInt(r.headers.get('Expires') ?? '', 10);
      const s = Number.isFinite(granted) && granted > 0 ? granted : this.expiresS;
      this.active = true;
      this.ctx.emit({ type: 'mwi-subscription', state: 'active', status: r.status });
      this.schedule(now + Math.max(15, s * 0.8) * 1000, (t) => this.start(t));
      return;
    }
    if (r.status === 401 || r.status === 407) {
      const creds = { username: this.ctx.account.authUser, password: this.ctx.account.password };
      const auth = answerChallenge(request, r, creds, this.ctx.random(), this.nonce);
      if (auth) {
        this.nonce = auth.nonce;
        this.send(now, auth);
        return;
      }
    }
    this.fail(now, r.status);
  }

  private fail(now: number, status: number): void {
    this.active = false;
    this.ctx.emit({ type: 'mwi-subscription', state: 'failed', status });
    // providers without MWI answer 489/404/405: try again much later; unsolicited NOTIFYs still work
    this.schedule(now + (status === 489 || status === 405 || status === 404 ? 3600 : 300) * 1000, (t) => this.start(t));
  }
}
