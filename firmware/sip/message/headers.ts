/**
 * An ordered list of header lines with canonical (long-form) names. Values are kept as received
 * (unfolded, trimmed); list-valued headers are split at top-level commas only when read.
 */
import { firstTopLevel, splitTopLevel } from './syntax.js';

/** Compact forms (RFC 3261 §7.3.3 and the IANA SIP parameters registry). */
const COMPACT: Record<string, string> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  o: 'Event',
  r: 'Refer-To',
  b: 'Referred-By',
  u: 'Allow-Events',
  x: 'Session-Expires',
  y: 'Identity',
  a: 'Accept-Contact',
  j: 'Reject-Contact',
  d: 'Request-Disposition',
  n: 'Identity-Info',
};

/** Names whose canonical spelling is not plain "Capitalised-Words". */
const WELL_KNOWN = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Accept-Resource-Priority',
  'Alert-Info', 'Allow', 'Allow-Events', 'Answer-Mode', 'Authentication-Info', 'Authorization',
  'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition', 'Content-Encoding', 'Content-ID',
  'Content-Language', 'Content-Length', 'Content-Transfer-Encoding', 'Content-Type', 'CSeq', 'Date',
  'Diversion', 'Error-Info', 'Event', 'Expires', 'Feature-Caps', 'Flow-Timer', 'From', 'Geolocation',
  'History-Info', 'Identity', 'Identity-Info', 'In-Reply-To', 'Info-Package', 'Join', 'Max-Breadth',
  'Max-Forwards', 'MIME-Version', 'Min-Expires', 'Min-SE', 'Organization', 'P-Access-Network-Info',
  'P-Asserted-Identity', 'P-Associated-URI', 'P-Called-Party-ID', 'P-Charging-Function-Addresses',
  'P-Charging-Vector', 'P-Early-Media', 'P-Preferred-Identity', 'P-Visited-Network-ID', 'Path',
  'Priority', 'Priv-Answer-Mode', 'Privacy', 'Proxy-Authenticate', 'Proxy-Authorization',
  'Proxy-Require', 'RAck', 'Reason', 'Record-Route', 'Recv-Info', 'Refer-Sub', 'Refer-To',
  'Referred-By', 'Reject-Contact', 'Remote-Party-ID', 'Replaces', 'Reply-To', 'Request-Disposition',
  'Require', 'Resource-Priority', 'Retry-After', 'Route', 'RSeq', 'Security-Client', 'Security-Server',
  'Security-Verify', 'Server', 'Service-Route', 'Session-Expires', 'Session-ID', 'SIP-ETag',
  'SIP-If-Match', 'Subject', 'Subscription-State', 'Supported', 'Suppress-If-Match', 'Target-Dialog',
  'Timestamp', 'To', 'Unsupported', 'User-Agent', 'User-to-User', 'Via', 'Warning', 'WWW-Authenticate',
];

/** Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1, §25 and extensions). */
const LIST_HEADERS = new Set([
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Accept-Resource-Priority',
  'Alert-Info', 'Allow', 'Allow-Events', 'Call-Info', 'Contact', 'Content-Encoding', 'Content-Language',
  'Error-Info', 'History-Info', 'In-Reply-To', 'P-Asserted-Identity', 'P-Associated-URI',
  'P-Preferred-Identity', 'Path', 'Proxy-Require', 'Reason', 'Record-Route', 'Recv-Info',
  'Reject-Contact', 'Request-Disposition', 'Require', 'Resource-Priority', 'Route', 'Security-Client',
  'Security-Server', 'Security-Verify', 'Service-Route', 'Supported', 'Unsupported', 'Via', 'Warning',
  'Diversion', 'Remote-Party-ID',
]);

const CANONICAL = new Map<string, string>();
for (const [k, v] of Object.entries(COMPACT)) CANONICAL.set(k, v);
for (const name of WELL_KNOWN) CANONICAL.set(name.toLowerCase(), name);

/** Memo of names already seen, exact spelling → canonical. Bounded: peers choose the names. */
const memo = new Map<string, string>();
const MEMO_LIMIT = 4096;

function capitalise(lower: string): string {
  let out = '';
  let up = true;
  for (let i = 0; i < lower.length; i++) {
    const ch = lower[i]!;
    out += up ? ch.toUpperCase() : ch;
    up = ch === '-';
  }
  return out;
}

type Entry = [name: string, value: string];

export class Headers implements Iterable<[string, string]> {
  #lines: Entry[] = [];

  constructor(entries?: Iterable<[string, string]>) {
    if (entries) for (const [n, v] of entries) this.#lines.push([Headers.canonicalName(n), v]);
  }

  /** The canonical long-form spelling of a header name (case-insensitive; compact forms expanded). */
  static canonicalName(name: string): string {
    const hit = memo.get(name);
    if (hit !== undefined) return hit;
    const lower = name.toLowerCase();
    const canonical = CANONICAL.get(lower) ?? capitalise(lower);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(name, canonical);
    return canonical;
  }

  /** True when the header's grammar is a comma-separated list (so `getAll` splits its lines). */
  static isList(name: string): boolean {
    return LIST_HEADERS.has(Headers.canonicalName(name));
  }

  /** The first value of the first line with this name (for list headers: the first list element). */
  get(name: string): string | undefined {
    const c = Headers.canonicalName(name);
    const list = LIST_HEADERS.has(c);
    for (const line of this.#lines) {
      if (line[0] !== c) continue;
      if (!list) return line[1];
      const first = firstTopLevel(line[1]);
      if (first !== undefined) return first;
    }
    return undefined;
  }

  /** Every value of every line with this name; list headers are split at top-level commas. */
  getAll(name: string): string[] {
    const c = Headers.canonicalName(name);
    const list = LIST_HEADERS.has(c);
    const out: string[] = [];
    for (const line of this.#lines) {
      if (line[0] !== c) continue;
      if (list) {
        for (const v of splitTopLevel(line[1])) out.push(v);
      } else out.push(line[1]);
    }
    return out;
  }

  /** The raw lines with this name, unsplit. */
  lines(name: string): string[] {
    const c = Headers.canonicalName(name);
    const out: string[] = [];
    for (const line of this.#lines) if (line[0] === c) out.push(line[1]);
    return out;
  }

  /** How many lines carry this name. */
  count(name: string): number {
    const c = Headers.canonicalName(name);
    let n = 0;
    for (const line of this.#lines) if (line[0] === c) n++;
    return n;
  }

  has(name: string): boolean {
    const c = Headers.canonicalName(name);
    for (const line of this.#lines) if (line[0] === c) return true;
    return false;
  }

  /** Replace every line with this name by one line, at the position of the first (or at the end). */
  set(name: string, value: string): this {
    const c = Headers.canonicalName(name);
    const at = this.#lines.findIndex((l) => l[0] === c);
    if (at === -1) {
      this.#lines.push([c, value]);
      return this;
    }
    this.#lines[at] = [c, value];
    this.#lines = this.#lines.filter((l, i) => i <= at || l[0] !== c);
    return this;
  }

  append(name: string, value: string): this {
    this.#lines.push([Headers.canonicalName(name), value]);
    return this;
  }

  /** Insert a line before the first line with this name (or first of all): e.g. a new top Via. */
  prepend(name: string, value: string): this {
    const c = Headers.canonicalName(name);
    const at = this.#lines.findIndex((l) => l[0] === c);
    this.#lines.splice(at === -1 ? 0 : at, 0, [c, value]);
    return this;
  }

  delete(name: string): this {
    const c = Headers.canonicalName(name);
    this.#lines = this.#lines.filter((l) => l[0] !== c);
    return this;
  }

  /** All lines in order, as [canonical name, value] copies. */
  entries(): [string, string][] {
    return this.#lines.map((l) => [l[0], l[1]]);
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries()[Symbol.iterator]();
  }

  /** Visit the lines in order without copying them. */
  forEach(fn: (name: string, value: string) => void): void {
    for (const line of this.#lines) fn(line[0], line[1]);
  }

  /** Number of lines. */
  get size(): number {
    return this.#lines.length;
  }

  clone(): Headers {
    const h = new Headers();
    h.#lines = this.#lines.map((l) => [l[0], l[1]]);
    return h;
  }

  /** @internal Append a line whose name is already canonical (the parser's fast path). */
  appendCanonical(name: string, value: string): void {
    this.#lines.push([name, value]);
  }
}
