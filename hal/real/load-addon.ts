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

/**
 * The exports of a CommonJS package imported with `import()`: Node puts `module.exports` on
 * `default` and only adds the names its static analysis finds (none for `spi-device`).
 */
export function cjsExports<T>(ns: unknown): T {
  const d = (ns as { default?: unknown }).default;
  return (d !== undefined && d !== null && (typeof d === 'object' || typeof d === 'function') ? d : ns) as T;
}
