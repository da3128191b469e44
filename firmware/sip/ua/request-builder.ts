/** Building requests from scratch (RFC 3261 §8.1.1). Pure: randomness comes from the caller. */
import { Headers } from '../message/headers.js';
import type { SipRequest } from '../message/types.js';
import type { LocalAddress } from './account.js';

export interface RequestSpec {
  method: string;
  uri: string;
  from: string; // full header value incl. tag
  to: string;
  callId: string;
  cseq: number;
  cseqMethod?: string;
  local: LocalAddress;
  branch: string;
  contact?: string;
  routes?: string[];
  userAgent?: string;
  headers?: Array<[string, string]>;
  body?: Buffer;
  contentType?: string;
  maxForwards?: number;
}

export const ALLOWED_METHODS = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, PRACK, UPDATE';

export function viaValue(local: LocalAddress, branch: string): string {
  const host = local.address.includes(':') ? `[${local.address}]` : local.address;
  // rport: RFC 3581; oc: we support RFC 7339 overload control
  return `SIP/2.0/${local.transport.toUpperCase()} ${host}:${local.port};branch=${branch};rport;oc`;
}

export function hostPort(address: string, port?: number): string {
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}

export function buildRequest(spec: RequestSpec): SipRequest {
  const h = new Headers();
  h.append('Via', viaValue(spec.local, spec.branch));
  h.append('Max-Forwards', String(spec.maxForwards ?? 70));
  for (const r of spec.routes ?? []) h.append('Route', r);
  h.append('From', spec.from);
  h.append('To', spec.to);
  h.append('Call-ID', spec.callId);
  h.append('CSeq', `${spec.cseq} ${spec.cseqMethod ?? spec.method}`);
  if (spec.contact) h.append('Contact', spec.contact);
  if (spec.userAgent) h.append('User-Agent', spec.userAgent);
  for (const [n, v] of spec.headers ?? []) h.append(n, v);
  const body = spec.body ?? Buffer.alloc(0);
  if (body.length && spec.contentType) h.append('Content-Type', spec.contentType);
  return { kind: 'request', method: spec.method, uri: spec.uri, version: 'SIP/2.0', headers: h, body };
}
