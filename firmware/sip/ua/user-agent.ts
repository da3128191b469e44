/**
 * The SIP user agent core for one account, sans-IO: datagrams and commands in (with `now`),
 * datagrams and events out (`poll()`), and `nextDeadline()` for the driver.
 */
import { randomBytes } from 'node:crypto';
import { LocalError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { parseMessage } from '../message/parse.js';
import { isSipParseError } from '../message/errors.js';
import { createResponse } from '../message/response.js';
import { serializeMessage } from '../message/serialize.js';
import type { Endpoint, SipMessage, SipRequest, SipResponse } from '../message/types.js';
import { validateRequest, validateResponse } from '../message/validate.js';
import { parseNameAddr } from '../message/name-addr.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type { SipTimers } from '../transaction/timers.js';
import type { NegotiatedMedia } from '../sdp/sdp.js';
import type { AccountSettings, LocalAddress } from './account.js';
import type { InboundPolicy } from './inbound-policy.js';
import type { DigestVerifier } from '../auth/digest-server.js';
import { Call } from './call.js';
import { cancelOutgoingCall, startOutgoingCall, targetUri } from './call-uac.js';
import { acceptIncomingInvite, answerIncomingCall, onAck, onReInvite, sendRinging } from './call-uas.js';
import type { UasHost } from './call-uas.js';
import { inDialogRequest, nextHop } from './dialog.js';
import { armSessionTimer, setHold } from './call-reinvite.js';
import { onRefer, onReferNotify, sendRefer, sendReferNotify } from './call-refer.js';
import type { ReInviteHost } from './call-reinvite.js';
import { Registration } from './registration.js';
import { MwiSubscription } from './mwi-subscription.js';
import { onPrack, prackProvisional } from './reliable-provisional.js';
import { OverloadControl } from './overload.js';
import { ALLOWED_METHODS } from './request-builder.js';
import type { ResponseHandler, UaContext } from './ua-context.js';
import type { CallEndReason, RegistrationState, UaEvent } from './ua-events.js';

export interface UserAgentOptions {
  account: AccountSettings;
  local: LocalAddress;
  proxy: Endpoint;
  log: Logger;
  userAgent?: string;
  timers?: SipTimers;
  random?: () => string;
  /** SRTP policy of the line (SDES keys in SDP). Default off. */
  srtp?: import('../../security/srtp-negotiation.js').SrtpPolicy;
  /** Emergency numbers (never throttled, sent with priority). */
  isEmergency?: (number: string) => boolean;
  /** Digest verifier for incoming INVITEs; `enforce` challenges every call, otherwise only self-tests. */
  inviteAuth?: { verifier: DigestVerifier; enforce: boolean };
  /** What to do about bindings of our account that we did not make. */
  foreignBindings?: { alert: boolean; remove: boolean };
  /** Inbound policy: who may send us requests (see inbound-policy.ts). */
  policy?: InboundPolicy;
}

export type UaOutput = { type: 'transmit'; data: Buffer; destination: Endpoint } | { type: 'event'; event: UaEvent };

const KNOWN_UNSUPPORTED = new Set(['SUBSCRIBE', 'INFO', 'MESSAGE', 'PUBLISH', 'REGISTER']);
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]+)$/i;

export class UserAgent implements UasHost, ReInviteHost {
  readonly ctx: UaContext;
  private readonly layer: TransactionLayer;
  private readonly out: UaOutput[] = [];
  private readonly handlers = new Map<unknown, ResponseHandler>();
  private readonly calls = new Map<string, Call>();
  private readonly registration: Registration;
  private now = 0;
  readonly overload = new OverloadControl();
  get reliable(): this {
    return this;
  }
  private readonly selfTests = new Map<string, { challengeAnswered: boolean }>();
  /** Requests dropped silently by the inbound policy (for STATUS and tests). */
  droppedByPolicy = 0;

  constructor(private readonly options: UserAgentOptions) {
    const random = options.random ?? (() => randomBytes(8).toString('hex'));
    this.layer = new TransactionLayer({ ...(options.timers ? { timers: options.timers } : {}), random, log: options.log });
    const self = this;
    this.ctx = {
      account: options.account,
      local: options.local,
      proxy: options.proxy,
      userAgent: options.userAgent ?? '',
      srtp: options.srtp ?? 'off',
      log: options.log,
      random,
      sendRequest(request, destination, now, handler) {
        const tx = self.layer.sendRequest(request, destination, now);
        self.handlers.set(tx, handler);
      },
      sendStateless(request, destination) {
        self.layer.sendStateless(request, destination);
      },
      emit(event) {
        self.out.push({ type: 'event', event });
      },
      resolve(host, port, transport) {
        if (IP.test(host)) return { address: host, port, transport };
        return options.proxy;
      },
    };
    this.registration = new Registration(this.ctx, undefined, options.foreignBindings);
  }

  // ---- inputs ---------------------------------------------------------------------------
  receive(data: Buffer, from: Endpoint, now: number): void {
    this.now = now;
    let msg: SipMessage;
    try {
      msg = parseMessage(data);
    } catch (e) {
      if (isSipParseError(e) && e.partial && e.partial.method !== 'ACK') {
        this.sendStatelessResponse(createResponse(e.partial, e.status, e.reason), from);
      }
      this.options.log.debug('dropped unparseable SIP message', { from: `${from.address}:${from.port}`, error: e });
      return;
    }
    if (msg.kind === 'response') {
      const bad = validateResponse(msg, { role: 'uac' });
      if (bad) {
        this.options.log.debug('discarded malformed response', { reason: bad.reason, from: `${from.address}:${from.port}` });
        return;
      }
    }
    if (msg.kind === 'request') {
      const verdict = this.options.policy?.check(msg, from);
      if (verdict && verdict.action === 'drop') {
        this.droppedByPolicy++;
        this.options.log.info('dropped request by policy', { method: msg.method, from: `${from.address}:${from.port}`, reason: verdict.reason });
        return;
      }
      const problem = validateRequest(msg, { supportedExtensions: ['100rel', 'replaces', 'timer'] });
      if (problem && msg.method !== 'ACK') {
        const r = createResponse(msg, problem.status, problem.reason);
        for (const [n, v] of problem.headers ?? []) r.headers.append(n, v);
        this.sendStatelessResponse(r, from);
        return;
      }
      if (problem) return;
      if (verdict && verdict.action === 'reject') {
        this.options.log.info('refused request by policy', { method: msg.method, status: verdict.status, reason: verdict.reason });
        if (msg.method !== 'ACK') this.sendStatelessResponse(createResponse(msg, verdict.status), from);
        return;
      }
    }
    this.layer.receive(msg, from, now);
    this.pump(now);
  }

  handleTimeout(now: number): void {
    this.now = now;
    this.layer.handleTimeout(now);
    this.registration.handleTimeout(now);
    this.runTimers(now);
    this.pump(now);
  }

  nextDeadline(): number | undefined {
    let best: number | undefined;
    for (const d of [this.layer.nextDeadline(), this.registration.nextDeadline(), ...this.timers.map((t) => t.at)]) {
      if (d !== undefined && (best === undefined || d < best)) best = d;
    }
    return best;
  }

  /** One-shot timers of the UA's own parts (glare retry, session refresh ...). */
  private timers: Array<{ at: number; fn: (now: number) => void }> = [];

  schedule(at: number, fn: (now: number) => void): void {
    this.timers.push({ at, fn });
  }

  private runTimers(now: number): void {
    const due = this.timers.filter((t) => t.at <= now);
    if (!due.length) return;
    this.timers = this.timers.filter((t) => t.at > now);
    for (const t of due) t.fn(now);
  }

  poll(): UaOutput | undefined {
    return this.out.shift();
  }

  // ---- commands -------------------------------------------------------------------------
  register(now: number): void {
    this.registration.start(now);
    this.pump(now);
  }

  unregister(now: number, done?: () => void): void {
    this.registration.stop(now, done);
    this.pump(now);
  }

  /** Subscribe to message-waiting indications for our AOR (RFC 3842). */
  subscribeMwi(now: number): void {
    this.mwi ??= new MwiSubscription(this.ctx, (at, fn) => this.schedule(at, fn), () => this.contact());
    this.mwi.start(now);
    this.pump(now);
  }

  private mwi: MwiSubscription | undefined;

  get registrationState(): RegistrationState {
    return this.registration.state;
  }

  invite(target: string, localMedia: { address: string; port: number }, now: number, options: { anonymous?: boolean } = {}): string {
    const emergency = this.options.isEmergency?.(target) ?? false;
    const admit = this.overload.admit(emergency, now);
    if (!admit.ok) {
      // refused locally: the user hears congestion; nothing is sent to an overloaded provider
      const id = `local-${this.ctx.random()}`;
      this.ctx.log.warn('call refused: provider overload', { reason: admit.reason, retryInS: Math.ceil(admit.retryInMs / 1000) });
      // reported on the next tick, after the caller has learnt the call id
      this.schedule(now, () => this.ctx.emit({ type: 'call-ended', callId: id, reason: 'overload', status: 503 }));
      return id;
    }
    const call = startOutgoingCall(this, target, localMedia, now, { ...options, emergency });
    this.calls.set(call.id, call);
    this.pump(now);
    return call.id;
  }

  /**
   * "Can my provider answer a challenged INVITE?" Calls our own address through the proxy; when
   * the INVITE comes back to us we challenge it (401) whatever the setting, and report whether
   * the provider re-sent it with valid credentials. Nothing rings. Emits a 'self-test' event.
   */
  selfTestInviteAuth(localMedia: { address: string; port: number }, now: number): string {
    if (!this.options.inviteAuth) throw new LocalError('no-invite-auth', 'no digest verifier configured for incoming INVITEs');
    const call = startOutgoingCall(this, this.ctx.account.user, localMedia, now, { selfTest: true });
    const id = call.id;
    this.calls.set(id, call);
    this.selfTests.set(id, { challengeAnswered: false });
    this.pump(now);
    return id;
  }

  /** Called by call-uac when a self-test call ends. */
  finishSelfTest(callId: string, status: number | undefined): void {
    const t = this.selfTests.get(callId);
    if (!t) return;
    this.selfTests.delete(callId);
    const result = t.challengeAnswered ? 'pass' : status === 401 ? 'fail' : 'inconclusive';
    const detail =
      result === 'pass'
        ? 'the provider answered the 401 with valid credentials: auth_incoming_invite can be turned on'
        : result === 'fail'
          ? 'the provider passed our 401 back instead of answering it: keep auth_incoming_invite off'
          : `the test call did not come back to this line (final status ${status ?? 'none'}): check registration`;
    this.ctx.emit({ type: 'self-test', test: 'invite-auth', result, detail });
  }

  ringing(callId: string, now: number): void {
    const call = this.calls.get(callId);
    if (call) sendRinging(this, call, now);
    this.pump(now);
  }

  answer(callId: string, localMedia: { address: string; port: number }, now: number): NegotiatedMedia | undefined {
    const call = this.calls.get(callId);
    if (!call || call.state !== 'offered') return undefined;
    const media = answerIncomingCall(this, call, localMedia, now);
    this.pump(now);
    return media;
  }

  reject(callId: string, status: number, now: number): void {
    const call = this.calls.get(callId);
    if (!call || call.state !== 'offered') return;
    this.respond(call.serverTx, createResponse(call.invite, status, undefined, { toTag: call.localTag }), now);
    this.endCall(call, 'local-hangup', status);
    this.pump(now);
  }

  armSession(call: Call, now: number): void {
    armSessionTimer(this, call, now);
  }

  prack(call: Call, invite: SipRequest, r: SipResponse, now: number): void {
    prackProvisional(this, call, invite, r, now);
  }

  /** Hold (re-INVITE sendonly) or resume (sendrecv) a confirmed call. Returns false if not possible now. */
  hold(callId: string, onHold: boolean, now: number): boolean {
    const call = this.calls.get(callId);
    const ok = call ? setHold(this, call, onHold, now) : false;
    this.pump(now);
    return ok;
  }

  /** Forward an unanswered incoming call with 302 Moved Temporarily (Contact = target). */
  redirect(callId: string, target: string, now: number): void {
    const call = this.calls.get(callId);
    if (!call || call.state !== 'offered') return;
    const r = createResponse(call.invite, 302, undefined, { toTag: call.localTag, headers: [['Contact', `<${targetUri(target, this.ctx.account.domain)}>`]] });
    this.respond(call.serverTx, r, now);
    this.endCall(call, 'local-hangup', 302);
    this.pump(now);
  }

  hangup(callId: string, now: number): void {
    const call = this.calls.get(callId);
    if (!call) return;
    switch (call.state) {
      case 'calling':
      case 'early':
        cancelOutgoingCall(this, call, now);
        break;
      case 'offered':
        this.reject(callId, 480, now);
        break;
      case 'accepted':
      case 'confirmed':
        this.sendBye(call, now);
        break;
      default:
        break;
    }
    this.pump(now);
  }

  // ---- host services for call-uac / call-uas ----------------------------------------------
  contact(): string {
    return this.registration.contactUri();
  }

  respond(tx: unknown, response: SipResponse, now: number): void {
    this.layer.sendResponse(tx as Parameters<TransactionLayer['sendResponse']>[0], response, now);
  }

  endCall(call: Call, reason: CallEndReason, status?: number): void {
    if (call.state !== 'ended') call.transition('end');
    this.calls.delete(call.id);
    if (call.selfTest) {
      this.finishSelfTest(call.id, status);
      return;
    }
    if (call.endedReported) return;
    call.endedReported = true;
    this.ctx.log.info('call ended', { callId: call.id, reason, ...(status !== undefined ? { status } : {}) });
    this.ctx.emit({ type: 'call-ended', callId: call.id, reason, ...(status !== undefined ? { status } : {}) });
  }

  sendBye(call: Call, now: number): void {
    if (!call.dialog || call.state === 'ended') return this.endCall(call, 'local-hangup');
    if (call.can('bye')) call.transition('bye');
    const bye = inDialogRequest(call.dialog, { method: 'BYE', local: this.ctx.local, branch: `z9hG4bK${this.ctx.random()}`, userAgent: this.ctx.userAgent });
    const hop = nextHop(bye, this.ctx.local.transport);
    const finish = () => this.endCall(call, 'local-hangup');
    this.ctx.sendRequest(bye, this.ctx.resolve(hop.host, hop.port, hop.transport), now, {
      onResponse: (r) => r.status >= 200 && finish(),
      onTimeout: finish,
    });
  }

  // ---- internals ----------------------------------------------------------------------------
  private sendStatelessResponse(response: SipResponse, to: Endpoint): void {
    this.out.push({ type: 'transmit', data: serializeMessage(response), destination: to });
  }

  private pump(now: number): void {
    for (let o = this.layer.poll(); o; o = this.layer.poll()) {
      switch (o.type) {
        case 'transmit':
          this.out.push({ type: 'transmit', data: serializeMessage(o.message), destination: o.destination });
          break;
        case 'response':
          this.overload.observe(o.response, now);
          this.handlers.get(o.tx)?.onResponse(o.response, now, o.retransmission);
          break;
        case 'timeout': {
          const h = this.handlers.get(o.tx);
          if (h) h.onTimeout(now);
          else if (o.timer === 'L' || o.timer === 'H') this.onNoAck(o.tx, now);
          break;
        }
        case 'terminated':
          this.handlers.delete(o.tx);
          break;
        case 'request':
          this.onRequest(o.request, o.from, o.tx, o.cancels, now);
          break;
        case 'ack':
          this.onAckRequest(o.request);
          break;
        case 'stray-response':
          break;
      }
    }
  }

  private findDialogCall(request: SipRequest): Call | undefined {
    const call = this.calls.get(request.headers.get('Call-ID') ?? '');
    if (!call?.dialog) return undefined;
    const toTag = parseNameAddr(request.headers.get('To')!).params.get('tag');
    const fromTag = parseNameAddr(request.headers.get('From')!).params.get('tag');
    return toTag === call.dialog.localTag && fromTag === call.dialog.remoteTag ? call : undefined;
  }

  private onRequest(request: SipRequest, from: Endpoint, tx: unknown, cancels: unknown, now: number): void {
    const reply = (status: number, headers: Array<[string, string]> = []) =>
      this.respond(tx, createResponse(request, status, undefined, { headers }), now);
    const toTag = parseNameAddr(request.headers.get('To')!).params.get('tag');
    switch (request.method) {
      case 'INVITE': {
        if (toTag) {
          const call = this.findDialogCall(request);
          return call ? onReInvite(this, call, request, tx, now) : reply(481);
        }
        const callId = request.headers.get('Call-ID')!;
        const selfTest = this.selfTests.get(callId);
        if (this.calls.has(callId) && !selfTest) return reply(482); // merged request / loop
        if (this.options.inviteAuth && (this.options.inviteAuth.enforce || selfTest)) {
          const { verifier } = this.options.inviteAuth;
          const auth = request.headers.get('Authorization');
          const result = auth ? verifier.verify(auth, 'INVITE', now, request.body) : 'missing';
          if (result !== 'ok') {
            if (result !== 'missing' && result !== 'stale') {
              this.ctx.log.warn('ALERT invite-auth-failed: incoming INVITE with bad credentials', { code: 'invite-auth-failed', result, from: `${from.address}:${from.port}` });
            }
            return this.respond(tx, createResponse(request, 401, undefined, { toTag: this.ctx.random(), headers: [['WWW-Authenticate', verifier.challenge(now, result === 'stale')]] }), now);
          }
          if (selfTest) {
            // the provider answered our challenge: the test passed; decline so nothing rings
            selfTest.challengeAnswered = true;
            return this.respond(tx, createResponse(request, 603, 'Self-test complete', { toTag: this.ctx.random() }), now);
          }
        }
        const call = acceptIncomingInvite(this, request, tx, now);
        if (!call) return;
        this.calls.set(call.id, call);
        const fromNa = parseNameAddr(request.headers.get('From')!);
        const privacy = (request.headers.get('Privacy') ?? '').toLowerCase();
        const anonymous = /\b(id|user|header)\b/.test(privacy) || /anonymous/i.test(fromNa.uri.user ?? '') || /anonymous\.invalid$/i.test(fromNa.uri.host);
        const alertInfo = request.headers.get('Alert-Info');
        this.ctx.emit({ type: 'incoming-call', callId: call.id, from: fromNa, hasOffer: !!call.remoteOffer, anonymous, ...(alertInfo ? { alertInfo } : {}) });
        return;
      }
      case 'CANCEL': {
        const call = [...this.calls.values()].find((c) => c.serverTx === cancels);
        if (!call) return reply(481);
        reply(200);
        if (call.state === 'offered') {
          this.respond(call.serverTx, createResponse(call.invite, 487, undefined, { toTag: call.localTag }), now);
          this.endCall(call, 'cancelled', 487);
        }
        return;
      }
      case 'BYE': {
        const call = this.findDialogCall(request);
        if (!call) return reply(481);
        reply(200);
        this.endCall(call, 'remote-hangup');
        return;
      }
      case 'REFER': {
        if (!toTag) {
          this.ctx.log.warn('ALERT refer-refused: out-of-dialog REFER refused', { code: 'refer-refused', from: `${from.address}:${from.port}` });
          return reply(403);
        }
        const call = this.findDialogCall(request);
        if (!call) return reply(481);
        const refer = onRefer(this, call, request, tx, now);
        if (refer) this.ctx.emit({ type: 'refer', callId: call.id, ...refer });
        return;
      }
      case 'NOTIFY': {
        if (toTag) {
          const call = this.findDialogCall(request);
          if (call && /^refer\b/i.test(request.headers.get('Event') ?? '')) return onReferNotify(this, call, request, tx, now);
          return this.onNotifyOther(request, tx, now, true);
        }
        return this.onNotifyOther(request, tx, now, false);
      }
      case 'PRACK': {
        const call = this.calls.get(request.headers.get('Call-ID') ?? '');
        const tag = parseNameAddr(request.headers.get('To')!).params.get('tag');
        if (!call || call.localTag !== tag) return reply(481);
        return onPrack(this, call, request, tx, now);
      }
      case 'UPDATE': {
        // RFC 3311: a session change inside the dialog; answered like a re-INVITE without an ACK
        const call = this.findDialogCall(request);
        if (!call) return reply(481);
        return onReInvite(this, call, request, tx, now);
      }
      case 'OPTIONS':
        return reply(200, [['Allow', ALLOWED_METHODS], ['Accept', 'application/sdp'], ...(this.ctx.userAgent ? ([['Server', this.ctx.userAgent]] as Array<[string, string]>) : [])]);
      default:
        return reply(KNOWN_UNSUPPORTED.has(request.method) ? 405 : 501, [['Allow', ALLOWED_METHODS]]);
    }
  }

  /** NOTIFY other than refer progress: message-summary (MWI) only; resync/reboot never. */
  private onNotifyOther(request: SipRequest, tx: unknown, now: number, inDialog: boolean): void {
    const event = (request.headers.get('Event') ?? '').split(';')[0]!.trim().toLowerCase();
    if (event === 'message-summary') {
      this.respond(tx, createResponse(request, 200), now);
      this.ctx.emit({ type: 'mwi-notify', body: request.body.toString('utf8') });
      return;
    }
    if (event === 'check-sync' || event === 'resync' || event === 'reboot') {
      this.ctx.log.warn('ALERT resync-refused: unsolicited NOTIFY asking for resync/reboot refused', { code: 'resync-refused', event });
      this.respond(tx, createResponse(request, 403), now);
      return;
    }
    this.respond(tx, createResponse(request, inDialog ? 481 : 489), now);
  }

  /** Ask the far end of `callId` to call `target` (blind), or to replace `consultId` (attended). */
  transfer(callId: string, target: string, consultId: string | undefined, now: number): boolean {
    const call = this.calls.get(callId);
    const consult = consultId ? this.calls.get(consultId) : undefined;
    if (!call) return false;
    const ok = sendRefer(this, call, targetUri(target, this.ctx.account.domain), consult, now);
    this.pump(now);
    return ok;
  }

  /** Progress of the call we placed because of a REFER on `callId` (sipfrag NOTIFY). */
  referProgress(callId: string, status: number, reason: string, now: number): void {
    const call = this.calls.get(callId);
    if (call) sendReferNotify(this, call, status, reason, status >= 200, now);
    this.pump(now);
  }

  private onAckRequest(ack: SipRequest): void {
    const call = this.findDialogCall(ack);
    if (call) onAck(this, call, ack);
  }

  private onNoAck(tx: unknown, now: number): void {
    const call = [...this.calls.values()].find((c) => c.serverTx === tx);
    if (call && call.state === 'accepted') {
      this.ctx.log.warn('no ACK for our 200 OK; ending the call', { callId: call.id });
      this.sendBye(call, now);
      this.endCall(call, 'no-ack');
    }
  }
}
