/**
 * Time, injected. Cores never read the clock themselves: they are handed `now` (monotonic ms)
 * and report `nextDeadline()`. Only adapters hold a Clock and arm timers on it.
 */
export type Cancel = () => void;

export interface Clock {
  /** Monotonic milliseconds (fractional allowed). */
  now(): number;
  /** Run `fn` once when `now()` reaches `at` (or at once if already past). */
  at(at: number, fn: () => void): Cancel;
  /** Wall-clock time, for Date headers and logs only (never for timing). */
  wallTime(): Date;
}

/** Run `fn` after `ms` milliseconds on `clock`. */
export function after(clock: Clock, ms: number, fn: () => void): Cancel {
  return clock.at(clock.now() + ms, fn);
}
