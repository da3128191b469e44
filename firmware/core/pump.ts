import type { Cancel, Clock } from './clock.js';

/** A sans-IO core as the pump sees it. */
export interface TimedCore {
  nextDeadline(): number | undefined;
  handleTimeout(now: number): void;
}

/**
 * Drives a sans-IO core on a clock: after every input call `kick()`; the pump re-arms one timer at
 * the core's next deadline, runs `handleTimeout` when it falls due, then calls `drain` so the
 * adapter can act on the core's outputs.
 */
export class Pump {
  private cancel: Cancel | undefined;
  private armedAt: number | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly core: TimedCore,
    private readonly drain: () => void,
  ) {}

  kick(): void {
    this.drain();
    this.rearm();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  private rearm(): void {
    if (this.stopped) return;
    const at = this.core.nextDeadline();
    if (at === this.armedAt && this.cancel) return;
    this.cancel?.();
    this.cancel = undefined;
    this.armedAt = at;
    if (at === undefined) return;
    this.cancel = this.clock.at(at, () => {
      this.cancel = undefined;
      this.armedAt = undefined;
      this.core.handleTimeout(this.clock.now());
      this.kick();
    });
  }
}
