/**
 * A telephone's hook switch as the line sees it: a change may bounce (alternating levels in 1 ms
 * steps for `bounceMs`) before it settles, except going off-hook into ring voltage (ring trip),
 * which closes the loop cleanly. Levels go to `sink` (true = loop closed).
 */
import type { Cancel, Clock } from '../../../firmware/core/clock.js';

export class HookSwitch {
  private target = false;
  private timers: Cancel[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly sink: (closed: boolean) => void,
    public bounceMs = 0,
  ) {}

  get offHook(): boolean {
    return this.target;
  }

  set(offHook: boolean, ringing: boolean): void {
    for (const c of this.timers) c();
    this.timers = [];
    const previous = this.target;
    this.target = offHook;
    this.sink(offHook);
    if (previous === offHook || this.bounceMs < 2 || (offHook && ringing)) return;
    const start = this.clock.now();
    for (let k = 1; k < Math.floor(this.bounceMs); k++) {
      const level = k % 2 === 1 ? !offHook : offHook;
      this.timers.push(this.clock.at(start + k, () => this.sink(level)));
    }
    this.timers.push(this.clock.at(start + this.bounceMs, () => this.sink(offHook)));
  }
}
