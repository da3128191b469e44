/**
 * Character classes and small scanners for the RFC 3261 §25 grammar, shared by the header-value
 * parsers. Everything works on char codes with lookup tables: no regular expressions.
 */

function table(chars: string, base?: Uint8Array): Uint8Array {
  const t = new Uint8Array(128);
  if (base) t.set(base);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const ALNUM = table('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
const TOKEN = table("-.!%*_+`'~", ALNUM);
/** word (Call-ID) = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}") */
const WORD = table('()<>:\\"/[]?{}', TOKEN);
/** Characters of a host name, IPv4 address or (inside brackets) IPv6 address. "_" tolerated. */
const HOST = table('-._', ALNUM);
const IPV6 = table('0123456789abcdefABCDEF:.');
const SCHEME = table('+-.', ALNUM);

export const Ch = {
  Tab: 9,
  Lf: 10,
  Cr: 13,
  Space: 32,
  Quote: 34,
  Percent: 37,
  Comma: 44,
  Slash: 47,
  Colon: 58,
  Semi: 59,
  Lt: 60,
  Eq: 61,
  Gt: 62,
  Question: 63,
  At: 64,
  LBracket: 91,
  Backslash: 92,
  RBracket: 93,
} as const;

export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

export function isWordChar(c: number): boolean {
  return c < 128 && WORD[c] === 1;
}

export function isHostChar(c: number): boolean {
  return c < 128 && HOST[c] === 1;
}

export function isIpv6Char(c: number): boolean {
  return c < 128 && IPV6[c] === 1;
}

export function isSchemeChar(c: number): boolean {
  return c < 128 && SCHEME[c] === 1;
}

export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isWsp(c: number): boolean {
  return c === Ch.Space || c === Ch.Tab;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** Index of the first non-SP/HTAB character at or after `i`. */
export function skipWs(s: string, i: number, end = s.length): number {
  while (i < end && isWsp(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past a run of token characters starting at `i`. */
export function scanToken(s: string, i: number, end = s.length): number {
  while (i < end && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past a run of digits starting at `i`. */
export function scanDigits(s: string, i: number, end = s.length): number {
  while (i < end && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** Trim SP and HTAB (only) from both ends. */
export function trimWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWsp(s.charCodeAt(a))) a++;
  while (b > a && isWsp(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * `s[i]` is a double quote: the index just past the matching closing quote, honouring
 * backslash escapes, or -1 when the string is not terminated.
 */
export function scanQuoted(s: string, i: number, end = s.length): number {
  for (let j = i + 1; j < end; j++) {
    const c = s.charCodeAt(j);
    if (c === Ch.Backslash) j++;
    else if (c === Ch.Quote) return j + 1;
  }
  return -1;
}

/** The content of a quoted string (with its quotes) with quoted-pairs resolved. Other text is returned as is. */
export function unquote(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== Ch.Quote || s.charCodeAt(s.length - 1) !== Ch.Quote) return s;
  return unescapeQuotedPairs(s.slice(1, -1));
}

/** Resolve quoted-pairs (`\x` → `x`). */
export function unescapeQuotedPairs(s: string): string {
  let slash = s.indexOf('\\');
  if (slash === -1) return s;
  let out = '';
  let from = 0;
  while (slash !== -1 && slash < s.length - 1) {
    out += s.slice(from, slash) + s[slash + 1];
    from = slash + 2;
    slash = s.indexOf('\\', from);
  }
  return out + s.slice(from);
}

/** A quoted-string for `s`: double quotes around it, `"` and `\` escaped. */
export function quote(s: string): string {
  if (s.indexOf('"') === -1 && s.indexOf('\\') === -1) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  }
  return out + '"';
}

/**
 * Split a header value at top-level separators (comma by default), not inside quoted strings or
 * `<...>`. Elements are trimmed of SP/HTAB; empty elements are dropped.
 */
export function splitTopLevel(s: string, sep: number = 44): string[] {
  const out: string[] = [];
  const sepChar = String.fromCharCode(sep);
  if (s.indexOf(sepChar) === -1) {
    const t = trimWs(s);
    if (t.length > 0) out.push(t);
    return out;
  }
  let start = 0;
  let angle = false;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === Ch.Quote) {
      const end = scanQuoted(s, i, n);
      i = end === -1 ? n : end - 1;
    } else if (c === Ch.Lt) angle = true;
    else if (c === Ch.Gt) angle = false;
    else if (c === sep && !angle) {
      const t = trimWs(s.slice(start, i));
      if (t.length > 0) out.push(t);
      start = i + 1;
    }
  }
  const t = trimWs(s.slice(start));
  if (t.length > 0) out.push(t);
  return out;
}

/** The first element of `splitTopLevel(s)`, without splitting the rest. */
export function firstTopLevel(s: string, sep: number = 44): string | undefined {
  const n = s.length;
  let angle = false;
  let start = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === Ch.Quote) {
      const end = scanQuoted(s, i, n);
      i = end === -1 ? n : end - 1;
    } else if (c === Ch.Lt) angle = true;
    else if (c === Ch.Gt) angle = false;
    else if (c === sep && !angle) {
      const t = trimWs(s.slice(start, i));
      if (t.length > 0) return t;
      start = i + 1;
    }
  }
  const t = trimWs(s.slice(start));
  return t.length > 0 ? t : undefined;
}

/** Collapse runs of SP/HTAB into one SP and trim. */
export function collapseWs(s: string): string {
  const t = trimWs(s);
  let prevWs = false;
  let simple = true;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (isWsp(c)) {
      if (prevWs || c === Ch.Tab) {
        simple = false;
        break;
      }
      prevWs = true;
    } else prevWs = false;
  }
  if (simple) return t;
  let out = '';
  prevWs = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (isWsp(c)) {
      if (!prevWs) out += ' ';
      prevWs = true;
    } else {
      out += t[i];
      prevWs = false;
    }
  }
  return out;
}
