/**
 * One phone line, wired up: SLIC driver → hook detector → line state machine ← UA events;
 * the state machine's actions drive the SLIC (ringing), the media path (tones, RTP) and the UA.
 * An adapter: it owns timers (via Pump) and sockets; the decisions live in the sans-IO cores.
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
import { HookDetector } from './hook-detector.js';
import type { HookSignal } from './hook-detector.js';
import { LineFsm } from './line-fsm.js';
import type { LineAction, LineTimings } from './line-fsm.js';
import type { CountryProfile } from './profiles/types.js';
import type { SlicDriver } from './slic/types.js';

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
  timings: LineTimings;
  /** Security alerts (foreign registration, toll fraud, media) go here as well as to the log. */
  onAlert?: (alert: { code: string } & Record<string, unknown>) => void;
}

export class LineController {
  readonly fsm: LineFsm;
  readonly media: MediaPath;
  private readonly hook: HookDetector;
  private readonly fsmPump: Pump;
  private readonly hookPump: Pump;
  private rtp: RtpSocket | undefined;
  private readonly negotiated = new Map<string, NegotiatedMedia>();
  private readonly log: Logger;
  private alerts = 0;

  constructor(private readonly deps: LineControllerDeps) {
    this.log = deps.log.child({ line: deps.index + 1 });
    this.fsm = new LineFsm(deps.timings);
    this.media = new MediaPath(deps.profile, this.log);
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

  /** Events from this line's SIP user agent. */
  onUaEvent(e: UaEvent): void {
    const now = this.deps.clock.now();
    switch (e.type) {
      case 'incoming-call':
        this.fsm.handle({ type: 'incoming-call', callId: e.callId }, now);
        break;
      case 'call-progress':
        if (e.earlyMedia) this.negotiated.set(e.callId, e.earlyMedia);
        this.fsm.handle({ type: 'call-progress', callId: e.callId, status: e.status, earlyMedia: !!e.earlyMedia }, now);
        break;
      case 'call-answered':
        this.negotiated.set(e.callId, e.media);
        this.fsm.handle({ type: 'call-answered', callId: e.callId }, now);
        break;
      case 'call-media':
        this.negotiated.set(e.callId, e.media);
        if (this.fsm.currentCall === e.callId && this.fsm.state === 'connected') this.media.setStream(e.media);
        break;
      case 'call-ended':
        this.negotiated.delete(e.callId);
        this.fsm.handle({ type: 'call-ended', callId: e.callId, reason: e.reason, ...(e.status !== undefined ? { status: e.status } : {}) }, now);
        break;
      case 'foreign-bindings':
        this.log.warn('ALERT foreign-registration: the registrar lists bindings of this account that this device did not make', {
          code: 'foreign-registration',
          contacts: e.contacts.map((c) => c.contact),
          removing: e.removing,
        });
        this.alerts++;
        this.deps.onAlert?.({ code: 'foreign-registration', contacts: e.contacts.map((c) => c.contact) });
        return;
      case 'registration':
        this.log.info('registration', { state: e.state, ...(e.reason ? { reason: e.reason } : {}), ...(e.expiresS ? { expiresS: e.expiresS } : {}) });
        return;
    }
    this.fsmPump.kick();
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
      this.log.debug('hook', { signal: s.type });
      if (s.type === 'off-hook') this.fsm.handle({ type: 'off-hook' }, now);
      else if (s.type === 'on-hook') this.fsm.handle({ type: 'on-hook' }, now);
      else if (s.type === 'flash') this.fsm.handle({ type: 'flash' }, now);
      else if (s.type === 'pulse-digit') this.fsm.handle({ type: 'digit', digit: s.digit }, now);
    }
    if (any) this.fsmPump.kick();
  }

  private drainFsm(): void {
    for (let a = this.fsm.poll(); a; a = this.fsm.poll()) this.perform(a);
  }

  private perform(a: LineAction): void {
    const { sip, slic } = this.deps;
    const local = { address: this.deps.mediaAddress, port: this.rtp?.port ?? 0 };
    this.log.debug('line action', { action: a.type, ...(a.type === 'tone' ? { tone: a.tone } : {}) });
    switch (a.type) {
      case 'tone':
        this.media.setTone(a.tone);
        break;
      case 'ring':
        slic.setLinefeed(a.on ? 'ringing' : 'forward-active').catch((e) => this.log.error('SLIC ring failed', { error: e }));
        break;
      case 'place-call': {
        this.log.info('dialling', { number: a.number });
        const callId = sip.run((ua, now) => ua.invite(a.number, local, now));
        this.fsm.callPlaced(callId);
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
        sip.run((ua, now) => ua.reject(a.callId, a.status, now));
        break;
      case 'media':
        this.media.setStream(a.callId ? (this.negotiated.get(a.callId) ?? null) : null);
        break;
    }
  }

  status(): Record<string, string> {
    return { line: this.fsm.state, reg: this.deps.sip.ua.registrationState, dropped: String(this.deps.sip.ua.droppedByPolicy), alerts: String(this.alerts) };
  }
}
