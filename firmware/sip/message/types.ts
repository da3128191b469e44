/**
 * The SIP message model shared by the parser, the serializer, the transaction layer and the UA.
 * Header names are stored in canonical long form ("Via", "Call-ID", "WWW-Authenticate").
 */
import type { Headers } from './headers.js';

export interface SipRequest {
  readonly kind: 'request';
  method: string;
  /** Request-URI as text; parse with `parseUri` from uri.ts. */
  uri: string;
  version: string;
  headers: Headers;
  body: Buffer;
}

export interface SipResponse {
  readonly kind: 'response';
  status: number;
  reason: string;
  version: string;
  headers: Headers;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** Parameters of a URI or header value. `null` means a flag parameter without "=value". */
export type Params = Map<string, string | null>;

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel' | string;
  user?: string;
  password?: string;
  /** Host name or address; IPv6 without brackets. tel: URIs keep the number in `user` and host ''; other schemes keep the opaque rest here. */
  host: string;
  port?: number;
  /** Lower-cased names; values unescaped. */
  params: Params;
  headers: Map<string, string>;
}

export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  /** Header parameters after the URI (e.g. tag, expires, q). Lower-cased names; quoted values keep their quotes. */
  params: Params;
}

export interface Via {
  protocol: string; // "SIP/2.0"
  transport: string; // "UDP", "TCP", "TLS", ... upper-case
  host: string; // IPv6 without brackets
  port?: number;
  params: Params; // branch, received, rport (null when empty), maddr, ttl ...
}

export interface CSeq {
  seq: number;
  method: string;
}

/** Where a message came from or goes to. */
export interface Endpoint {
  address: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
}
