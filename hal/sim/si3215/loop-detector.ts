/**
 * Loop closure (LCR) and ring trip (RTP) detection of the simulated ProSLIC. Both follow the raw
 * loop state only after it has been stable for their debounce interval (registers 69 and 70,
 * 1.25 ms per LSB), so contact bounce shorter than that is never seen. Loop current flows only
 * in the fed (active / on-hook transmission) states: there LCR follows the loop; with the line
 * open it falls to 0; while ringing it holds and RTP follows the loop instead.
 */
import type { Cancel, Clock } from '../../../firmware/core/clock.js';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';

export type FeedMode = 'fed' | 'ringing' | 'unfed';

type Stage = 'stable' | 'debouncing';
type StageEvent = 'input' | 'settled';
const STAGES: Record<Stage, Partial<Record<StageEvent, Stage>>> = {
  stable: { input: 'debouncing' },
  debouncing: { input: 'debouncing', settled: 'stable' },
};

export interface LoopDetectorOptions {
  clock: Clock;
  loopDebounceMs: () => number;
  ringTripDebounceMs: () => number;
  /** LCR changed (after debounce). */
  onLoopClosure: (closed: boolean) => void;
  /** RTP went to 1 (after debounce). */
  onRingTrip: () => void;
}

export class LoopDetector {
  private raw = false;
  private mode: FeedMode = 'unfed';
  private lcr = false;
  private rtp = false;
  private stage: Stage = 'stable';
  private timer: Cancel | undefined;

  constructor(private readonly o: LoopDetectorOptions) {}

  get loopClosed(): boolean {
    return this.lcr;
  }

  get ringTrip(): boolean {
    return this.rtp;
  }

  setRaw(closed: boolean): void {
    if (closed === this.raw) return;
    this.raw = closed;
    this.evaluate();
  }

  setMode(mode: FeedMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    if (mode !== 'ringing') this.rtp = false;
    this.evaluate();
  }

  /** Chip reset: nothing detected, line unfed. */
  reset(): void {
    this.cancel();
    this.mode = 'unfed';
    this.lcr = false;
    this.rtp = false;
  }

  private targetLcr(): boolean {
    if (this.mode === 'fed') return this.raw;
    if (this.mode === 'ringing') return this.lcr;
    return false;
  }

  private targetRtp(): boolean {
    return this.mode === 'ringing' && this.raw;
  }

  /** Restart the debounce towards whatever differs from what is detected now. */
  private evaluate(): void {
    this.cancel();
    const lcr = this.targetLcr();
    const rtp = this.targetRtp();
    if (lcr === this.lcr && rtp === this.rtp) return;
    this.step('input');
    const ms = rtp !== this.rtp ? this.o.ringTripDebounceMs() : this.o.loopDebounceMs();
    this.timer = this.o.clock.at(this.o.clock.now() + ms, () => {
      this.timer = undefined;
      this.step('settled');
      const nextLcr = this.targetLcr();
      const nextRtp = this.targetRtp();
      if (nextRtp && !this.rtp) {
        this.rtp = true;
        this.o.onRingTrip();
      } else if (!nextRtp) {
        this.rtp = false;
      }
      if (nextLcr !== this.lcr) {
        this.lcr = nextLcr;
        this.o.onLoopClosure(nextLcr);
      }
    });
  }

  private cancel(): void {
    this.timer?.();
    this.timer = undefined;
    if (this.stage === 'debouncing') this.stage = 'stable';
  }

  private step(event: StageEvent): void {
    const next = STAGES[this.stage][event];
    if (!next) throw new IllegalTransitionError('si3215-loop-detector', this.stage, event);
    this.stage = next;
  }
}
