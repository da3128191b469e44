import { performance } from 'node:perf_hooks';
import type { Cancel, Clock } from './clock.js';

/** The real clock: monotonic time from performance.now(), timers from setTimeout. */
export function createSystemClock(): Clock {
  return {
    now: () => performance.now(),
    at(at: number, fn: () => void): Cancel {
      const delay = Math.max(0, at - performance.now());
      const handle = setTimeout(fn, delay);
      return () => clearTimeout(handle);
    },
    wallTime: () => new Date(),
  };
}
