/**
 * Alert-Info (RFC 3261 §20.4, RFC 7462) → which ring cadence of the line's profile to use
 * (distinctive ringing). Pure: header values in, a cadence name out.
 *
 * Forms understood, in the order the values come (the first one that names a cadence wins):
 * - Bellcore names, as URI, URI path end, bare token or `info=` value: `<Bellcore-dr2>`,
 *   `<http://127.0.0.1/Bellcore-dr3>`, `<file://Bellcore-r4>`, `info=Bellcore-dr3`, `Bellcore-dr2`.
 *   dr1/r1 is the profile's normal ring; dr2-dr5 and r2-r5 are the GR-506 patterns; r6-r8 the
 *   extra patterns some ATAs define (see BELLCORE_CADENCES).
 * - `info=` tokens of PBXs: `<http://...>;info=alert-internal` (see DEFAULT_INFO_CADENCES).
 * - RFC 7462 URNs: `<urn:alert:source:internal>`, `<urn:alert:priority:high>` ... matched from the
 *   most to the least specific part (private `@provider` parts are dropped, RFC 7462 §7); see
 *   DEFAULT_URN_CADENCES. `service:call-waiting` is about ringback and is ignored.
 * A name the profile lacks is taken from BELLCORE_CADENCES (unless disabled); otherwise the next
 * value is tried, and in the end the profile's 'default' cadence is used. Unparseable values are
 * skipped: a bad Alert-Info never stops the phone ringing.
 */
import { parseParams } from '../sip/message/params.js';
import type { Params } from '../sip/message/types.js';
import { splitTopLevel, unquote } from '../sip/message/syntax.js';

export interface DistinctiveRing {
  /** ms on, off, on, off ... */
  cadence: readonly number[];
  /** false: play the cadence once, then silence (a ring splash). */
  repeat: boolean;
  description: string;
}

/**
 * Distinctive ring cadences, for the lead to merge into profiles that lack them.
 * dr1-dr5: Telcordia GR-506 distinctive ringing as implemented by SIP phones and ATAs (dr1 the
 * standard 2 s / 4 s; dr5 a single 0.5 s ring splash). r6-r8: the extra default patterns of the
 * Linksys/Cisco SPA ATAs (vendor convention, not GR-506); r1-r5 are the same as dr1-dr5 there.
 */
export const BELLCORE_CADENCES: Readonly<Record<string, DistinctiveRing>> = Object.freeze({
  'bellcore-dr1': { cadence: [2000, 4000], repeat: true, description: 'standard ring' },
  'bellcore-dr2': { cadence: [800, 400, 800, 4000], repeat: true, description: 'long-long' },
  'bellcore-dr3': { cadence: [400, 200, 400, 200, 800, 4000], repeat: true, description: 'short-short-long' },
  'bellcore-dr4': { cadence: [300, 200, 1000, 200, 300, 4000], repeat: true, description: 'short-long-short' },
  'bellcore-dr5': { cadence: [500], repeat: false, description: 'ring splash (one short ring)' },
  'bellcore-r6': { cadence: [200, 400, 200, 400, 200, 4000], repeat: true, description: 'three very short (SPA ring 6)' },
  'bellcore-r7': { cadence: [400, 200, 400, 200, 400, 4000], repeat: true, description: 'three short (SPA ring 7)' },
  'bellcore-r8': { cadence: [250, 9750], repeat: true, description: 'one short every 10 s (SPA ring 8)' },
});

/**
 * The repeating BELLCORE_CADENCES a profile's `ring.cadences` lacks, as profile data (a profile
 * cadence is always repeated, so the dr5 splash is left out; the line must treat it specially).
 */
export function missingBellcoreCadences(cadences: Readonly<Record<string, readonly number[]>>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, ring] of Object.entries(BELLCORE_CADENCES)) {
    if (name === 'bellcore-dr1' || !ring.repeat || Object.prototype.hasOwnProperty.call(cadences, name)) continue;
    out[name] = [...ring.cadence];
  }
  return out;
}

/** `info=` tokens (lower case) → cadence name. */
export const DEFAULT_INFO_CADENCES: Readonly<Record<string, string>> = Object.freeze({
  'alert-internal': 'bellcore-dr2',
  internal: 'bellcore-dr2',
  'alert-external': 'default',
  external: 'default',
  normal: 'default',
});

/** RFC 7462 alert URN parts after `urn:alert:` (lower case) → cadence name. */
export const DEFAULT_URN_CADENCES: Readonly<Record<string, string>> = Object.freeze({
  'service:normal': 'default',
  'source:unclassified': 'default',
  'priority:normal': 'default',
  'source:external': 'default',
  'source:internal': 'bellcore-dr2',
  'source:friend': 'bellcore-dr2',
  'source:family': 'bellcore-dr2',
  'service:forward': 'bellcore-dr3',
  'service:recall': 'bellcore-dr3',
  'priority:high': 'bellcore-dr4',
  'priority:low': 'bellcore-dr5',
});

export interface AlertInfoValue {
  /** What was inside `<...>` (or the bare token), or null for a params-only value. */
  uri: string | null;
  params: Params;
}

/**
 * Split Alert-Info header values (one string per header line, or a list) into their elements.
 * Never throws: elements that do not parse are left out.
 */
export function parseAlertInfo(values: string | readonly string[] | undefined): AlertInfoValue[] {
  const lines = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const out: AlertInfoValue[] = [];
  for (const line of lines) {
    for (const element of splitTopLevel(line)) {
      const v = parseElement(element);
      if (v) out.push(v);
    }
  }
  return out;
}

function parseElement(text: string): AlertInfoValue | undefined {
  try {
    if (text.startsWith('<')) {
      const close = text.indexOf('>');
      if (close < 0) return undefined;
      return { uri: text.slice(1, close).trim(), params: parseParams(text.slice(close + 1)) };
    }
    const semi = text.indexOf(';');
    const head = (semi < 0 ? text : text.slice(0, semi)).trim();
    const tail = semi < 0 ? '' : text.slice(semi);
    if (head.includes('=')) return { uri: null, params: parseParams(';' + text) };
    if (head === '' || /[\s<>"]/.test(head)) return undefined;
    return { uri: head, params: parseParams(tail) };
  } catch {
    return undefined;
  }
}

export interface RingSelectOptions {
  /** `info=` token table (replaces DEFAULT_INFO_CADENCES). */
  info?: Readonly<Record<string, string>>;
  /** URN table (replaces DEFAULT_URN_CADENCES). */
  urns?: Readonly<Record<string, string>>;
  /** Use BELLCORE_CADENCES for names the profile lacks (default true). */
  bellcoreFallback?: boolean;
}

export interface RingSelection {
  /** The cadence name ('default' when nothing matched). */
  name: string;
  cadence: readonly number[];
  repeat: boolean;
  /** The Alert-Info element that chose it, when one did. */
  matched?: string;
}

const BELLCORE_NAME = /^bellcore-(dr|r)([1-8])$/;

/** A Bellcore name (`Bellcore-dr2`, `bellcore-r4`, also as the last part of a URI) → cadence name. */
export function bellcoreName(text: string): string | undefined {
  const last = text.toLowerCase().replace(/[?#].*$/, '').split(/[/:]/).pop() ?? '';
  const m = BELLCORE_NAME.exec(last.replace(/\.[a-z0-9]+$/, ''));
  if (!m) return undefined;
  const n = Number(m[2]);
  if (n === 1) return 'default';
  if (m[1] === 'dr' && n > 5) return undefined;
  return n <= 5 ? `bellcore-dr${n}` : `bellcore-r${n}`;
}

/** The cadence name an RFC 7462 URN asks for, from the most to the least specific part. */
export function urnCadence(uri: string, table: Readonly<Record<string, string>> = DEFAULT_URN_CADENCES): string | undefined {
  const lower = uri.toLowerCase();
  if (!lower.startsWith('urn:alert:')) return undefined;
  const parts: string[] = [];
  for (const p of lower.slice('urn:alert:'.length).split(':')) {
    if (p.includes('@') || p === '') break;
    parts.push(p);
  }
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join(':');
    if (Object.prototype.hasOwnProperty.call(table, key)) return table[key];
  }
  return undefined;
}

function candidates(v: AlertInfoValue, options: RingSelectOptions): string[] {
  const out: string[] = [];
  const infoTable = options.info ?? DEFAULT_INFO_CADENCES;
  const info = v.params.get('info');
  if (info) {
    const token = unquote(info).trim();
    const named = bellcoreName(token) ?? infoTable[token.toLowerCase()];
    if (named) out.push(named);
  }
  if (v.uri) {
    const named = urnCadence(v.uri, options.urns) ?? bellcoreName(v.uri);
    if (named) out.push(named);
  }
  return out;
}

function format(v: AlertInfoValue): string {
  let s = v.uri === null ? '' : `<${v.uri}>`;
  for (const [k, val] of v.params) s += val === null ? `;${k}` : `;${k}=${val}`;
  return s.startsWith(';') ? s.slice(1) : s;
}

/**
 * Pick the ring cadence for an incoming call from its Alert-Info header values and the line's
 * profile cadences (`profile.ring.cadences`, which must hold 'default').
 */
export function selectRingCadence(
  alertInfo: string | readonly string[] | undefined,
  cadences: Readonly<Record<string, readonly number[]>>,
  options: RingSelectOptions = {},
): RingSelection {
  const fallback = options.bellcoreFallback !== false;
  const own = (name: string) => Object.prototype.hasOwnProperty.call(cadences, name);
  for (const v of parseAlertInfo(alertInfo)) {
    for (const name of candidates(v, options)) {
      if (own(name)) return { name, cadence: cadences[name]!, repeat: true, matched: format(v) };
      const ring = BELLCORE_CADENCES[name];
      if (fallback && ring) return { name, cadence: ring.cadence, repeat: ring.repeat, matched: format(v) };
    }
  }
  return { name: 'default', cadence: cadences['default'] ?? BELLCORE_CADENCES['bellcore-dr1']!.cadence, repeat: true };
}
