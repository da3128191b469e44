/**
 * The bell's cadence, sans-IO: `start(cadence, now)` then `step(now)` at `nextDeadline()`; each
 * call returns the ring voltage changes (true = on) the line must apply.
 */
export class Ringer {
  private cadence: readonly number[] = [];
  private index = 0;
  private on = false;
  private next: number | undefined;

  get ringing(): boolean {
    return this.next !== undefined;
  }

  get voltageOn(): boolean {
    return this.on;
  }

  nextDeadline(): number | undefined {
    return this.next;
  }

  /** Begin a ring cycle with `cadence` (ms on, off, on, off …, repeated); returns [true]. */
  start(cadence: readonly number[], now: number): boolean[] {
    this.cadence = cadence.length > 0 ? cadence : [2000, 4000];
    this.index = 0;
    this.on = true;
    this.next = now + this.cadence[0]!;
    return [true];
  }

  /** Advance to `now`; returns the changes that fell due. */
  step(now: number): boolean[] {
    const out: boolean[] = [];
    while (this.next !== undefined && now >= this.next) {
      this.index = (this.index + 1) % this.cadence.length;
      this.on = this.index % 2 === 0;
      out.push(this.on);
      this.next += this.cadence[this.index]!;
    }
    return out;
  }

  /** Stop ringing; returns [false] if the voltage was on. */
  stop(): boolean[] {
    const wasOn = this.on;
    this.on = false;
    this.next = undefined;
    return wasOn ? [false] : [];
  }
}
