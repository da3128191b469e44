/** I/O adapter: `DnsResolver` on `node:dns/promises` (c-ares), optionally pointed at given servers. */
import { Resolver } from 'node:dns/promises';
import { DnsError } from './dns.js';
import type { AddressRecord, DnsResolver, NaptrRecord, SrvRecord } from './dns.js';

export interface NodeDnsOptions {
  /** DNS servers, e.g. ['127.0.0.1:5353'] (default: the system's). */
  servers?: string[];
  /** Per-try timeout in ms (c-ares default otherwise). */
  timeoutMs?: number;
  tries?: number;
}

/** c-ares codes meaning "no such name / no such record": an empty answer, not a failure. */
const EMPTY = new Set(['ENODATA', 'ENOTFOUND', 'NODATA', 'NOTFOUND']);

export class NodeDnsResolver implements DnsResolver {
  private readonly resolver: Resolver;

  constructor(options: NodeDnsOptions = {}) {
    this.resolver = new Resolver({
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
      ...(options.tries !== undefined ? { tries: options.tries } : {}),
    });
    if (options.servers?.length) this.resolver.setServers(options.servers);
  }

  naptr(name: string): Promise<NaptrRecord[]> {
    return this.query('NAPTR', name, () => this.resolver.resolveNaptr(name));
  }

  srv(name: string): Promise<SrvRecord[]> {
    return this.query('SRV', name, () => this.resolver.resolveSrv(name));
  }

  async a(name: string): Promise<AddressRecord[]> {
    const r = await this.query('A', name, () => this.resolver.resolve4(name, { ttl: true }));
    return r.map((x) => ({ address: x.address, family: 4 as const, ttl: x.ttl }));
  }

  async aaaa(name: string): Promise<AddressRecord[]> {
    const r = await this.query('AAAA', name, () => this.resolver.resolve6(name, { ttl: true }));
    return r.map((x) => ({ address: x.address, family: 6 as const, ttl: x.ttl }));
  }

  cancel(): void {
    this.resolver.cancel();
  }

  private async query<T>(type: string, name: string, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await run();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (EMPTY.has(code)) return [];
      throw new DnsError('dns-failed', `DNS ${type} query for ${name} failed: ${code || (e as Error).message}`, { cause: e, context: { type, name, code } });
    }
  }
}
