/**
 * What RFC 3263 §4 starts from: the host to look up (maddr if present, else the URI host), an
 * explicit port, an explicit transport, and whether the URI is SIPS. Made from a SIP URI or from
 * a configured `host[:port]` plus an optional transport.
 */
import { isIP } from 'node:net';
import { LocalError } from '../../core/errors.js';
import { parseUri } from '../message/uri.js';
import type { Endpoint } from '../message/types.js';

export type SipTransportName = Endpoint['transport'];

export interface SipDestination {
  host: string;
  port?: number;
  transport?: SipTransportName;
  secure: boolean;
  /** 4 or 6 when `host` is a numeric address, else 0. */
  numeric: 0 | 4 | 6;
}

export class DestinationError extends LocalError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('bad-destination', message, { context });
  }
}

/** The default port of a transport (RFC 3261 §19.1.2: 5060, 5061 for TLS). */
export function defaultSipPort(transport: SipTransportName): number {
  return transport === 'tls' ? 5061 : 5060;
}

function transportParam(value: string | null | undefined, secure: boolean, text: string): SipTransportName | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const t = value.toLowerCase();
  if (t === 'udp') {
    if (secure) throw new DestinationError(`a SIPS URI cannot use UDP: ${text}`, { text });
    return 'udp';
  }
  if (t === 'tcp') return secure ? 'tls' : 'tcp'; // sips:...;transport=tcp is TLS over TCP
  if (t === 'tls') return 'tls';
  throw new DestinationError(`unsupported transport '${value}' in ${text}`, { text });
}

function finish(host: string, port: number | undefined, transport: SipTransportName | undefined, secure: boolean): SipDestination {
  const bare = host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const family = isIP(bare);
  const d: SipDestination = { host: family === 0 ? bare.toLowerCase() : bare, secure, numeric: family === 4 ? 4 : family === 6 ? 6 : 0 };
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DestinationError(`bad port ${port}`, { port });
    d.port = port;
  }
  if (transport !== undefined) d.transport = transport;
  return d;
}

/** From a `sip:`/`sips:` URI (RFC 3263 §4: maddr wins over the host; `transport=` is explicit). */
export function destinationFromUri(text: string): SipDestination {
  let uri;
  try {
    uri = parseUri(text.trim());
  } catch (e) {
    throw new DestinationError(`not a SIP URI: ${text}: ${(e as Error).message}`, { text });
  }
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new DestinationError(`not a SIP URI: ${text}`, { text });
  const secure = uri.scheme === 'sips';
  const transport = transportParam(uri.params.get('transport'), secure, text) ?? (secure ? 'tls' : undefined);
  const maddr = uri.params.get('maddr');
  return finish(maddr ? maddr : uri.host, uri.port, secure && transport === undefined ? 'tls' : transport, secure);
}

/**
 * From configuration: `host`, `host:port`, `[v6]:port` or a full SIP URI; `transport` (when
 * given) is the transport to use, `secure` asks for SIPS (TLS only).
 */
export function destinationFromHost(text: string, options: { transport?: SipTransportName; secure?: boolean } = {}): SipDestination {
  const t = text.trim();
  if (/^sips?:/i.test(t)) {
    const d = destinationFromUri(t);
    if (options.transport && d.transport === undefined) d.transport = options.transport;
    return d;
  }
  const secure = options.secure ?? options.transport === 'tls';
  if (secure && options.transport === 'udp') throw new DestinationError('SIPS cannot use UDP', { text });
  const transport = secure ? 'tls' : options.transport;
  let host = t;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) {
    host = v6[1]!;
    if (v6[2] !== undefined) port = Number(v6[2]);
  } else if (isIP(t) === 6) {
    host = t;
  } else {
    const m = /^([^:]+)(?::(\d+))?$/.exec(t);
    if (!m) throw new DestinationError(`bad host[:port] '${text}'`, { text });
    host = m[1]!;
    if (m[2] !== undefined) port = Number(m[2]);
  }
  if (host === '') throw new DestinationError(`empty host in '${text}'`, { text });
  return finish(host, port, transport, secure);
}
