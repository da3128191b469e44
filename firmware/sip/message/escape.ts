/**
 * %-escaping of URI components (RFC 3261 §19.1.2, §25.1). Unescaping works on UTF-8 octets, so
 * `%00` yields a NUL character and is never a string terminator.
 */

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()";
/** user = 1*( unreserved / escaped / user-unreserved ), user-unreserved = & = + $ , ; ? / */
export const USER_CHARS = table(UNRESERVED + '&=+$,;?/');
/** password = *( unreserved / escaped / & = + $ , ) */
export const PASSWORD_CHARS = table(UNRESERVED + '&=+$,');
/** paramchar = param-unreserved / unreserved / escaped, param-unreserved = [ ] / : & + $ */
export const PARAM_CHARS = table(UNRESERVED + '[]/:&+$');
/** hname/hvalue = *( hnv-unreserved / unreserved / escaped ), hnv-unreserved = [ ] / ? : + $ */
export const HEADER_CHARS = table(UNRESERVED + '[]/?:+$');
/** telephone-subscriber characters (RFC 3966), roughly: digits, visual separators, + * # and letters. */
export const TEL_CHARS = table(UNRESERVED + '+#');

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Decode %XX escapes (as UTF-8 octets). A `%` not followed by two hex digits stays literal. */
export function unescapePercent(s: string): string {
  if (s.indexOf('%') === -1) return s;
  const src = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 37 && i + 2 < src.length) {
      const hi = hexVal(src[i + 1]!);
      const lo = hexVal(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = hi * 16 + lo;
        i += 2;
        continue;
      }
    }
    out[n++] = c;
  }
  return out.toString('utf8', 0, n);
}

const HEX = '0123456789ABCDEF';

/** Escape every octet of `s` (as UTF-8) that is not in `allowed`. `%` itself is always escaped. */
export function escapePercent(s: string, allowed: Uint8Array): string {
  let clean = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || allowed[c] !== 1) {
      clean = false;
      break;
    }
  }
  if (clean) return s;
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (b < 128 && allowed[b] === 1) out += String.fromCharCode(b);
    else out += '%' + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}
