/**
 * The transport-agnostic SIP transport contract: UDP (udp-transport.ts), TCP/TLS
 * (stream-transport.ts) and the router over all three (multi-transport.ts) have this shape, so
 * `UaRuntime` can take any of them.
 */
import type { Endpoint, SipMessage } from '../message/types.js';
import type { TransportError } from './transport-errors.js';

/**
 * Where to send: an Endpoint, optionally with the DNS name it was resolved from. For TLS the name
 * is the SNI and the identity the server certificate must carry (RFC 5922 §4: the SIP domain of
 * the URI); without it the transport's configured default name is used, else the IP address.
 */
export interface TransportTarget extends Endpoint {
  serverName?: string;
}

export interface SipTransport {
  /** Local address and port (stream transports: the listening socket; port 0 when not listening). */
  readonly address: string;
  readonly port: number;
  /** Send one SIP message (or keep-alive octets). Rejects with a TransportError when the peer cannot be reached. */
  send(data: Buffer, to: TransportTarget): Promise<void>;
  close(): Promise<void>;
}

/** Why a stream connection closed. */
export type CloseReason = 'idle' | 'remote' | 'local' | 'error' | 'framing';

/** What a transport tells its owner besides messages. */
export type TransportEvent =
  | { type: 'connected'; remote: Endpoint; inbound: boolean }
  /** An outbound connection could not be set up: the UA should treat the target as failed (RFC 3263 §4.3). */
  | { type: 'connection-failed'; remote: Endpoint; error: TransportError }
  | { type: 'closed'; remote: Endpoint; reason: CloseReason; error?: Error }
  /** RFC 5626 §4.4.1: the peer pinged (CRLFCRLF); the transport has already answered with CRLF. */
  | { type: 'ping'; remote: Endpoint }
  /** RFC 5626 §4.4.1: the peer answered our ping (CRLF). */
  | { type: 'pong'; remote: Endpoint };

export interface TransportHandlers {
  /** A complete SIP message: its octets (as the UDP transport gives them) and, for streams, the parsed message. */
  onMessage(data: Buffer, from: Endpoint, message?: SipMessage): void;
  onEvent?(event: TransportEvent): void;
}

/** A stable map key for an endpoint (IPv4-mapped IPv6 folded to IPv4, lower-case hex). */
export function endpointKey(e: Endpoint, serverName?: string): string {
  const base = `${e.transport}|${normaliseAddress(e.address)}|${e.port}`;
  return serverName ? `${base}|${serverName.toLowerCase()}` : base;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; brackets removed; IPv6 lower-cased. */
export function normaliseAddress(address: string): string {
  let a = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  a = a.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped ? mapped[1]! : a;
}
