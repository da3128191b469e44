/** Building a response to a request (RFC 3261 §8.2.6). */
import { LocalError } from '../../core/errors.js';
import { Headers } from './headers.js';
import { parseNameAddr } from './name-addr.js';
import type { SipRequest, SipResponse } from './types.js';

/** Default reason phrases (RFC 3261 §21 and later RFCs). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  199: 'Early Dialog Terminated',
  200: 'OK',
  202: 'Accepted',
  204: 'No Notification',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  412: 'Conditional Request Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  417: 'Unknown Resource-Priority',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  428: 'Use Identity Header',
  429: 'Provide Referrer Identity',
  433: 'Anonymity Disallowed',
  436: 'Bad Identity-Info',
  437: 'Unsupported Certificate',
  438: 'Invalid Identity Header',
  439: 'First Hop Lacks Outbound Support',
  440: 'Max-Breadth Exceeded',
  469: 'Bad Info Package',
  470: 'Consent Needed',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  493: 'Undecipherable',
  494: 'Security Agreement Required',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  555: 'Push Notification Service Not Supported',
  580: 'Precondition Failure',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
  607: 'Unwanted',
  608: 'Rejected',
};

const CLASS_PHRASES = ['', 'Provisional', 'Success', 'Redirection', 'Client Error', 'Server Error', 'Global Failure'];

/** The default reason phrase for a status (a generic one per class for unlisted codes). */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? CLASS_PHRASES[Math.floor(status / 100)] ?? '';
}

function hasTag(to: string): boolean {
  try {
    return parseNameAddr(to).params.has('tag');
  } catch {
    const gt = to.lastIndexOf('>');
    return /;\s*tag\s*=/i.test(gt === -1 ? to : to.slice(gt));
  }
}

export interface CreateResponseOptions {
  /** Added to To when the request's To has no tag (not on 100 Trying, by convention of the caller). */
  toTag?: string;
  headers?: Array<[string, string]>;
  body?: Buffer;
  /** Content-Type of `body`. */
  contentType?: string;
}

/**
 * A response copying Via (all, in order), From, To (plus the tag), Call-ID and CSeq from the
 * request, and Timestamp on a 100 (RFC 3261 §8.2.6). Content-Length is written by the serializer.
 */
export function createResponse(request: SipRequest, status: number, reason?: string, options: CreateResponseOptions = {}): SipResponse {
  if (!Number.isInteger(status) || status < 100 || status > 699) {
    throw new LocalError('bad-status', `status ${status} is not a SIP status code`, { context: { status } });
  }
  const rh = request.headers;
  const headers = new Headers();
  for (const via of rh.lines('Via')) headers.append('Via', via);
  const from = rh.get('From');
  if (from !== undefined) headers.append('From', from);
  const to = rh.get('To');
  if (to !== undefined) {
    headers.append('To', options.toTag !== undefined && !hasTag(to) ? `${to};tag=${options.toTag}` : to);
  }
  const callId = rh.get('Call-ID');
  if (callId !== undefined) headers.append('Call-ID', callId);
  const cseq = rh.get('CSeq');
  if (cseq !== undefined) headers.append('CSeq', cseq);
  if (status === 100) {
    const ts = rh.get('Timestamp');
    if (ts !== undefined) headers.append('Timestamp', ts);
  }
  for (const [n, v] of options.headers ?? []) headers.append(n, v);
  const body = options.body ?? Buffer.alloc(0);
  if (options.contentType !== undefined && body.length > 0) headers.set('Content-Type', options.contentType);
  return { kind: 'response', status, reason: reason ?? reasonPhrase(status), version: 'SIP/2.0', headers, body };
}
