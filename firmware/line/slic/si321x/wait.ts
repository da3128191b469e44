/** Waiting on the injected clock, bounded: the driver never spins and never waits forever. */
import type { Clock } from '../../../core/clock.js';

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.at(clock.now() + ms, resolve);
  });
}

export interface PollResult<T> {
  ok: boolean;
  value: T;
  elapsedMs: number;
}

/**
 * Read `probe` until `done(value)` holds, first at once, then every `intervalMs`, for at most
 * `timeoutMs` of clock time (the last read is at or after the timeout). Returns the last value.
 */
export async function pollUntil<T>(
  clock: Clock,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  o: { intervalMs: number; timeoutMs: number },
): Promise<PollResult<T>> {
  const start = clock.now();
  for (;;) {
    const value = await probe();
    const elapsedMs = clock.now() - start;
    if (done(value)) return { ok: true, value, elapsedMs };
    if (elapsedMs >= o.timeoutMs) return { ok: false, value, elapsedMs };
    await sleep(clock, Math.min(o.intervalMs, o.timeoutMs - elapsedMs));
  }
}

/** Runs async jobs one at a time, in call order. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
