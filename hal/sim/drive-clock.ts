/**
 * Helpers for tests that run the simulated board on a FakeClock while code under test also uses
 * promises and microtasks (GPIO watch callbacks, awaited writes). Time jumps from one armed
 * deadline to the next and all pending promise work settles in between, so nothing ever sees a
 * timestamp later than the one it would have seen on real hardware. No real timers are used.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FakeClock } from '../../firmware/core/fake-clock.js';
import { LocalError } from '../../firmware/core/errors.js';

/** Let every queued promise reaction and microtask run (one event-loop turn). */
export async function settle(): Promise<void> {
  await nextTurn();
}

/** Move `clock` forward by `ms`, deadline by deadline, settling promise work at each step. */
export async function advanceAsync(clock: FakeClock, ms: number): Promise<void> {
  await advanceToAsync(clock, clock.now() + ms);
}

export async function advanceToAsync(clock: FakeClock, target: number): Promise<void> {
  await settle();
  for (;;) {
    const next = clock.nextDeadline();
    if (next === undefined || next > target) break;
    clock.advanceTo(Math.max(next, clock.now()));
    await settle();
  }
  clock.advanceTo(target);
  await settle();
}

/**
 * Run the clock until `promise` settles, for at most `maxMs` of clock time; returns its value
 * (or rethrows its error). Throws LocalError 'timeout' if it is still pending after `maxMs`.
 */
export async function runUntil<T>(clock: FakeClock, promise: Promise<T>, maxMs: number): Promise<T> {
  let done = false;
  let value: T | undefined;
  let error: unknown;
  let failed = false;
  promise.then(
    (v) => {
      done = true;
      value = v;
    },
    (e: unknown) => {
      done = true;
      failed = true;
      error = e;
    },
  );
  const end = clock.now() + maxMs;
  await settle();
  while (!done) {
    const next = clock.nextDeadline();
    if (next === undefined || next > end) {
      clock.advanceTo(end);
      await settle();
      break;
    }
    clock.advanceTo(Math.max(next, clock.now()));
    await settle();
  }
  if (!done) throw new LocalError('timeout', `still pending after ${maxMs} ms of clock time`);
  if (failed) throw error;
  return value as T;
}
