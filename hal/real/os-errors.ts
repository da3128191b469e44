/**
 * Turning what the operating system (or a native addon) reported into a HalError with one of the
 * HAL's codes. Addons report errno either as `err.code` ('ENOENT') or only inside the message
 * ('Error: No such file or directory, cannot open /dev/ttyUSB0'), so both are looked at.
 */
import { HalError } from '../errors.js';
import type { HalErrorCode } from '../errors.js';

const BY_ERRNO: Readonly<Record<string, HalErrorCode>> = {
  ENOENT: 'no-device',
  ENODEV: 'no-device',
  ENXIO: 'no-device',
  EBUSY: 'busy',
  EAGAIN: 'busy',
  EWOULDBLOCK: 'busy',
  EINVAL: 'bad-argument',
  EMSGSIZE: 'bad-argument',
  ERANGE: 'bad-argument',
  ENOTTY: 'unsupported',
  EOPNOTSUPP: 'unsupported',
  ENOSYS: 'unsupported',
  EBADF: 'closed',
  EACCES: 'io',
  EPERM: 'io',
  EIO: 'io',
};

const BY_TEXT: ReadonlyArray<[RegExp, HalErrorCode]> = [
  [/no such file or directory|no such device|cannot find/i, 'no-device'],
  [/resource busy|device or resource busy|cannot lock port|temporarily unavailable/i, 'busy'],
  [/invalid argument|message too long/i, 'bad-argument'],
  [/inappropriate ioctl|not supported|not implemented/i, 'unsupported'],
  [/bad file descriptor|port is not open|not open/i, 'closed'],
];

/** The errno name carried by an error, if any ('ENOENT'). */
export function errnoOf(e: unknown): string | undefined {
  if (e && typeof e === 'object') {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  }
  return undefined;
}

/** The HAL code for an OS/addon error; `fallback` when nothing matches. */
export function halCodeOf(e: unknown, fallback: HalErrorCode = 'io'): HalErrorCode {
  const errno = errnoOf(e);
  if (errno && BY_ERRNO[errno]) return BY_ERRNO[errno] as HalErrorCode;
  const text = e instanceof Error ? e.message : String(e);
  for (const [re, code] of BY_TEXT) if (re.test(text)) return code;
  return fallback;
}

function hintFor(errno: string | undefined, device: string): string {
  if (errno === 'EACCES' || errno === 'EPERM') return ` (permission denied: run as root or add the user to the group owning ${device})`;
  return '';
}

/** Wrap an OS/addon error as a HalError (a HalError passes through unchanged). */
export function toHalError(e: unknown, what: string, device: string, fallback: HalErrorCode = 'io'): HalError {
  if (e instanceof HalError) return e;
  const code = halCodeOf(e, fallback);
  const reason = e instanceof Error ? e.message : String(e);
  return new HalError(code, `${what} ${device}: ${reason}${hintFor(errnoOf(e), device)}`, { device, cause: e });
}
