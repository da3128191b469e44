/** A test driver for LineFsm: virtual time, collected actions, automatic Call-IDs for placed calls. */
import { LineFsm } from '../../../firmware/line/line-fsm.js';
import type { LineAction, LineEvent, LineFsmOptions } from '../../../firmware/line/line-fsm.js';

export class FsmHarness {
  readonly fsm: LineFsm;
  now = 0;
  private placed = 0;
  /** Place-call requests are answered with callPlaced (true) or callRefused (false). */
  allowCalls = true;
  readonly log: Array<[number, LineAction]> = [];
  private pending: LineAction[] = [];

  constructor(options: LineFsmOptions = {}) {
    this.fsm = new LineFsm(options);
  }

  private collect(): void {
    for (let a = this.fsm.poll(); a; a = this.fsm.poll()) {
      this.log.push([this.now, a]);
      this.pending.push(a);
      if (a.type === 'place-call') {
        if (this.allowCalls) this.fsm.callPlaced(`out${++this.placed}`);
        else this.fsm.callRefused(this.now);
      }
    }
  }

  /** Handle an event at the current time (after advancing `afterMs`). */
  send(e: LineEvent, afterMs = 0): this {
    this.advance(afterMs);
    this.fsm.handle(e, this.now);
    this.collect();
    return this;
  }

  /** Let virtual time pass, firing the FSM's timers on time. */
  advance(ms: number): this {
    const to = this.now + ms;
    for (let d = this.fsm.nextDeadline(); d !== undefined && d <= to; d = this.fsm.nextDeadline()) {
      this.now = Math.max(this.now, d);
      this.fsm.handleTimeout(this.now);
      this.collect();
    }
    this.now = to;
    return this;
  }

  dial(digits: string, gapMs = 200, pulse = false): this {
    for (const d of digits) this.send({ type: 'digit', digit: d, ...(pulse ? { pulse: true } : {}) }, gapMs);
    return this;
  }

  /** The actions since the last take(). */
  take(): LineAction[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Only actions of these types since the last take(). */
  takeOf(...types: Array<LineAction['type']>): LineAction[] {
    return this.take().filter((a) => types.includes(a.type));
  }

  /** The last place-call action in the whole log. */
  lastPlaced(): Extract<LineAction, { type: 'place-call' }> | undefined {
    const all = this.log.map(([, a]) => a).filter((a): a is Extract<LineAction, { type: 'place-call' }> => a.type === 'place-call');
    return all[all.length - 1];
  }

  /** Answer an incoming call `id`: it rings, the handset goes off-hook. */
  answerIncoming(id: string): this {
    this.send({ type: 'incoming-call', callId: id }).send({ type: 'off-hook' }, 100);
    this.take();
    return this;
  }

  /** Dial `digits`, and have the call answered. */
  callOut(digits: string): string {
    this.send({ type: 'off-hook' }).dial(digits);
    if (this.fsm.state === 'collecting') this.send({ type: 'digit', digit: '#' });
    const id = this.fsm.currentCall!;
    this.send({ type: 'call-answered', callId: id }, 100);
    this.take();
    return id;
  }
}
