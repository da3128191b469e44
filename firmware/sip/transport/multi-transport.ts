/**
 * Holds the UDP, TCP and TLS transports of one SIP identity and routes each send by
 * `Endpoint.transport`. It has the `SipTransport` shape, so `UaRuntime` can take it in place of
 * the UDP transport.
 */
import type { Endpoint } from '../message/types.js';
import type { SipTransport, TransportTarget } from './sip-transport.js';
import { TransportUsageError } from './transport-errors.js';

export type TransportKind = Endpoint['transport'];

export type TransportSet = Partial<Record<TransportKind, SipTransport>>;

export class MultiTransport implements SipTransport {
  private readonly parts: TransportSet;
  private readonly primary: TransportKind;

  /** `primary` names the transport whose address/port this object reports (default: udp, else tcp, else tls). */
  constructor(parts: TransportSet, primary?: TransportKind) {
    this.parts = { ...parts };
    const first = primary ?? (['udp', 'tcp', 'tls'] as const).find((k) => this.parts[k] !== undefined);
    if (first === undefined || this.parts[first] === undefined) {
      throw new TransportUsageError('no-transport', primary ? `no ${primary} transport was given` : 'MultiTransport needs at least one transport');
    }
    this.primary = first;
  }

  get address(): string {
    return this.parts[this.primary]!.address;
  }

  get port(): number {
    return this.parts[this.primary]!.port;
  }

  has(kind: TransportKind): boolean {
    return this.parts[kind] !== undefined;
  }

  get(kind: TransportKind): SipTransport | undefined {
    return this.parts[kind];
  }

  /** The local address/port of one transport (for Via/Contact), if present. */
  local(kind: TransportKind): { address: string; port: number; transport: TransportKind } | undefined {
    const t = this.parts[kind];
    return t ? { address: t.address, port: t.port, transport: kind } : undefined;
  }

  async send(data: Buffer, to: TransportTarget): Promise<void> {
    const t = this.parts[to.transport];
    if (!t) throw new TransportUsageError('no-transport', `no ${to.transport} transport is configured`, { context: { to: `${to.address}:${to.port}` } });
    await t.send(data, to);
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.parts).map((t) => t.close().catch(() => {})));
  }
}
