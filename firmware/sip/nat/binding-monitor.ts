/**
 * Watches the public transport address the registrar sees for us (RFC 3581: the `received` and
 * `rport` parameters it writes into the top Via of its responses). The first observation is
 * `binding-learned`; a later one that differs is `binding-changed`, which the owner turns into an
 * immediate re-registration and new Contact/SDP addresses. Sans-IO and clock-free.
 */
import { topVia } from '../transaction/message-info.js';
import type { SipResponse, Via } from '../message/types.js';

export interface Binding {
  address: string;
  port: number;
}

export type BindingEvent =
  | { type: 'binding-learned'; binding: Binding; natDetected: boolean }
  | { type: 'binding-changed'; previous: Binding; binding: Binding; natDetected: boolean };

export interface BindingMonitorOptions {
  /** Our own address and port as put in Via/Contact (to tell whether a NAT is in the path). */
  local: Binding;
}

function defaultPort(transport: string): number {
  return transport.toUpperCase() === 'TLS' ? 5061 : 5060;
}

/** The address:port the server saw, from a Via it annotated (sent-by when it added nothing). */
export function bindingFromVia(via: Via): Binding {
  const received = via.params.get('received');
  const rport = via.params.get('rport');
  const port = rport !== undefined && rport !== null && /^\d{1,5}$/.test(rport) ? Number(rport) : (via.port ?? defaultPort(via.transport));
  return { address: (received ?? via.host).toLowerCase(), port };
}

export class BindingMonitor {
  private current: Binding | undefined;

  constructor(private readonly options: BindingMonitorOptions) {}

  get binding(): Binding | undefined {
    return this.current ? { ...this.current } : undefined;
  }

  /** True when the server sees us at another address or port than our own: a NAT is in the path. */
  get natDetected(): boolean {
    return this.current !== undefined && !same(this.current, this.options.local);
  }

  /** Read the top Via of a response to one of our requests. Returns what changed, if anything. */
  observe(response: SipResponse): BindingEvent | undefined {
    let via: Via;
    try {
      via = topVia(response);
    } catch {
      return undefined;
    }
    return this.observeVia(via);
  }

  observeVia(via: Via): BindingEvent | undefined {
    const seen = bindingFromVia(via);
    const previous = this.current;
    this.current = seen;
    const natDetected = !same(seen, this.options.local);
    if (previous === undefined) return { type: 'binding-learned', binding: { ...seen }, natDetected };
    if (same(previous, seen)) return undefined;
    return { type: 'binding-changed', previous, binding: { ...seen }, natDetected };
  }

  /** Forget the binding (e.g. after moving to another flow or server). */
  reset(): void {
    this.current = undefined;
  }
}

function same(a: Binding, b: Binding): boolean {
  return a.address.toLowerCase() === b.address.toLowerCase() && a.port === b.port;
}
