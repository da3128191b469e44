/**
 * The DNS queries RFC 3263 needs, behind an interface so the locator can be driven by a fake in
 * tests and by `node:dns` (node-dns-resolver.ts) in the firmware. Every query resolves to the
 * records found, `[]` when the name or the record type does not exist (NXDOMAIN, NODATA), and
 * rejects with a `DnsError` when the DNS itself failed (timeout, SERVFAIL, refused).
 */
import { RemoteError } from '../../core/errors.js';

export interface NaptrRecord {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  /** Seconds; undefined when the resolver does not report TTLs (node:dns does not for NAPTR). */
  ttl?: number;
}

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  name: string;
  ttl?: number;
}

export interface AddressRecord {
  address: string;
  family: 4 | 6;
  ttl?: number;
}

export interface DnsResolver {
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  a(name: string): Promise<AddressRecord[]>;
  aaaa(name: string): Promise<AddressRecord[]>;
}

export type DnsErrorCode = 'dns-failed' | 'no-targets';

export class DnsError extends RemoteError {
  declare readonly code: DnsErrorCode;
  constructor(code: DnsErrorCode, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(code, message, options);
  }
}

export function isDnsError(e: unknown): e is DnsError {
  return e instanceof DnsError;
}
