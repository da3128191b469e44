/**
 * Server-transport duties of RFC 3261 §18.2.1/§18.2.2 and RFC 3581 (rport), as pure functions:
 * mark the top Via of a received request with `received`/`rport`, and work out where its
 * responses go.
 */
import { isIP } from 'node:net';
import type { Endpoint, Via } from '../message/types.js';

/** Default port for a transport when a Via has none (§18.1.1: 5060, 5061 for TLS). */
export function defaultPort(transport: string): number {
  return transport.toLowerCase() === 'tls' ? 5061 : 5060;
}

/**
 * Returns the top Via as it must look after reception from `from`: `received` added when the
 * sent-by host is a name or another address, `rport` filled in when the client asked for it.
 * Returns undefined when nothing changes. Idempotent.
 */
export function annotateReceivedVia(via: Via, from: Endpoint): Via | undefined {
  const params = new Map(via.params);
  let changed = false;
  const rportAsked = params.has('rport');
  const hostDiffers = isIP(via.host) === 0 || via.host.toLowerCase() !== from.address.toLowerCase();
  if ((hostDiffers || rportAsked) && params.get('received') !== from.address) {
    params.set('received', from.address);
    changed = true;
  }
  if (rportAsked && params.get('rport') !== String(from.port)) {
    params.set('rport', String(from.port));
    changed = true;
  }
  return changed ? { ...via, params } : undefined;
}

/**
 * Where responses to a request go (§18.2.2, RFC 3581 §4): back over the connection for a reliable
 * transport; for UDP to maddr, else to `received` (the source address) at `rport` or the sent-by
 * port, else to sent-by.
 */
export function responseDestination(via: Via, from: Endpoint, reliable: boolean): Endpoint {
  if (reliable) return { ...from };
  const viaPort = via.port ?? defaultPort(via.transport);
  const maddr = via.params.get('maddr');
  if (maddr) return { address: maddr, port: viaPort, transport: from.transport };
  const received = via.params.get('received');
  const rport = via.params.get('rport');
  const rportNum = rport ? Number(rport) : NaN;
  const port = Number.isInteger(rportNum) && rportNum > 0 && rportNum < 65536 ? rportNum : viaPort;
  if (received) return { address: received, port, transport: from.transport };
  return { address: via.host, port, transport: from.transport };
}
