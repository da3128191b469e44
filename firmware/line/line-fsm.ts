/**
 * The telephone line as the user experiences it: hook, tones, ringing, digits, and up to two
 * calls (legs) at once for call waiting, consultation, transfer and three-way calling.
 * Sans-IO: events in with `now`, actions out (`poll`), `nextDeadline()` for its timers.
 *
 * Legs: `active` is the call the handset talks to (or is placing); `held` is a call this side
 * put on hold (after a flash); `waiting` is a second incoming call announced by the
 * call-waiting tone. `heldFor` says why a call is held: 'swap' (call waiting) or 'consult'
 * (flash to dial a third party: then hang-up transfers, flash again conferences).
 */
import { IllegalTransitionError } from '../core/errors.js';
import { decideDigits } from './dial-plan.js';
import type { DialPlan } from './dial-plan.js';
import { compileDigitMap } from './digit-map.js';
import type { DigitMap, DigitMatcher } from './digit-map.js';
import { DEFAULT_FEATURES, applyFeatureCode, hasActiveDiversion } from './line-features.js';
import type { LineFeatures } from './line-features.js';
import { Ringer } from './ringer.js';
import { DEFAULT_STAR_CODES } from './star-codes.js';
import type { StarCodeAction } from './star-codes.js';

export type { CallPath, LineAction, LineEvent, LineFsmOptions, LineState, LineTimings, ToneName } from './line-types.js';
export { DEFAULT_TIMINGS } from './line-types.js';
import { DEFAULT_TIMINGS } from './line-types.js';
import type { CallPath, LineAction, LineEvent, LineFsmOptions, LineState, LineTimings } from './line-types.js';

/** A catch-all plan (the old behaviour): the timer or `#` dials anything. */
export const FALLBACK_PLAN: DialPlan = { map: compileDigitMap('(x.T|*x.T)'), starCodes: DEFAULT_STAR_CODES };

interface Leg {
  callId: string;
  number?: string;
  answered: boolean;
}

const ALLOWED: Record<LineState, LineState[]> = {
  idle: ['ringing', 'dialtone', 'calling', 'idle'],
  ringing: ['connected', 'idle', 'ringing'],
  dialtone: ['collecting', 'confirm', 'idle', 'ended', 'calling', 'connected', 'ringing', 'dialtone'],
  collecting: ['collecting', 'dialtone', 'confirm', 'calling', 'idle', 'ended', 'connected', 'ringing'],
  confirm: ['dialtone', 'idle', 'connected', 'ringing'],
  calling: ['connected', 'ended', 'idle', 'calling', 'ringing', 'collecting'],
  connected: ['ended', 'idle', 'connected', 'dialtone', 'conference', 'ringing', 'calling'],
  conference: ['connected', 'idle', 'ended'],
  ended: ['lockout', 'idle', 'ended', 'connected', 'ringing'],
  lockout: ['idle', 'lockout', 'ringing', 'connected'],
};

export class LineFsm {
  private stateValue: LineState = 'idle';
  private readonly actions: LineAction[] = [];
  private digits = '';
  private rotary = false;
  /** After a 484 (Address Incomplete): the matcher that keeps collecting (RFC 3578 overlap). */
  private overlap: DigitMatcher | undefined;
  private active: Leg | null = null;
  private held: Leg | null = null;
  private heldFor: 'swap' | 'consult' = 'swap';
  private waiting: Leg | null = null;
  private readonly transferring = new Set<string>();
  private deadline: number | undefined;
  private noAnswerAt: number | undefined;
  private readonly ringer = new Ringer();
  private reminder = false;
  private offHook = false;
  private readonly timings: LineTimings;
  private readonly plan: DialPlan;
  private featureValues: LineFeatures;
  private mwi = false;
  private nextAnonymous = false;
  private nextNoCallWaiting = false;
  private callAnonymous = false;
  private callNoCallWaiting = false;
  private lastDialled = '';
  private lastCaller = '';

  constructor(options: LineFsmOptions | LineTimings = {}) {
    const o: LineFsmOptions = 'interDigitMs' in options ? { timings: options } : options;
    this.timings = { ...DEFAULT_TIMINGS, ...(o.timings ?? {}) };
    this.plan = o.plan ?? FALLBACK_PLAN;
    this.featureValues = { ...DEFAULT_FEATURES, ...(o.features ?? {}) };
  }

  get state(): LineState {
    return this.stateValue;
  }

  /** The call the handset talks to (or is placing). */
  get currentCall(): string | null {
    return this.active?.callId ?? null;
  }

  get heldCall(): string | null {
    return this.held?.callId ?? null;
  }

  get waitingCall(): string | null {
    return this.waiting?.callId ?? null;
  }

  get dialled(): string {
    return this.digits;
  }

  get features(): Readonly<LineFeatures> {
    return this.featureValues;
  }

  /** Message waiting (MWI): the dial tone stutters. */
  setMessageWaiting(waiting: boolean): void {
    this.mwi = waiting;
  }

  get messageWaiting(): boolean {
    return this.mwi;
  }

  poll(): LineAction | undefined {
    return this.actions.shift();
  }

  nextDeadline(): number | undefined {
    const ds = [this.deadline, this.ringer.nextDeadline(), this.noAnswerAt].filter((d): d is number => d !== undefined);
    return ds.length ? Math.min(...ds) : undefined;
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
        return this.onOnHook(now);
      case 'flash':
        return this.onFlash(now);
      case 'digit':
        return this.onDigit(e.digit, e.pulse === true, now);
      case 'incoming-call':
        return this.onIncoming(e, now);
      case 'call-progress':
        if (e.callId !== this.active?.callId || this.stateValue !== 'calling') return;
        if (e.earlyMedia) {
          this.act({ type: 'tone', tone: 'none' });
          this.act({ type: 'media', callIds: [e.callId] });
        } else if (e.status === 180 || e.status === 183) this.act({ type: 'tone', tone: 'ringback' });
        return;
      case 'call-answered':
        if (e.callId !== this.active?.callId || this.stateValue !== 'calling') return;
        this.active.answered = true;
        this.go('connected', 'answered');
        this.act({ type: 'tone', tone: 'none' });
        this.act({ type: 'media', callIds: [e.callId] });
        return;
      case 'call-ended':
        return this.onCallEnded(e, now);
      case 'transfer-result':
        if (!this.transferring.delete(e.callId)) return;
        // success or not, the transferor's part is over: release the held party
        this.act({ type: 'hangup', callId: e.callId });
        return;
      case 'replace-active':
        if (this.active?.callId !== e.oldCallId) return;
        this.active = { callId: e.newCallId, number: e.number, answered: false };
        this.act({ type: 'media', callIds: [] });
        this.act({ type: 'tone', tone: 'ringback' });
        this.go('calling', 'refer');
        return;
    }
  }

  handleTimeout(now: number): void {
    for (const on of this.ringer.step(now)) this.act({ type: 'ring', on });
    if (this.noAnswerAt !== undefined && now >= this.noAnswerAt) {
      this.noAnswerAt = undefined;
      if (this.stateValue === 'ringing' && this.active && !this.reminder && this.featureValues.forwardNoAnswer) {
        this.stopRing();
        this.act({ type: 'forward', callId: this.active.callId, target: this.featureValues.forwardNoAnswer, reason: 'no-answer' });
        this.active = null;
        this.go('idle', 'no-answer');
      }
    }
    if (this.deadline === undefined || now < this.deadline) return;
    this.deadline = undefined;
    switch (this.stateValue) {
      case 'collecting':
        return this.decide(now, true);
      case 'dialtone':
        if (this.featureValues.hotline && this.featureValues.hotlineDelayMs > 0 && !this.held && !this.digits) {
          return this.placeCall(this.featureValues.hotline, 'hotline', now);
        }
        return this.endWith('reorder', now, 'dialtone-timeout');
      case 'confirm':
        return this.dialTone(now);
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

  // ---- hook -------------------------------------------------------------------------------

  private onOffHook(now: number): void {
    this.offHook = true;
    if (this.stateValue === 'ringing') {
      this.stopRing();
      this.noAnswerAt = undefined;
      const leg = this.active!;
      this.go('connected', 'answer');
      if (this.reminder) {
        this.reminder = false;
        this.act({ type: 'hold', callId: leg.callId, on: false });
      } else {
        leg.answered = true;
        this.act({ type: 'answer', callId: leg.callId });
      }
      this.act({ type: 'media', callIds: [leg.callId] });
      return;
    }
    if (this.stateValue !== 'idle') return;
    this.callAnonymous = false;
    this.callNoCallWaiting = false;
    const f = this.featureValues;
    if (f.hotline && f.hotlineDelayMs === 0) return this.placeCall(f.hotline, 'hotline', now);
    this.go('dialtone', 'off-hook');
    this.dialTone(now);
  }

  /** Dial tone (stutter when a message waits or a diversion is on), fresh collection. */
  private dialTone(now: number): void {
    if (this.stateValue !== 'dialtone') this.go('dialtone', 'dial-tone');
    this.overlap = undefined;
    this.digits = '';
    this.rotary = false;
    const stutter = !this.held && (this.mwi || hasActiveDiversion(this.featureValues));
    this.act({ type: 'tone', tone: stutter ? 'stutter' : 'dial' });
    const warm = this.featureValues.hotline && this.featureValues.hotlineDelayMs > 0 && !this.held;
    this.deadline = now + (warm ? this.featureValues.hotlineDelayMs : this.timings.dialToneMs);
  }

  private onOnHook(now: number): void {
    this.offHook = false;
    if (this.stateValue === 'idle' || this.stateValue === 'ringing') return;
    this.deadline = undefined;
    this.digits = '';
    this.act({ type: 'tone', tone: 'none' });
    this.act({ type: 'media', callIds: [] });
    const active = this.active;
    const held = this.held;
    if (this.stateValue === 'conference') {
      if (active) this.act({ type: 'hangup', callId: active.callId });
      if (held) this.act({ type: 'hangup', callId: held.callId });
      this.active = this.held = null;
      return this.goIdle(now);
    }
    if (held && this.heldFor === 'consult' && active) {
      // transfer: attended once the third party answered, else blind to the number dialled
      if (active.answered) {
        this.act({ type: 'transfer', callId: held.callId, target: active.number ?? '', consultCallId: active.callId });
      } else {
        this.act({ type: 'transfer', callId: held.callId, target: active.number ?? '' });
        this.act({ type: 'hangup', callId: active.callId });
      }
      this.transferring.add(held.callId);
      this.active = this.held = null;
      return this.goIdle(now);
    }
    if (active) this.act({ type: 'hangup', callId: active.callId });
    this.active = null;
    if (held) {
      // a call is still on hold: ring the phone back to remind the user
      this.held = null;
      this.active = held;
      this.reminder = true;
      this.go('ringing', 'reminder');
      this.startRing(this.timings.ringCadence, now);
      return;
    }
    if (this.waiting) {
      // the waiting call now rings the phone normally
      this.act({ type: 'call-waiting-tone', on: false });
      this.active = this.waiting;
      this.waiting = null;
      this.go('ringing', 'waiting-rings');
      this.startRing(this.timings.ringCadence, now);
      return;
    }
    this.goIdle(now);
  }

  private goIdle(now: number): void {
    void now;
    if (this.waiting) {
      this.act({ type: 'call-waiting-tone', on: false });
      this.act({ type: 'hangup', callId: this.waiting.callId });
      this.waiting = null;
    }
    this.go('idle', 'on-hook');
  }

  private onFlash(now: number): void {
    const s = this.stateValue;
    if (s === 'idle' || s === 'ringing' || s === 'lockout') return;
    const active = this.active;
    if (this.waiting && (s === 'connected' || s === 'ended')) {
      // answer the waiting call; the current one (if any) goes on hold
      this.act({ type: 'call-waiting-tone', on: false });
      if (active) {
        this.act({ type: 'hold', callId: active.callId, on: true });
        this.held = active;
        this.heldFor = 'swap';
      }
      this.active = this.waiting;
      this.waiting = null;
      this.active.answered = true;
      this.act({ type: 'tone', tone: 'none' });
      this.act({ type: 'answer', callId: this.active.callId });
      this.act({ type: 'media', callIds: [this.active.callId] });
      this.deadline = undefined;
      this.go('connected', 'flash-answer-waiting');
      return;
    }
    if (s === 'conference') {
      // drop the party added last, keep talking to the first one
      if (active) this.act({ type: 'hangup', callId: active.callId });
      this.active = this.held;
      this.held = null;
      this.act({ type: 'media', callIds: this.active ? [this.active.callId] : [] });
      this.go('connected', 'flash-drop-last');
      return;
    }
    if (this.held) {
      if (s === 'connected' && active && this.heldFor === 'consult') {
        // both legs up: three-way conference, mixed locally
        this.act({ type: 'hold', callId: this.held.callId, on: false });
        this.act({ type: 'media', callIds: [this.held.callId, active.callId] });
        this.go('conference', 'flash-conference');
        return;
      }
      if (s === 'connected' && active) {
        // call waiting: swap the two calls
        this.act({ type: 'hold', callId: active.callId, on: true });
        this.act({ type: 'hold', callId: this.held.callId, on: false });
        this.active = this.held;
        this.held = active;
        this.act({ type: 'media', callIds: [this.active.callId] });
        return;
      }
      // consultation abandoned (dialling, ringing, failed): back to the held party
      if (active) this.act({ type: 'hangup', callId: active.callId });
      this.active = this.held;
      this.held = null;
      this.deadline = undefined;
      this.digits = '';
      this.act({ type: 'tone', tone: 'none' });
      this.act({ type: 'hold', callId: this.active.callId, on: false });
      this.act({ type: 'media', callIds: [this.active.callId] });
      this.go('connected', 'flash-resume');
      return;
    }
    if (s === 'connected' && active) {
      // consultation: hold the far end, dial tone for a third party
      this.act({ type: 'hold', callId: active.callId, on: true });
      this.act({ type: 'media', callIds: [] });
      this.held = active;
      this.heldFor = 'consult';
      this.active = null;
      this.go('dialtone', 'flash-consult');
      this.dialTone(now);
    }
  }

  // ---- digits -----------------------------------------------------------------------------

  private onDigit(d: string, pulse: boolean, now: number): void {
    if (this.stateValue !== 'dialtone' && this.stateValue !== 'collecting') return;
    if (this.stateValue === 'dialtone') {
      this.act({ type: 'tone', tone: 'none' });
      this.rotary = pulse;
      this.go('collecting', 'digit');
    }
    this.digits += d;
    this.decide(now, false);
  }

  private decide(now: number, final: boolean): void {
    const plan = this.overlap ? { ...this.plan, map: this.overlap } : this.plan;
    const r = decideDigits(this.digits, plan, { final, rotary: this.rotary });
    switch (r.kind) {
      case 'wait':
        this.deadline = now + (r.timer === 'short' ? this.timings.interDigitMs : this.timings.longInterDigitMs);
        return;
      case 'dial':
        this.deadline = undefined;
        if (this.digits.endsWith('#')) this.digits = this.digits.slice(0, -1);
        return this.placeCall(r.number, this.held ? 'three-way' : 'handset', now);
      case 'reject':
        return this.endWith('reorder', now, `dial-${r.reason}`);
      case 'modifier':
        this.applyModifier(r.action);
        this.digits = r.rest;
        if (r.rest === '') {
          this.deadline = undefined;
          this.go('dialtone', 'modifier');
          this.act({ type: 'tone', tone: 'dial' });
          this.deadline = now + this.timings.dialToneMs;
          return;
        }
        return this.decide(now, final);
      case 'feature':
        return this.onFeature(r.action, r.argument ?? '', now);
    }
  }

  private applyModifier(action: StarCodeAction): void {
    if (action === 'anonymous-next-call') this.nextAnonymous = this.callAnonymous = true;
    else if (action === 'show-number-next-call') this.nextAnonymous = this.callAnonymous = false;
    else if (action === 'cancel-call-waiting-next-call') this.nextNoCallWaiting = this.callNoCallWaiting = true;
  }

  private onFeature(action: StarCodeAction, argument: string, now: number): void {
    this.deadline = undefined;
    if (action === 'call-return' || action === 'repeat-dial') {
      const n = action === 'call-return' ? this.lastCaller : this.lastDialled;
      if (!n) return this.endWith('reorder', now, 'nothing-to-dial');
      return this.placeCall(n, 'handset', now);
    }
    const next = applyFeatureCode(this.featureValues, action, argument);
    if (!next) return this.endWith('reorder', now, 'unknown-feature');
    this.featureValues = next;
    this.act({ type: 'features', features: { ...next }, action });
    this.go('confirm', 'feature');
    this.act({ type: 'tone', tone: 'confirm' });
    this.deadline = now + this.timings.confirmMs;
  }

  private placeCall(number: string, path: CallPath, now: number): void {
    void now;
    this.go('calling', 'dial');
    this.deadline = undefined;
    this.lastDialled = number;
    this.active = { callId: '', number, answered: false };
    const anonymous = this.callAnonymous || this.nextAnonymous;
    this.nextAnonymous = false;
    if (this.nextNoCallWaiting) {
      this.callNoCallWaiting = true;
      this.nextNoCallWaiting = false;
    }
    this.act({ type: 'place-call', number, path, anonymous });
  }

  /** The controller reports the Call-ID of the call it placed for 'place-call'. */
  callPlaced(callId: string): void {
    if (this.stateValue === 'calling' && this.active && this.active.callId === '') this.active.callId = callId;
  }

  /** The controller did not place the call (the toll-fraud guard refused it): reorder. */
  callRefused(now: number): void {
    if (this.stateValue !== 'calling' || !this.active || this.active.callId !== '') return;
    this.active = null;
    this.endWith('reorder', now, 'refused');
  }

  private endWith(tone: 'reorder' | 'busy', now: number, why: string): void {
    this.go('ended', why);
    this.act({ type: 'tone', tone });
    this.deadline = now + this.timings.endedToneMs;
  }

  // ---- incoming calls ---------------------------------------------------------------------

  private onIncoming(e: Extract<LineEvent, { type: 'incoming-call' }>, now: number): void {
    const f = this.featureValues;
    if (e.from) this.lastCaller = e.from;
    if (f.dnd) return this.act({ type: 'reject', callId: e.callId, status: f.dndStatus });
    if (f.forwardAll) return this.act({ type: 'forward', callId: e.callId, target: f.forwardAll, reason: 'all' });
    if (this.stateValue === 'idle') {
      this.go('ringing', 'incoming');
      this.active = { callId: e.callId, ...(e.from ? { number: e.from } : {}), answered: false };
      this.reminder = false;
      this.act({ type: 'send-ringing', callId: e.callId });
      this.startRing(e.cadence ?? this.timings.ringCadence, now);
      if (f.forwardNoAnswer) this.noAnswerAt = now + f.forwardNoAnswerMs;
      return;
    }
    const canWait =
      f.callWaiting && !this.callNoCallWaiting && this.stateValue === 'connected' && this.active?.answered && !this.held && !this.waiting;
    if (canWait) {
      this.waiting = { callId: e.callId, ...(e.from ? { number: e.from } : {}), answered: false };
      this.act({ type: 'send-ringing', callId: e.callId });
      this.act({ type: 'call-waiting-tone', on: true });
      return;
    }
    if (f.forwardBusy) return this.act({ type: 'forward', callId: e.callId, target: f.forwardBusy, reason: 'busy' });
    this.act({ type: 'reject', callId: e.callId, status: 486 });
  }

  private startRing(cadence: readonly number[], now: number): void {
    for (const on of this.ringer.start(cadence, now)) this.act({ type: 'ring', on });
  }

  private stopRing(): void {
    for (const on of this.ringer.stop()) this.act({ type: 'ring', on });
  }

  private onCallEnded(e: Extract<LineEvent, { type: 'call-ended' }>, now: number): void {
    const id = e.callId;
    this.transferring.delete(id);
    if (this.waiting?.callId === id) {
      this.waiting = null;
      this.act({ type: 'call-waiting-tone', on: false });
      return;
    }
    if (this.held?.callId === id) {
      this.held = null;
      if (this.stateValue === 'conference') {
        this.act({ type: 'media', callIds: this.active ? [this.active.callId] : [] });
        this.go('connected', 'held-left-conference');
      }
      return;
    }
    if (this.active?.callId !== id) return;
    const ended = this.active;
    this.active = null;
    this.noAnswerAt = undefined;
    if (this.stateValue === 'ringing') {
      this.stopRing();
      this.reminder = false;
      this.go('idle', 'cancelled');
      return;
    }
    if (this.stateValue === 'conference') {
      this.active = this.held;
      this.held = null;
      this.act({ type: 'media', callIds: this.active ? [this.active.callId] : [] });
      this.go('connected', 'party-left-conference');
      return;
    }
    if (this.stateValue !== 'calling' && this.stateValue !== 'connected') return;
    this.act({ type: 'media', callIds: [] });
    const map = this.plan.map as Partial<DigitMap>;
    if (e.status === 484 && this.stateValue === 'calling' && !this.held && this.digits && map.onAddressIncomplete) {
      // the provider wants more digits: keep collecting, send the longer number on the timer or #
      this.overlap = map.onAddressIncomplete.call(this.plan.map, this.digits, ended.number ?? this.digits);
      this.act({ type: 'tone', tone: 'none' });
      this.go('collecting', 'address-incomplete');
      this.deadline = now + this.timings.longInterDigitMs;
      return;
    }
    const busy = e.status === 486 || e.status === 600 || e.status === 603;
    this.endWith(busy ? 'busy' : 'reorder', now, 'call-ended');
    void this.offHook;
  }
}
