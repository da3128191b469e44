/**
 * The telephone line as the user experiences it: hook, tones, ringing, digits, calls.
 * Sans-IO: events in with `now`, actions out, `nextDeadline()` for its timers.
 */
import { IllegalTransitionError } from '../core/errors.js';

export type LineState =
  | 'idle' // on-hook, nothing happening
  | 'ringing' // incoming call, bell ringing
  | 'dialtone' // off-hook, waiting for the first digit
  | 'collecting' // digits being collected
  | 'calling' // outgoing call placed, not answered
  | 'connected' // talking
  | 'ended' // far end gone or call failed: busy/reorder tone until on-hook
  | 'lockout'; // off-hook too long without doing anything: howler, then silence

export type ToneName = 'dial' | 'ringback' | 'busy' | 'reorder' | 'howler' | 'none';

export type LineEvent =
  | { type: 'off-hook' }
  | { type: 'on-hook' }
  | { type: 'flash' }
  | { type: 'digit'; digit: string }
  | { type: 'incoming-call'; callId: string }
  | { type: 'call-progress'; callId: string; status: number; earlyMedia: boolean }
  | { type: 'call-answered'; callId: string }
  | { type: 'call-ended'; callId: string; status?: number; reason: string };

export type LineAction =
  | { type: 'tone'; tone: ToneName }
  | { type: 'ring'; on: boolean }
  | { type: 'place-call'; number: string }
  | { type: 'send-ringing'; callId: string }
  | { type: 'answer'; callId: string }
  | { type: 'hangup'; callId: string }
  | { type: 'reject'; callId: string; status: number }
  | { type: 'media'; callId: string | null };

export interface LineTimings {
  /** Inter-digit timeout before dialling what was collected. */
  interDigitMs: number;
  /** Dial tone with no digit before reorder. */
  dialToneMs: number;
  /** Busy/reorder after a call before the off-hook warning (howler). */
  endedToneMs: number;
  /** Howler before the line goes silent. */
  howlerMs: number;
  /** Ring cadence, ms on/off alternating. */
  ringCadence: number[];
}

export const DEFAULT_TIMINGS: LineTimings = {
  interDigitMs: 4000,
  dialToneMs: 30000,
  endedToneMs: 30000,
  howlerMs: 60000,
  ringCadence: [2000, 4000],
};

const ALLOWED: Record<LineState, LineState[]> = {
  idle: ['ringing', 'dialtone', 'idle'],
  ringing: ['connected', 'idle', 'ringing'],
  dialtone: ['collecting', 'idle', 'ended', 'calling'],
  collecting: ['collecting', 'calling', 'idle', 'ended'],
  calling: ['connected', 'ended', 'idle', 'calling'],
  connected: ['ended', 'idle', 'connected'],
  ended: ['lockout', 'idle', 'ended'],
  lockout: ['idle', 'lockout'],
};

export class LineFsm {
  private stateValue: LineState = 'idle';
  private readonly actions: LineAction[] = [];
  private digits = '';
  private callId: string | null = null;
  private deadline: number | undefined;
  private ringStep = 0;
  private ringOn = false;
  private ringTimer: number | undefined;
  private offHook = false;

  constructor(private readonly timings: LineTimings = DEFAULT_TIMINGS) {}

  get state(): LineState {
    return this.stateValue;
  }

  get currentCall(): string | null {
    return this.callId;
  }

  get dialled(): string {
    return this.digits;
  }

  poll(): LineAction | undefined {
    return this.actions.shift();
  }

  nextDeadline(): number | undefined {
    if (this.deadline === undefined) return this.ringTimer;
    if (this.ringTimer === undefined) return this.deadline;
    return Math.min(this.deadline, this.ringTimer);
  }

  private go(next: LineState, event: string): void {
    if (!ALLOWED[this.stateValue].includes(next)) throw new IllegalTransitionError('line', this.stateValue, `${event}->${next}`);
    this.stateValue = next;
  }

  private act(a: LineAction): void {
    this.actions.push(a);
  }

  handle(e: LineEvent, now: number): void {
    switch (e.type) {
      case 'off-hook':
        return this.onOffHook(now);
      case 'on-hook':
        return this.onOnHook();
      case 'flash':
        return; // call waiting / transfer come with the telephone-features work
      case 'digit':
        return this.onDigit(e.digit, now);
      case 'incoming-call':
        return this.onIncoming(e.callId, now);
      case 'call-progress':
        if (e.callId !== this.callId || this.stateValue !== 'calling') return;
        if (e.earlyMedia) {
          this.act({ type: 'tone', tone: 'none' });
          this.act({ type: 'media', callId: e.callId });
        } else if (e.status === 180 || e.status === 183) this.act({ type: 'tone', tone: 'ringback' });
        return;
      case 'call-answered':
        if (e.callId !== this.callId || this.stateValue !== 'calling') return;
        this.go('connected', 'answered');
        this.act({ type: 'tone', tone: 'none' });
        this.act({ type: 'media', callId: e.callId });
        return;
      case 'call-ended':
        return this.onCallEnded(e, now);
    }
  }

  handleTimeout(now: number): void {
    if (this.ringTimer !== undefined && now >= this.ringTimer) this.stepRing(now);
    if (this.deadline === undefined || now < this.deadline) return;
    this.deadline = undefined;
    switch (this.stateValue) {
      case 'collecting':
        return this.dial(now);
      case 'dialtone':
        this.go('ended', 'dialtone-timeout');
        this.act({ type: 'tone', tone: 'reorder' });
        this.deadline = now + this.timings.endedToneMs;
        return;
      case 'ended':
        this.go('lockout', 'ended-timeout');
        this.act({ type: 'tone', tone: 'howler' });
        this.deadline = now + this.timings.howlerMs;
        return;
      case 'lockout':
        this.act({ type: 'tone', tone: 'none' });
        return;
      default:
        return;
    }
  }

  private onOffHook(now: number): void {
    this.offHook = true;
    if (this.stateValue === 'ringing') {
      this.stopRing();
      this.go('connected', 'answer');
      this.act({ type: 'answer', callId: this.callId! });
      this.act({ type: 'media', callId: this.callId! });
      return;
    }
    if (this.stateValue !== 'idle') return;
    this.go('dialtone', 'off-hook');
    this.digits = '';
    this.act({ type: 'tone', tone: 'dial' });
    this.deadline = now + this.timings.dialToneMs;
  }

  private onOnHook(): void {
    this.offHook = false;
    if (this.stateValue === 'idle' || this.stateValue === 'ringing') return;
    if (this.callId && (this.stateValue === 'calling' || this.stateValue === 'connected')) {
      this.act({ type: 'hangup', callId: this.callId });
    }
    this.act({ type: 'media', callId: null });
    this.act({ type: 'tone', tone: 'none' });
    this.callId = null;
    this.digits = '';
    this.deadline = undefined;
    this.go('idle', 'on-hook');
  }

  private onDigit(d: string, now: number): void {
    if (this.stateValue !== 'dialtone' && this.stateValue !== 'collecting') return;
    if (this.stateValue === 'dialtone') this.act({ type: 'tone', tone: 'none' });
    if (d === '#') {
      this.deadline = undefined;
      if (this.stateValue === 'dialtone') this.go('collecting', 'digit');
      return this.dial(now);
    }
    this.digits += d;
    this.go('collecting', 'digit');
    this.deadline = now + this.timings.interDigitMs;
  }

  private dial(now: number): void {
    if (!this.digits) {
      this.go('ended', 'empty-dial');
      this.act({ type: 'tone', tone: 'reorder' });
      this.deadline = now + this.timings.endedToneMs;
      return;
    }
    this.go('calling', 'dial');
    this.act({ type: 'place-call', number: this.digits });
  }

  /** The line controller reports the Call-ID of the call it placed for 'place-call'. */
  callPlaced(callId: string): void {
    if (this.stateValue === 'calling') this.callId = callId;
  }

  private onIncoming(callId: string, now: number): void {
    if (this.stateValue !== 'idle') {
      this.act({ type: 'reject', callId, status: 486 });
      return;
    }
    this.go('ringing', 'incoming');
    this.callId = callId;
    this.act({ type: 'send-ringing', callId });
    this.ringStep = 0;
    this.ringOn = false;
    this.stepRing(now);
  }

  private stepRing(now: number): void {
    const cadence = this.timings.ringCadence;
    this.ringOn = !this.ringOn;
    this.act({ type: 'ring', on: this.ringOn });
    const ms = cadence[this.ringStep % cadence.length]!;
    this.ringStep++;
    this.ringTimer = now + ms;
  }

  private stopRing(): void {
    if (this.ringOn) this.act({ type: 'ring', on: false });
    this.ringOn = false;
    this.ringTimer = undefined;
  }

  private onCallEnded(e: Extract<LineEvent, { type: 'call-ended' }>, now: number): void {
    if (e.callId !== this.callId) return;
    this.callId = null;
    if (this.stateValue === 'ringing') {
      this.stopRing();
      this.go('idle', 'cancelled');
      return;
    }
    if (this.stateValue !== 'calling' && this.stateValue !== 'connected') return;
    this.act({ type: 'media', callId: null });
    const busy = e.status === 486 || e.status === 600 || e.status === 603;
    this.act({ type: 'tone', tone: busy ? 'busy' : 'reorder' });
    this.go('ended', 'call-ended');
    this.deadline = now + this.timings.endedToneMs;
    void this.offHook;
  }
}
