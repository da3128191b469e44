/**
 * Locating SIP servers (RFC 3263 §4): from a destination to an ordered list of targets
 * (address, port, transport).
 *  - numeric host: itself (transport as given, else UDP for sip:, TLS for sips:);
 *  - explicit port: A/AAAA of the host only;
 *  - explicit transport, no port: SRV for that transport, else A/AAAA at the default port;
 *  - otherwise NAPTR (SIP+D2U, SIP+D2T, SIPS+D2T, ordered by order/preference) → SRV → A/AAAA;
 *    without usable NAPTR records, SRV `_sip._udp`, `_sip._tcp`, `_sips._tcp` in the client's
 *    transport preference; without SRV, A/AAAA at the default port.
 * SRV records are ordered by priority and RFC 2782 weighted random choice (`orderSrv`).
 * The list's TTL is the smallest TTL of the records used (a default where the resolver gives none).
 * DNS goes through an injected `DnsResolver`; randomness through `random`.
 */
import type { AddressRecord, DnsResolver, SrvRecord } from './dns.js';
import { DnsError } from './dns.js';
import { defaultSipPort } from './sip-destination.js';
import type { SipDestination, SipTransportName } from './sip-destination.js';
import { orderSrv } from './srv-order.js';
import type { TransportTarget } from '../transport/sip-transport.js';

export interface SipTarget extends TransportTarget {
  /** How this target was found. */
  via: 'numeric' | 'address' | 'srv' | 'naptr';
}

export interface Located {
  targets: SipTarget[];
  /** Seconds the list may be used before resolving again (Infinity for a numeric host). */
  ttlS: number;
}

export type AddressFamilies = 'ipv4' | 'ipv6' | 'ipv4-first' | 'ipv6-first';

export interface LocateOptions {
  /** Transports this client supports, most preferred first. Default udp, tcp, tls. */
  transports?: readonly SipTransportName[];
  /** Which address records to use, and in which order. Default 'ipv4-first'. */
  families?: AddressFamilies;
  /** Uniform random in [0, 1) for SRV weights. Default Math.random. */
  random?: () => number;
  /** TTL for records whose resolver reports none (node:dns for NAPTR/SRV). Default 300 s. */
  defaultTtlS?: number;
  /**
   * The TLS name (SNI, certificate identity) of targets found through SRV: the SIP domain
   * ('domain', RFC 5922 §4, default) or the SRV target host ('target').
   */
  tlsIdentity?: 'domain' | 'target';
  /** Bounds on the list's TTL. Defaults 10 s and 1 day. */
  minTtlS?: number;
  maxTtlS?: number;
}

const NAPTR_SERVICES: Record<string, SipTransportName> = { 'SIP+D2U': 'udp', 'SIP+D2T': 'tcp', 'SIPS+D2T': 'tls' };

/** SRV owner name for a transport (RFC 3263 §4.1): `_sips._tcp` for TLS. */
export function srvName(host: string, transport: SipTransportName, secure: boolean): string {
  if (transport === 'tls') return `_sips._tcp.${host}`;
  return `${secure ? '_sips' : '_sip'}._${transport}.${host}`;
}

class Collector {
  ttl = Infinity;
  errors: DnsError[] = [];
  constructor(private readonly defaultTtl: number) {}
  see(ttl: number | undefined): void {
    this.ttl = Math.min(this.ttl, ttl ?? this.defaultTtl);
  }
  async guard<T>(q: Promise<T[]>): Promise<T[]> {
    try {
      return await q;
    } catch (e) {
      if (e instanceof DnsError) {
        this.errors.push(e);
        return [];
      }
      throw e;
    }
  }
}

export async function locateSipServer(dest: SipDestination, dns: DnsResolver, options: LocateOptions = {}): Promise<Located> {
  const enabled = options.transports ?? ['udp', 'tcp', 'tls'];
  const wanted = dest.transport ?? (dest.secure ? 'tls' : undefined);
  if (wanted !== undefined && !enabled.includes(wanted)) {
    throw new DnsError('no-targets', `transport ${wanted} is not enabled for ${dest.host}`, { context: { host: dest.host } });
  }
  const usable: readonly SipTransportName[] = enabled.filter((t) => !dest.secure || t === 'tls');
  const fallback: SipTransportName = dest.transport ?? (dest.secure ? 'tls' : usable.includes('udp') ? 'udp' : usable[0] ?? 'udp');
  const random = options.random ?? Math.random;
  const families = options.families ?? 'ipv4-first';
  const c = new Collector(options.defaultTtlS ?? 300);
  const name = dest.numeric === 0 ? dest.host : undefined;

  const clampTtl = (ttl: number) => (ttl === Infinity ? ttl : Math.min(options.maxTtlS ?? 86_400, Math.max(options.minTtlS ?? 10, ttl)));
  const done = (targets: SipTarget[]): Located => {
    if (targets.length === 0) {
      if (c.errors.length > 0) throw new DnsError('dns-failed', `cannot locate ${dest.host}: ${c.errors[0]!.message}`, { cause: c.errors[0], context: { host: dest.host } });
      throw new DnsError('no-targets', `no SIP server found for ${dest.host}`, { context: { host: dest.host } });
    }
    return { targets: dedupe(targets), ttlS: clampTtl(c.ttl) };
  };

  const addresses = async (host: string): Promise<AddressRecord[]> => {
    const want4 = families !== 'ipv6';
    const want6 = families !== 'ipv4';
    const [v4, v6] = await Promise.all([want4 ? c.guard(dns.a(host)) : [], want6 ? c.guard(dns.aaaa(host)) : []]);
    for (const r of [...v4, ...v6]) c.see(r.ttl);
    return families === 'ipv6-first' ? [...v6, ...v4] : [...v4, ...v6];
  };
  const fromAddresses = async (host: string, port: number, transport: SipTransportName, via: SipTarget['via'], tlsName = name): Promise<SipTarget[]> =>
    (await addresses(host)).map((r) => target(r.address, port, transport, tlsName, via));
  const fromSrv = async (records: SrvRecord[], transport: SipTransportName, via: SipTarget['via']): Promise<SipTarget[]> => {
    const live = records.filter((r) => r.name !== '.' && r.name !== '');
    for (const r of live) c.see(r.ttl);
    const ordered = orderSrv(live, random);
    const lists = await Promise.all(
      ordered.map((r) => {
        const host = r.name.replace(/\.$/, '');
        return fromAddresses(host, r.port, transport, via, options.tlsIdentity === 'target' ? host : name);
      }),
    );
    return lists.flat();
  };

  // §4.1/§4.2: a numeric address is used as it is
  if (dest.numeric !== 0) {
    return { targets: [target(dest.host, dest.port ?? defaultSipPort(fallback), fallback, undefined, 'numeric')], ttlS: Infinity };
  }
  // §4.2: an explicit port means A/AAAA only
  if (dest.port !== undefined) return done(await fromAddresses(dest.host, dest.port, fallback, 'address'));
  // §4.2: an explicit transport without a port: SRV for it
  if (dest.transport !== undefined) {
    const srv = await c.guard(dns.srv(srvName(dest.host, dest.transport, dest.secure)));
    const viaSrv = await fromSrv(srv, dest.transport, 'srv');
    if (viaSrv.length > 0) return done(viaSrv);
    return done(await fromAddresses(dest.host, defaultSipPort(dest.transport), dest.transport, 'address'));
  }
  // §4.1: NAPTR
  const naptr = (await c.guard(dns.naptr(dest.host)))
    .filter((r) => r.flags.toLowerCase() === 's' && NAPTR_SERVICES[r.service.toUpperCase()] !== undefined)
    .filter((r) => usable.includes(NAPTR_SERVICES[r.service.toUpperCase()]!))
    .sort((a, b) => a.order - b.order || a.preference - b.preference || usable.indexOf(NAPTR_SERVICES[a.service.toUpperCase()]!) - usable.indexOf(NAPTR_SERVICES[b.service.toUpperCase()]!));
  if (naptr.length > 0) {
    const out: SipTarget[] = [];
    for (const r of naptr) {
      c.see(r.ttl);
      const transport = NAPTR_SERVICES[r.service.toUpperCase()]!;
      out.push(...(await fromSrv(await c.guard(dns.srv(r.replacement.replace(/\.$/, ''))), transport, 'naptr')));
    }
    if (out.length > 0) return done(out);
  }
  // §4.1: no (usable) NAPTR: SRV per supported transport, in our preference
  const perTransport = await Promise.all(usable.map(async (t) => fromSrv(await c.guard(dns.srv(srvName(dest.host, t, dest.secure))), t, 'srv')));
  const viaSrv = perTransport.flat();
  if (viaSrv.length > 0) return done(viaSrv);
  // §4.2: no SRV: A/AAAA at the default port
  return done(await fromAddresses(dest.host, defaultSipPort(fallback), fallback, 'address'));
}

function target(address: string, port: number, transport: SipTransportName, serverName: string | undefined, via: SipTarget['via']): SipTarget {
  const t: SipTarget = { address, port, transport, via };
  if (serverName !== undefined) t.serverName = serverName;
  return t;
}

function dedupe(targets: SipTarget[]): SipTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const k = `${t.transport}|${t.address.toLowerCase()}|${t.port}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
