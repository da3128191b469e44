/**
 * One phone line, wired up: SLIC driver → hook detector → line state machine ← UA events;
 * the state machine's actions drive the SLIC (ringing), the media path (tones, RTP) and the UA.
 * An adapter: it owns timers (via Pump) and sockets; the decisions live in the sans-IO cores.
 *
 * Every call this device originates goes through `originate()`, which asks the toll-fraud
 * guard first (whatever the path: handset, hotline, consultation, forward, transfer, REFER).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { Pump } from '../core/pump.js';
import { MediaPath } from '../call/media-path.js';
import type { RtpSocket } from '../call/rtp-socket.js';
import type { PcmStream } from '../../hal/pcm.js';
import type { NegotiatedMedia } from '../sip/sdp/sdp.js';
import type { UaRuntime } from '../sip/transport/ua-runtime.js';
import type { UaEvent } from '../sip/ua/ua-events.js';
import { parseMessageSummary } from '../sip/ua/message-summary.js';
import { selectRingCadence } from './alert-info.js';
import type { DialPlan } from './dial-plan.js';
import { HookDetector } from './hook-detector.js';
import type { HookSignal } from './hook-detector.js';
import type { LineFeatures } from './line-features.js';
import { LineFsm } from './line-fsm.js';
import type { CallPath, LineAction, LineTimings } from './line-fsm.js';
import type { CountryProfile } from './profiles/types.js';
import type { SlicDriver } from './slic/types.js';

export type GuardVerdict = { allow: true } | { allow: false; reason: string; code: string };

/** The toll-fraud guard (firmware/security/): asked before every call this device originates. */
export interface OutgoingCallGuard {
  checkOutgoingCall(request: { number: string; path: CallPath; now: number }): GuardVerdict;
}

export interface LineControllerDeps {
  index: number;
  slic: SlicDriver;
  pcm: PcmStream;
  sip: UaRuntime;
  profile: CountryProfile;
  clock: Clock;
  log: Logger;
  /** Opens this line's RTP socket; packets go to the handler. */
  openRtp: (onPacket: (data: Buffer, from: { address: string; port: number }) => void) => Promise<RtpSocket>;
  /** Address to put in SDP. */
  mediaAddress: string;
  timings: Partial<LineTimings>;
  /** Digit map and star codes (default: a catch-all map and the default star codes). */
  plan?: DialPlan;
  features?: Partial<LineFeatures>;
  /** Subscribe to message-waiting indications once registered. */
  mwi?: boolean;
  guard?: OutgoingCallGuard;
  /** Security alerts (foreign registration, toll fraud, media) go here as well as to the log. */
  onAlert?: (alert: { code: string } & Record<string, unknown>) => void;
  /** Media alerts (foreign RTP sources, excess bitrate, SRTP failures) go straight to this sink. */
  alerts?: import('../security/alert.js').AlertSink;
}

/** The UA calls the controller makes, as a narrow interface (tests fake it). */
export type LineUa = UaRuntime;

export class LineController {
  readonly fsm: LineFsm;
  readonly media: MediaPath;
  private readonly hook: HookDetector;
  private readonly fsmPump: Pump;
  private readonly hookPump: Pump;
  private rtp: RtpSocket | undefined;
  private readonly negotiated = new Map<string, NegotiatedMedia>();
  /** Calls placed because the far end of another call sent us a REFER: new call → referring call. */
  private readonly referFor = new Map<string, string>();
  private mediaCalls: string[] = [];
  private readonly log: Logger;
  private alerts = 0;
  private mwiSubscribed = false;

  constructor(private readonly deps: LineControllerDeps) {
    this.log = deps.log.child({ line: deps.index + 1 });
    this.fsm = new LineFsm({
      timings: deps.timings,
      ...(deps.plan ? { plan: deps.plan } : {}),
      ...(deps.features ? { features: deps.features } : {}),
    });
    this.media = new MediaPath(deps.profile, this.log, deps.alerts ? { alerts: deps.alerts, context: { line: deps.index + 1 } } : undefined);
    this.hook = new HookDetector({ flashMinMs: deps.profile.flash.minMs, flashMaxMs: deps.profile.flash.maxMs });
    this.fsmPump = new Pump(deps.clock, this.fsm, () => this.drainFsm());
    this.hookPump = new Pump(deps.clock, this.hook, () => this.drainHook());
  }

  async start(): Promise<void> {
    const { slic, pcm, profile } = this.deps;
    await slic.init();
    await slic.configureRing({ frequencyHz: profile.ring.frequencyHz, voltage: profile.ring.voltage });
    await slic.setLinefeed('forward-active');
    this.rtp = await this.deps.openRtp((data, from) => this.media.receiveRtp(data, from, this.deps.clock.now()));
    slic.onHook((offHook, at) => {
      this.hook.hookChanged(offHook, at);
      this.hookPump.kick();
    });
    slic.onAlarm((alarm) => this.log.error('SLIC alarm', { code: alarm.code, message: alarm.message }));
    pcm.start((capture, playout, now) => this.onPeriod(capture, playout, now));
    if (slic.isOffHook()) {
      this.hook.hookChanged(true, this.deps.clock.now());
      this.hookPump.kick();
    }
  }

  async stop(): Promise<void> {
    this.fsmPump.stop();
    this.hookPump.stop();
    await this.deps.pcm.stop();
    await this.rtp?.close();
    await this.deps.slic.setLinefeed('forward-active').catch(() => {});
    await this.deps.slic.close();
  }

  /** Feed a line event directly (tests, and the hook/DTMF paths). */
  handle(e: Parameters<LineFsm['handle']>[0]): void {
    this.fsm.handle(e, this.deps.clock.now());
    this.fsmPump.kick();
  }

  /** Events from this line's SIP user agent. */
  onUaEvent(e: UaEvent): void {
    const now = this.deps.clock.now();
    switch (e.type) {
      case 'incoming-call': {
        const ring = selectRingCadence(e.alertInfo, this.deps.profile.ring.cadences);
        if (ring.name !== 'default') this.log.info('distinctive ring', { cadence: ring.name, alertInfo: ring.matched ?? '' });
        const from = e.anonymous ? undefined : e.from.uri.user;
        this.fsm.handle({ type: 'incoming-call', callId: e.callId, ...(from ? { from } : {}), cadence: ring.cadence }, now);
        break;
      }
      case 'call-progress':
        if (e.earlyMedia) this.negotiated.set(e.callId, e.earlyMedia);
        this.reportRefer(e.callId, e.status, e.status === 180 ? 'Ringing' : 'Session Progress');
        this.fsm.handle({ type: 'call-progress', callId: e.callId, status: e.status, earlyMedia: !!e.earlyMedia }, now);
        break;
      case 'call-answered':
        this.negotiated.set(e.callId, e.media);
        this.reportRefer(e.callId, 200, 'OK');
        this.referFor.delete(e.callId);
        this.fsm.handle({ type: 'call-answered', callId: e.callId }, now);
        break;
      case 'call-media':
        this.negotiated.set(e.callId, e.media);
        if (this.mediaCalls.includes(e.callId)) this.applyMedia(this.mediaCalls);
        break;
      case 'call-ended':
        this.negotiated.delete(e.callId);
        if (this.referFor.has(e.callId)) {
          this.reportRefer(e.callId, e.status && e.status >= 300 ? e.status : 487, 'Call Failed');
          this.referFor.delete(e.callId);
        }
        this.fsm.handle({ type: 'call-ended', callId: e.callId, reason: e.reason, ...(e.status !== undefined ? { status: e.status } : {}) }, now);
        break;
      case 'refer':
        this.onRefer(e.callId, e.target, now);
        break;
      case 'transfer-result':
        this.log.info('transfer result', { callId: e.callId, ok: e.ok, status: e.status });
        this.fsm.handle({ type: 'transfer-result', callId: e.callId, ok: e.ok, status: e.status }, now);
        break;
      case 'mwi-notify':
        try {
          const s = parseMessageSummary(e.body);
          this.fsm.setMessageWaiting(s.waiting);
          this.log.info('message waiting', { waiting: s.waiting, new: s.voice?.newCount ?? 0 });
        } catch (err) {
          this.log.warn('bad message-summary body', { error: err });
        }
        return;
      case 'foreign-bindings':
        this.log.warn('ALERT foreign-registration: the registrar lists bindings of this account that this device did not make', {
          code: 'foreign-registration',
          contacts: e.contacts.map((c) => c.contact),
          removing: e.removing,
        });
        this.alert({ code: 'foreign-registration', contacts: e.contacts.map((c) => c.contact) });
        return;
      case 'registration':
        this.log.info('registration', { state: e.state, ...(e.reason ? { reason: e.reason } : {}), ...(e.expiresS ? { expiresS: e.expiresS } : {}) });
        if (e.state === 'registered' && this.deps.mwi && !this.mwiSubscribed) {
          this.mwiSubscribed = true;
          this.deps.sip.run((ua, t) => ua.subscribeMwi(t));
        }
        return;
      default:
        return;
    }
    this.fsmPump.kick();
  }

  private alert(a: { code: string } & Record<string, unknown>): void {
    this.alerts++;
    this.deps.onAlert?.(a);
  }

  /**
   * The one way this device places a call. Asks the toll-fraud guard; a refusal is logged,
   * raised as an alert, and returns undefined (the caller plays reorder or refuses).
   */
  originate(number: string, path: CallPath, options: { anonymous?: boolean } = {}): string | undefined {
    const now = this.deps.clock.now();
    const verdict = this.check(number, path, now);
    if (!verdict) return undefined;
    const local = this.localMedia();
    this.log.info('dialling', { number, path, ...(options.anonymous ? { anonymous: true } : {}) });
    return this.deps.sip.run((ua, t) => ua.invite(number, local, t, options.anonymous ? { anonymous: true } : {}));
  }

  /** The guard's answer; false (after the alert) when refused. */
  private check(number: string, path: CallPath, now: number): boolean {
    const v = this.deps.guard?.checkOutgoingCall({ number, path, now }) ?? { allow: true as const };
    if (v.allow) return true;
    this.log.warn(`ALERT ${v.code}: call refused by the toll-fraud guard`, { code: v.code, reason: v.reason, number, path });
    this.alert({ code: v.code, reason: v.reason, number, path });
    return false;
  }

  private localMedia(): { address: string; port: number } {
    return { address: this.deps.mediaAddress, port: this.rtp?.port ?? 0 };
  }

  private onRefer(callId: string, target: string, now: number): void {
    const number = referNumber(target);
    if (this.fsm.currentCall !== callId || !number) {
      this.log.warn('REFER for a call that is not the active one, refused', { callId, target });
      this.deps.sip.run((ua, t) => ua.referProgress(callId, 603, 'Declined', t));
      return;
    }
    const newId = this.originate(number, 'refer');
    if (!newId) {
      this.deps.sip.run((ua, t) => ua.referProgress(callId, 403, 'Forbidden', t));
      return;
    }
    this.referFor.set(newId, callId);
    this.deps.sip.run((ua, t) => ua.referProgress(callId, 100, 'Trying', t));
    this.fsm.handle({ type: 'replace-active', oldCallId: callId, newCallId: newId, number }, now);
  }

  private reportRefer(newId: string, status: number, reason: string): void {
    const old = this.referFor.get(newId);
    if (old) this.deps.sip.run((ua, t) => ua.referProgress(old, status, reason, t));
  }

  private onPeriod(capture: Int16Array, playout: Int16Array, now: number): void {
    this.media.period(capture, playout, now);
    for (let p = this.media.pollRtp(); p; p = this.media.pollRtp()) this.rtp?.send(p.data, p.address, p.port);
    let digits = false;
    for (let d = this.media.pollDigit(); d; d = this.media.pollDigit()) {
      this.log.debug('DTMF digit', { digit: d });
      this.fsm.handle({ type: 'digit', digit: d }, now);
      digits = true;
    }
    if (digits) this.fsmPump.kick();
  }

  private drainHook(): void {
    const now = this.deps.clock.now();
    let any = false;
    for (let s: HookSignal | undefined = this.hook.poll(); s; s = this.hook.poll()) {
      any = true;
      this.log.debug('hook', { signal: s.type, ...(s.type === 'pulse-digit' ? { digit: s.digit } : {}) });
      if (s.type === 'off-hook') this.fsm.handle({ type: 'off-hook' }, now);
      else if (s.type === 'on-hook') this.fsm.handle({ type: 'on-hook' }, now);
      else if (s.type === 'flash') this.fsm.handle({ type: 'flash' }, now);
      else if (s.type === 'pulse-digit') this.fsm.handle({ type: 'digit', digit: s.digit, pulse: true }, now);
    }
    if (any) this.fsmPump.kick();
  }

  private drainFsm(): void {
    for (let a = this.fsm.poll(); a; a = this.fsm.poll()) this.perform(a);
  }

  private applyMedia(callIds: string[]): void {
    this.mediaCalls = callIds;
    this.media.setStreams(callIds.map((id) => this.negotiated.get(id)).filter((m): m is NegotiatedMedia => m !== undefined));
  }

  private perform(a: LineAction): void {
    const { sip, slic } = this.deps;
    const local = this.localMedia();
    this.log.debug('line action', { action: a.type, ...(a.type === 'tone' ? { tone: a.tone } : {}) });
    switch (a.type) {
      case 'tone':
        this.media.setTone(a.tone);
        break;
      case 'call-waiting-tone':
        this.media.setCallWaitingTone(a.on);
        break;
      case 'ring':
        slic.setLinefeed(a.on ? 'ringing' : 'forward-active').catch((e) => this.log.error('SLIC ring failed', { error: e }));
        break;
      case 'place-call': {
        const callId = this.originate(a.number, a.path, { anonymous: a.anonymous });
        if (callId) this.fsm.callPlaced(callId);
        else this.fsm.callRefused(this.deps.clock.now());
        break;
      }
      case 'send-ringing':
        sip.run((ua, now) => ua.ringing(a.callId, now));
        break;
      case 'answer': {
        const media = sip.run((ua, now) => ua.answer(a.callId, local, now));
        if (media) this.negotiated.set(a.callId, media);
        break;
      }
      case 'hangup':
        sip.run((ua, now) => ua.hangup(a.callId, now));
        break;
      case 'reject':
        this.log.info('call refused', { callId: a.callId, status: a.status });
        sip.run((ua, now) => ua.reject(a.callId, a.status, now));
        break;
      case 'forward':
        this.forward(a.callId, a.target, a.reason);
        break;
      case 'hold':
        if (!sip.run((ua, now) => ua.hold(a.callId, a.on, now))) this.log.warn('hold/resume not possible now', { callId: a.callId, on: a.on });
        break;
      case 'transfer':
        this.transfer(a.callId, a.target, a.consultCallId);
        break;
      case 'media':
        this.applyMedia(a.callIds);
        break;
      case 'features':
        this.log.info('feature changed', { action: a.action, dnd: a.features.dnd, forwardAll: a.features.forwardAll, forwardBusy: a.features.forwardBusy, forwardNoAnswer: a.features.forwardNoAnswer });
        break;
    }
  }

  /** Forward an incoming call: checked by the guard (path 'forward'), then 302 to the caller. */
  private forward(callId: string, target: string, reason: string): void {
    const now = this.deps.clock.now();
    if (!this.check(target, 'forward', now)) {
      this.deps.sip.run((ua, t) => ua.reject(callId, 486, t));
      return;
    }
    this.log.info('forwarding', { callId, target, reason });
    this.deps.sip.run((ua, t) => ua.redirect(callId, target, t));
  }

  /** REFER the held party: a blind transfer is checked by the guard (path 'transfer'). */
  private transfer(callId: string, target: string, consultCallId: string | undefined): void {
    const now = this.deps.clock.now();
    if (!consultCallId && !this.check(target, 'transfer', now)) {
      this.deps.sip.run((ua, t) => ua.hangup(callId, t));
      return;
    }
    this.log.info('transferring', { callId, target, attended: !!consultCallId });
    const ok = this.deps.sip.run((ua, t) => ua.transfer(callId, target, consultCallId, t));
    if (!ok) {
      this.log.warn('transfer could not be sent', { callId });
      this.deps.sip.run((ua, t) => ua.hangup(callId, t));
    }
  }

  status(): Record<string, string> {
    return {
      line: this.fsm.state,
      reg: this.deps.sip.ua.registrationState,
      dropped: String(this.deps.sip.ua.droppedByPolicy),
      alerts: String(this.alerts),
      calls: String([this.fsm.currentCall, this.fsm.heldCall, this.fsm.waitingCall].filter(Boolean).length),
      held: this.fsm.heldCall ? '1' : '0',
      dnd: this.fsm.features.dnd ? '1' : '0',
      fwd: this.fsm.features.forwardAll || '-',
      mwi: this.fsm.messageWaiting ? '1' : '0',
      streams: String(this.media.streamCount),
    };
  }
}

/** The number (user part) a REFER target names: `sip:5551234@host` → `5551234`. */
export function referNumber(target: string): string | undefined {
  const t = target.trim().replace(/^<|>$/g, '');
  const m = /^(?:sips?|tel):([^@;?>]+)/i.exec(t);
  return m ? decodeURIComponent(m[1]!) : undefined;
}
