/**
 * Dialog state (RFC 3261 §12): identifiers, sequence numbers, route set and remote target,
 * plus building in-dialog requests and choosing their next hop.
 */
import { parseNameAddr } from '../message/name-addr.js';
import { formatUri, parseUri } from '../message/uri.js';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.js';
import type { LocalAddress } from './account.js';
import { buildRequest } from './request-builder.js';

export interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** From/To header values as we send them (with tags). */
  localParty: string;
  remoteParty: string;
  localSeq: number;
  remoteSeq: number;
  remoteTarget: string;
  routeSet: string[];
}

function tagOf(value: string): string {
  return parseNameAddr(value).params.get('tag') ?? '';
}

function contactUri(msg: SipRequest | SipResponse): string | undefined {
  const c = msg.headers.get('Contact');
  return c ? formatUri(parseNameAddr(c).uri) : undefined;
}

/** UAC side: a dialog from our request and a 1xx/2xx response carrying a To tag. */
export function dialogAsUac(request: SipRequest, response: SipResponse, localSeq: number): Dialog {
  const rr = response.headers.getAll('Record-Route');
  return {
    callId: request.headers.get('Call-ID')!,
    localTag: tagOf(request.headers.get('From')!),
    remoteTag: tagOf(response.headers.get('To')!),
    localParty: request.headers.get('From')!,
    remoteParty: response.headers.get('To')!,
    localSeq,
    remoteSeq: 0,
    remoteTarget: contactUri(response) ?? request.uri,
    routeSet: [...rr].reverse(),
  };
}

/** UAS side: a dialog from an incoming INVITE and the To tag we chose. */
export function dialogAsUas(request: SipRequest, localTag: string): Dialog {
  const to = request.headers.get('To')!;
  return {
    callId: request.headers.get('Call-ID')!,
    localTag,
    remoteTag: tagOf(request.headers.get('From')!),
    localParty: /;\s*tag=/i.test(to) ? to : `${to};tag=${localTag}`,
    remoteParty: request.headers.get('From')!,
    localSeq: 1,
    remoteSeq: parseInt(request.headers.get('CSeq')!, 10),
    remoteTarget: contactUri(request) ?? request.headers.get('From')!,
    routeSet: request.headers.getAll('Record-Route'),
  };
}

export interface InDialogOptions {
  method: string;
  local: LocalAddress;
  branch: string;
  contact?: string;
  userAgent?: string;
  body?: Buffer;
  contentType?: string;
  headers?: Array<[string, string]>;
  /** For ACK (and CANCEL): reuse this CSeq number instead of incrementing. */
  cseq?: number;
}

/** Build a request inside the dialog; increments localSeq unless a CSeq is given. */
export function inDialogRequest(d: Dialog, o: InDialogOptions): SipRequest {
  const cseq = o.cseq ?? ++d.localSeq;
  const strict = d.routeSet.length > 0 && !isLooseRoute(d.routeSet[0]!);
  const uri = strict ? stripAngle(d.routeSet[0]!) : d.remoteTarget;
  const routes = strict ? [...d.routeSet.slice(1), `<${d.remoteTarget}>`] : d.routeSet;
  return buildRequest({
    method: o.method,
    uri,
    from: d.localParty,
    to: d.remoteParty,
    callId: d.callId,
    cseq,
    local: o.local,
    branch: o.branch,
    routes,
    ...(o.contact ? { contact: o.contact } : {}),
    ...(o.userAgent ? { userAgent: o.userAgent } : {}),
    ...(o.body ? { body: o.body } : {}),
    ...(o.contentType ? { contentType: o.contentType } : {}),
    ...(o.headers ? { headers: o.headers } : {}),
  });
}

function stripAngle(v: string): string {
  const s = v.trim();
  return s.startsWith('<') ? s.slice(1, s.indexOf('>')) : s.split(';')[0]!;
}

function isLooseRoute(route: string): boolean {
  return parseUri(stripAngle(route)).params.has('lr');
}

/** Where to send a request: the first Route if any, else the Request-URI (RFC 3261 §8.1.2). */
export function nextHop(request: SipRequest, fallbackTransport: Endpoint['transport'] = 'udp'): { host: string; port: number; transport: Endpoint['transport'] } {
  const route = request.headers.get('Route');
  const uri = parseUri(route ? stripAngle(route) : request.uri);
  const maddr = uri.params.get('maddr');
  const t = (uri.params.get('transport') ?? fallbackTransport).toLowerCase() as Endpoint['transport'];
  const secure = uri.scheme === 'sips';
  return {
    host: maddr ?? uri.host.replace(/^\[|\]$/g, ''),
    port: uri.port ?? (secure || t === 'tls' ? 5061 : 5060),
    transport: secure ? 'tls' : t,
  };
}
