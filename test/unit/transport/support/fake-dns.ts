/** An in-memory DnsResolver: records by name, a log of queries, names that fail like a dead server. */
import { DnsError } from '../../../../firmware/sip/resolve/dns.js';
import type { AddressRecord, DnsResolver, NaptrRecord, SrvRecord } from '../../../../firmware/sip/resolve/dns.js';

export interface Zone {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, Array<string | { address: string; ttl: number }>>;
  aaaa?: Record<string, Array<string | { address: string; ttl: number }>>;
}

export class FakeDns implements DnsResolver {
  readonly queries: string[] = [];
  /** Query keys ("SRV _sip._udp.x") that fail with a DnsError, as if the server timed out. */
  readonly failing = new Set<string>();

  constructor(public zone: Zone) {}

  private ask<T>(type: string, name: string, records: T[] | undefined): Promise<T[]> {
    const key = `${type} ${name}`;
    this.queries.push(key);
    if (this.failing.has(key) || this.failing.has('*')) return Promise.reject(new DnsError('dns-failed', `${key}: ETIMEOUT`));
    return Promise.resolve(records ? records.map((r) => ({ ...r })) : []);
  }

  naptr(name: string): Promise<NaptrRecord[]> {
    return this.ask('NAPTR', name, this.zone.naptr?.[name]);
  }

  srv(name: string): Promise<SrvRecord[]> {
    return this.ask('SRV', name, this.zone.srv?.[name]);
  }

  a(name: string): Promise<AddressRecord[]> {
    return this.ask('A', name, this.zone.a?.[name]?.map((x) => (typeof x === 'string' ? { address: x, family: 4 as const, ttl: 3600 } : { ...x, family: 4 as const })));
  }

  aaaa(name: string): Promise<AddressRecord[]> {
    return this.ask('AAAA', name, this.zone.aaaa?.[name]?.map((x) => (typeof x === 'string' ? { address: x, family: 6 as const, ttl: 3600 } : { ...x, family: 6 as const })));
  }
}
