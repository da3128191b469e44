/**
 * SDP Security Descriptions for media streams (RFC 4568): the `a=crypto` attribute
 *   a=crypto:<tag> <suite> inline:<base64(key‖salt)>[|<lifetime>][|<MKI>:<length>][;inline:…] [<session-param> …]
 * parsed from and written to raw attribute values or `sdp-transform` media objects, plus fresh
 * key generation and the choice among offered attributes.
 */
import { randomBytes } from 'node:crypto';
import type { MediaDescription } from 'sdp-transform';
import { SdesError } from './srtp-errors.js';
import { getSrtpSuite, SRTP_SUITES } from './srtp-suites.js';
import type { SrtpSuite } from './srtp-suites.js';

export interface SdesKeyParam {
  key: Buffer;
  salt: Buffer;
  /** Master key lifetime in packets, if signalled. */
  lifetime?: number;
  /** Master Key Identifier: its value and its length in bytes on the wire (1..128). */
  mki?: { value: number; length: number };
}

export interface CryptoAttribute {
  tag: number;
  /** The suite name as written (may be one we do not support). */
  suite: string;
  keyParams: SdesKeyParam[];
  sessionParams: string[];
}

/** Session parameters we can honour; the rest (KDR, UNENCRYPTED_*, UNAUTHENTICATED_SRTP, FEC_KEY) make a line unusable. */
const HARMLESS_SESSION_PARAMS = /^(WSH=\d+|FEC_ORDER=(FEC_SRTP|SRTP_FEC))$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parse one crypto attribute. Accepts the value alone ("1 AES_CM_… inline:…") or with its
 * "a=crypto:" / "crypto:" prefix. Key material is only decoded for suites we support; for others
 * `keyParams` is empty. Throws SdesError('sdes-malformed').
 */
export function parseCryptoAttribute(text: string): CryptoAttribute {
  const value = text.trim().replace(/^a=/, '').replace(/^crypto:/, '');
  const parts = value.split(/[ \t]+/);
  if (parts.length < 3) throw malformed(`crypto attribute needs a tag, a suite and key parameters: '${clip(value)}'`);
  const [tagText, suiteName, keyText, ...sessionParams] = parts as [string, string, string, ...string[]];
  if (!/^\d{1,9}$/.test(tagText)) throw malformed(`bad crypto tag '${clip(tagText)}'`);
  if (!/^[A-Za-z0-9_]+$/.test(suiteName)) throw malformed(`bad crypto suite '${clip(suiteName)}'`);
  const suite = getSrtpSuite(suiteName);
  const keyParams = suite ? keyText.split(';').map((k) => parseKeyParam(k, suite)) : [];
  return { tag: Number(tagText), suite: suiteName, keyParams, sessionParams };
}

function parseKeyParam(text: string, suite: SrtpSuite): SdesKeyParam {
  const m = /^inline:([^|]+)((?:\|[^|]*)*)$/.exec(text);
  if (!m) throw malformed('key parameter is not inline:…');
  const b64 = m[1] as string;
  const raw = BASE64.test(b64) ? Buffer.from(b64, 'base64') : undefined;
  const need = suite.keyBytes + suite.saltBytes;
  if (!raw || raw.length !== need) throw malformed(`inline key must be ${need} bytes of base64`);
  const out: SdesKeyParam = { key: raw.subarray(0, suite.keyBytes), salt: raw.subarray(suite.keyBytes) };
  for (const field of (m[2] as string).split('|').slice(1)) {
    const mki = /^(\d{1,10}):(\d{1,3})$/.exec(field);
    const pow = /^2\^(\d{1,2})$/.exec(field);
    if (mki) {
      const length = Number(mki[2]);
      const value = Number(mki[1]);
      if (length < 1 || length > 128 || (length < 6 && value >= 2 ** (8 * length))) throw malformed(`bad MKI ${field}`);
      out.mki = { value, length };
    } else if (pow) {
      out.lifetime = 2 ** Number(pow[1]);
    } else if (/^\d{1,15}$/.test(field)) {
      out.lifetime = Number(field);
    } else {
      throw malformed(`bad key parameter field '${clip(field)}'`);
    }
  }
  return out;
}

/** Write a crypto attribute value (without "a=crypto:"). */
export function formatCryptoAttribute(c: CryptoAttribute): string {
  const keys = c.keyParams.map((k) => {
    let s = 'inline:' + Buffer.concat([k.key, k.salt]).toString('base64');
    if (k.lifetime !== undefined) s += '|' + formatLifetime(k.lifetime);
    if (k.mki) s += `|${k.mki.value}:${k.mki.length}`;
    return s;
  });
  return [String(c.tag), c.suite, keys.join(';'), ...c.sessionParams].join(' ');
}

function formatLifetime(n: number): string {
  const log = Math.log2(n);
  return Number.isInteger(log) ? `2^${log}` : String(n);
}

/** The MKI bytes of a key parameter (big-endian value in `length` bytes), or undefined. */
export function mkiBytes(k: SdesKeyParam): Buffer | undefined {
  if (!k.mki) return undefined;
  const out = Buffer.alloc(k.mki.length);
  let v = k.mki.value;
  for (let i = out.length - 1; i >= 0 && v > 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/** A fresh crypto attribute with a random master key and salt (no lifetime, no MKI). */
export function generateCryptoAttribute(tag: number, suite: SrtpSuite, random: (n: number) => Buffer = randomBytes): CryptoAttribute {
  const raw = random(suite.keyBytes + suite.saltBytes);
  return { tag, suite: suite.name, keyParams: [{ key: raw.subarray(0, suite.keyBytes), salt: raw.subarray(suite.keyBytes) }], sessionParams: [] };
}

/** Why we cannot use `c`, or undefined when we can. */
export function unusableReason(c: CryptoAttribute): string | undefined {
  if (!getSrtpSuite(c.suite)) return `unsupported suite ${c.suite}`;
  if (c.keyParams.length !== 1) return 'several master keys (MKI rekeying) are not supported';
  for (const p of c.sessionParams) {
    if (p.startsWith('-')) continue; // optional, may be ignored (RFC 4568 §6.3.7)
    if (!HARMLESS_SESSION_PARAMS.test(p)) return `unsupported session parameter ${p}`;
  }
  return undefined;
}

export interface CryptoChoice {
  attribute: CryptoAttribute;
  suite: SrtpSuite;
}

/**
 * Choose among offered crypto attributes: the strongest suite we support; among equals, the
 * first offered (the offerer lists its preference first). Unusable lines are skipped.
 */
export function chooseOfferedCrypto(offered: CryptoAttribute[]): CryptoChoice | undefined {
  let best: CryptoChoice | undefined;
  for (const a of offered) {
    if (unusableReason(a)) continue;
    const suite = getSrtpSuite(a.suite) as SrtpSuite;
    if (!best || suite.strength > best.suite.strength) best = { attribute: a, suite };
  }
  return best;
}

/**
 * Crypto attributes of a media section parsed by sdp-transform. Its grammar keeps only the first
 * session parameter, so prefer `cryptoAttributesFromSdp` on the raw text when it is at hand.
 * Malformed lines are dropped (and reported in `malformed`).
 */
export function cryptoFromMedia(m: Pick<MediaDescription, 'crypto'>, malformedOut?: string[]): CryptoAttribute[] {
  const out: CryptoAttribute[] = [];
  for (const c of m.crypto ?? []) {
    const text = `${c.id} ${c.suite} ${c.config}${c.sessionConfig ? ' ' + c.sessionConfig : ''}`;
    tryParse(text, out, malformedOut);
  }
  return out;
}

/** Crypto attributes for an sdp-transform media object (`media.crypto = cryptoToMedia(list)`). */
export function cryptoToMedia(list: CryptoAttribute[]): NonNullable<MediaDescription['crypto']> {
  return list.map((c) => {
    const [, , config, ...session] = formatCryptoAttribute(c).split(' ');
    return { id: c.tag, suite: c.suite, config: config as string, ...(session.length ? { sessionConfig: session.join(' ') } : {}) };
  });
}

/**
 * The crypto attributes of the first audio m= section with a non-zero port in raw SDP text, with
 * every session parameter kept. Malformed lines are dropped (and reported in `malformed`).
 */
export function cryptoAttributesFromSdp(sdp: string, malformedOut?: string[]): CryptoAttribute[] {
  const out: CryptoAttribute[] = [];
  let inAudio = false;
  let done = false;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      if (inAudio) done = true;
      inAudio = !done && /^m=audio [1-9]/.test(line);
    } else if (inAudio && line.startsWith('a=crypto:')) {
      tryParse(line, out, malformedOut);
    }
  }
  return out;
}

function tryParse(text: string, out: CryptoAttribute[], malformedOut: string[] | undefined): void {
  try {
    out.push(parseCryptoAttribute(text));
  } catch (e) {
    if (!(e instanceof SdesError)) throw e;
    malformedOut?.push(e.message);
  }
}

/** Our crypto attributes for an offer: one per supported suite, strongest first, tags 1, 2, … */
export function offerCryptoAttributes(random?: (n: number) => Buffer, suites: readonly SrtpSuite[] = SRTP_SUITES): CryptoAttribute[] {
  return suites.map((s, i) => generateCryptoAttribute(i + 1, s, random));
}

function malformed(message: string): SdesError {
  return new SdesError('sdes-malformed', message, 488);
}

/** Never echo key material into messages: attribute text may hold an inline key. */
function clip(s: string): string {
  return s.replace(/inline:[^\s|;]*/g, 'inline:***').slice(0, 40);
}
