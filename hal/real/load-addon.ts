/**
 * Native addons are loaded lazily, on the first open() of a backend that needs them, so the
 * firmware (and the simulated board) still runs where an addon failed to build. A failure to load
 * becomes HalError 'unsupported' naming the package and why.
 */
import { HalError } from '../errors.js';

export type Loader<T> = () => Promise<T>;

/** Memoise `load` (one import per backend) and map its failure to HalError 'unsupported'. */
export function lazyAddon<T>(pkg: string, load: Loader<T>): Loader<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((e: unknown) => {
      pending = undefined; // allow a retry (e.g. after `npm rebuild`)
      const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
      throw new HalError('unsupported', `the '${pkg}' package cannot be loaded here: ${reason} (check that npm built its native addon: npm rebuild ${pkg})`, {
        device: pkg,
        cause: e,
      });
    });
    return pending;
  };
}
