/**
 * The checks a UAS makes on a parsed request before handing it to the transaction user
 * (RFC 3261 §8.2.1-§8.2.3, §16.3, §20; RFC 4475), and the checks a UAC makes on a response
 * (RFC 3261 §8.1.3.3, §18.1.2). parseMessage only frames the message; header values are read here.
 *
 * Order for requests: 505 version, 400 syntax and semantics (required headers exactly once, CSeq,
 * Via, From/To/Contact/Route, Call-ID, Max-Forwards, Expires, Content-Length, Request-URI),
 * 405/501 method, 416 URI scheme, 483 (proxy role only), 420 Require, 415 body, 406 Accept.
 */
import { SipParseError } from './errors.js';
import type { Headers } from './headers.js';
import { parseContentType, parseCSeq, parseIntHeader } from './header-values.js';
import { parseNameAddr } from './name-addr.js';
import { parseParams } from './params.js';
import { reasonPhrase } from './response.js';
import type { SipRequest, SipResponse } from './types.js';
import { parseUri } from './uri.js';
import { parseVia } from './via.js';

export interface Rejection {
  status: number;
  reason: string;
  /** Headers the response must carry (Allow, Unsupported, Accept, Accept-Encoding). */
  headers?: Array<[string, string]>;
}

export interface ValidateRequestOptions {
  /** Methods the UA handles. Default: every method defined by RFC 3261 and its extensions. */
  supportedMethods?: string[];
  /** Request-URI schemes accepted. Default ["sip", "sips"]. */
  supportedSchemes?: string[];
  /** Option-tags we support for Require (420 otherwise). Default none. */
  supportedExtensions?: string[];
  /** Body types accepted (415 otherwise). Default: SDP, multipart, text/plain, sipfrag, dtmf-relay, MWI. */
  acceptedContentTypes?: string[];
  /** Content-Encodings accepted (415 otherwise). Default ["identity"]. */
  acceptedEncodings?: string[];
  /** Body types we answer an INVITE with; an Accept header allowing none of them gets 406. Default ["application/sdp"]. */
  answerContentTypes?: string[];
  /** A proxy answers Max-Forwards: 0 with 483; a UAS (default) answers the request normally (RFC 4475 §3.3.11). */
  role?: 'uas' | 'proxy';
}

/** Methods of RFC 3261, 3262, 3265/6665, 3311, 3428, 3515, 3903, 6086. */
export const KNOWN_METHODS: readonly string[] = [
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE',
];

export const DEFAULT_CONTENT_TYPES: readonly string[] = [
  'application/sdp',
  'multipart/mixed',
  'multipart/alternative',
  'multipart/related',
  'text/plain',
  'message/sipfrag',
  'application/dtmf-relay',
  'application/simple-message-summary',
];

const REQUIRED_ONCE = ['To', 'From', 'Call-ID', 'CSeq'];
const ADDRESS_LISTS = ['Contact', 'Route', 'Record-Route'];

function bad(reason: string): Rejection {
  return { status: 400, reason };
}

function reject(status: number, headers?: Array<[string, string]>): Rejection {
  return headers === undefined ? { status, reason: reasonPhrase(status) } : { status, reason: reasonPhrase(status), headers };
}

/**
 * callid = word [ "@" word ]. Checked leniently: any visible characters (some UAs use "=" or
 * non-ASCII), but no whitespace or controls, and not empty.
 */
export function isValidCallId(id: string): boolean {
  if (id.length === 0) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c <= 32 || c === 127) return false;
  }
  return true;
}

function attempt(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof SipParseError) return false;
    throw e;
  }
}

/** The header-level checks shared by requests and responses; a reason text or null. */
function checkCommon(h: Headers, body: Buffer): string | null {
  for (const name of REQUIRED_ONCE) {
    const n = h.count(name);
    if (n === 0) return `Missing ${name} Header`;
    if (n > 1) return `Multiple ${name} Headers`;
  }
  const vias = h.getAll('Via');
  if (vias.length === 0) return 'Missing Via Header';
  for (const v of vias) if (!attempt(() => parseVia(v))) return 'Bad Via Header';
  if (!attempt(() => parseCSeq(h.get('CSeq')!))) return 'Bad CSeq Header';
  if (!attempt(() => parseNameAddr(h.get('From')!))) return 'Bad From Header';
  if (!attempt(() => parseNameAddr(h.get('To')!))) return 'Bad To Header';
  if (!isValidCallId(h.get('Call-ID')!)) return 'Bad Call-ID Header';
  const cl = h.lines('Content-Length');
  if (cl.length > 0 && cl.some((v) => Number(v) !== body.length)) return 'Content-Length Mismatch';
  return null;
}

function mediaMatches(range: string, type: string): boolean {
  let ct;
  try {
    ct = parseContentType(range.trim() === '*' ? '*/*' : range);
  } catch {
    return false;
  }
  const q = ct.params.get('q');
  if (q !== undefined && q !== null && Number(q) === 0) return false;
  const [t, s] = type.toLowerCase().split('/');
  return (ct.type === '*' || ct.type === t) && (ct.subtype === '*' || ct.subtype === s);
}

/** null when the request may be processed; otherwise the response to send. */
export function validateRequest(req: SipRequest, options: ValidateRequestOptions = {}): Rejection | null {
  if (req.version !== 'SIP/2.0') return reject(505);
  const h = req.headers;

  const common = checkCommon(h, req.body);
  if (common !== null) return bad(common);
  if (parseCSeq(h.get('CSeq')!).method !== req.method) return bad('CSeq Method Mismatch');
  for (const name of ADDRESS_LISTS) {
    for (const v of h.getAll(name)) {
      if (name === 'Contact' && v === '*') {
        if (req.method !== 'REGISTER') return bad('Bad Contact Header');
        continue;
      }
      if (!attempt(() => parseNameAddr(v))) return bad(`Bad ${name} Header`);
    }
  }
  if (h.count('Max-Forwards') > 1) return bad('Multiple Max-Forwards Headers');
  let maxForwards: number | undefined;
  const mf = h.get('Max-Forwards');
  if (mf !== undefined && !attempt(() => (maxForwards = parseIntHeader(mf, 'Max-Forwards')))) return bad('Bad Max-Forwards Header');
  for (const e of h.lines('Expires')) if (!attempt(() => parseIntHeader(e, 'Expires'))) return bad('Bad Expires Header');

  // The body's type ("type/subtype"), or undefined when there is no body (stray line ends are none).
  let contentType: string | undefined;
  if (req.body.length > 0) {
    const ctText = h.get('Content-Type');
    if (ctText === undefined) {
      if (!isBlank(req.body)) return bad('Missing Content-Type Header');
    } else {
      try {
        const ct = parseContentType(ctText);
        contentType = `${ct.type}/${ct.subtype}`;
      } catch {
        return bad('Bad Content-Type Header');
      }
    }
  }

  let uri;
  try {
    uri = parseUri(req.uri);
  } catch {
    return bad('Bad Request-URI');
  }
  if ((uri.scheme === 'sip' || uri.scheme === 'sips') && uri.headers.size > 0) return bad('Headers Not Allowed In Request-URI');

  const methods = options.supportedMethods ?? KNOWN_METHODS;
  if (!methods.includes(req.method)) {
    return KNOWN_METHODS.includes(req.method) ? reject(405, [['Allow', methods.join(', ')]]) : reject(501);
  }
  if (!(options.supportedSchemes ?? ['sip', 'sips']).includes(uri.scheme)) return reject(416);
  if (options.role === 'proxy' && maxForwards === 0) return reject(483);

  if (req.method !== 'ACK' && req.method !== 'CANCEL') {
    const supported = (options.supportedExtensions ?? []).map((t) => t.toLowerCase());
    const unknown = h.getAll('Require').filter((t) => !supported.includes(t.toLowerCase()));
    if (unknown.length > 0) return reject(420, [['Unsupported', unknown.join(', ')]]);
  }

  if (contentType !== undefined) {
    const encodings = options.acceptedEncodings ?? ['identity'];
    const lowerEnc = encodings.map((e) => e.toLowerCase());
    if (h.getAll('Content-Encoding').some((e) => !lowerEnc.includes(e.toLowerCase()))) {
      return reject(415, [['Accept-Encoding', encodings.join(', ')]]);
    }
    const accepted = options.acceptedContentTypes ?? DEFAULT_CONTENT_TYPES;
    if (!accepted.some((t) => t.toLowerCase() === contentType) && !optionalBody(h)) {
      return reject(415, [['Accept', accepted.join(', ')]]);
    }
  }

  if (req.method === 'INVITE' && h.has('Accept')) {
    const ranges = h.getAll('Accept');
    const answers = options.answerContentTypes ?? ['application/sdp'];
    if (!answers.some((t) => ranges.some((r) => mediaMatches(r, t)))) return reject(406);
  }
  return null;
}

/** Only CR, LF, SP or HTAB octets: stray line ends after the head, not a body. */
function isBlank(body: Buffer): boolean {
  for (const b of body) if (b !== 13 && b !== 10 && b !== 32 && b !== 9) return false;
  return true;
}

/** Content-Disposition with handling=optional: an unknown body may be ignored (RFC 3261 §20.11). */
function optionalBody(h: Headers): boolean {
  const cd = h.get('Content-Disposition');
  if (cd === undefined) return false;
  const semi = cd.indexOf(';');
  if (semi === -1) return false;
  try {
    return parseParams(cd.slice(semi)).get('handling')?.toLowerCase() === 'optional';
  } catch {
    return false;
  }
}

export interface ResponseProblem {
  code: string;
  reason: string;
}

/**
 * null when a received response may be passed to the transaction layer; otherwise why it must be
 * discarded. A UAC (default role) discards responses with more than one Via (RFC 3261 §8.1.3.3);
 * any role discards a Via sent-by that is the broadcast address (RFC 4475 §3.3.10).
 */
export function validateResponse(res: SipResponse, options: { role?: 'uac' | 'proxy' } = {}): ResponseProblem | null {
  if (res.version !== 'SIP/2.0') return { code: 'bad-version', reason: `unsupported version ${res.version}` };
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 699) return { code: 'bad-status', reason: `bad status ${res.status}` };
  const common = checkCommon(res.headers, res.body);
  if (common !== null) return { code: 'bad-header', reason: common };
  const vias = res.headers.getAll('Via');
  if ((options.role ?? 'uac') === 'uac' && vias.length !== 1) return { code: 'multiple-via', reason: 'a response to a UAC carries exactly one Via' };
  for (const v of vias) {
    const via = parseVia(v);
    if (via.host === '255.255.255.255') return { code: 'broadcast-via', reason: 'Via sent-by is the broadcast address' };
  }
  return null;
}

