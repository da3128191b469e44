/**
 * TLS settings for SIP over TLS (RFC 3261 §26.3.1, RFC 5922): the client verifies the server
 * certificate against the system store and/or a configured CA file, sends SNI with the target's
 * host name (never an IP: RFC 6066 §3) and checks that name against the certificate; a client
 * certificate is optional. Files are read once, when the transport opens.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { TransportUsageError } from './transport-errors.js';
import type { TransportTarget } from './sip-transport.js';

export interface TlsClientConfig {
  /** PEM file of CA certificates to trust (e.g. a private CA). */
  caFile?: string;
  /** Also trust the system store. Default: true when no `caFile` is given, false when one is. */
  useSystemStore?: boolean;
  /** Client certificate and key (PEM), for servers that ask for one. */
  certFile?: string;
  keyFile?: string;
  /** Host name to present and verify when a target carries none (e.g. the configured registrar host). */
  serverName?: string;
  /** Lowest protocol version. Default TLSv1.2. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

export interface TlsServerConfig {
  certFile: string;
  keyFile: string;
  /** CA to verify client certificates with, when `requestClientCert`. */
  caFile?: string;
  requestClientCert?: boolean;
}

/** Where Linux distributions keep the system trust bundle. */
export const SYSTEM_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Alpine, Raspberry Pi OS
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/ssl/cert.pem', // macOS, some BSDs
];

export interface LoadedTlsClient {
  ca: string[];
  cert?: Buffer;
  key?: Buffer;
  serverName?: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
}

type ReadFile = (path: string) => Buffer;

function read(path: string, what: string, readFile: ReadFile): Buffer {
  try {
    return readFile(path);
  } catch (e) {
    throw new TransportUsageError('bad-tls-config', `cannot read TLS ${what} '${path}': ${(e as Error).message}`, { cause: e, context: { path } });
  }
}

/** The system trust store: the distribution's bundle if there is one, else Node's built-in roots. */
export function systemCaCertificates(readFile: ReadFile = readFileSync, exists: (p: string) => boolean = existsSync): string[] {
  for (const p of SYSTEM_CA_BUNDLES) {
    if (exists(p)) {
      try {
        return [readFile(p).toString('utf8')];
      } catch {
        // unreadable: try the next one
      }
    }
  }
  return [...rootCertificates];
}

export function loadTlsClientConfig(cfg: TlsClientConfig = {}, readFile: ReadFile = readFileSync): LoadedTlsClient {
  if ((cfg.certFile === undefined) !== (cfg.keyFile === undefined)) {
    throw new TransportUsageError('bad-tls-config', 'a TLS client certificate needs both certFile and keyFile');
  }
  const ca: string[] = [];
  if (cfg.caFile !== undefined) ca.push(read(cfg.caFile, 'CA file', readFile).toString('utf8'));
  if (cfg.useSystemStore ?? cfg.caFile === undefined) ca.push(...systemCaCertificates(readFile));
  const out: LoadedTlsClient = { ca, minVersion: cfg.minVersion ?? 'TLSv1.2' };
  if (cfg.certFile !== undefined && cfg.keyFile !== undefined) {
    out.cert = read(cfg.certFile, 'client certificate', readFile);
    out.key = read(cfg.keyFile, 'client key', readFile);
  }
  if (cfg.serverName !== undefined) out.serverName = cfg.serverName;
  return out;
}

/** The name to present (SNI) and verify for `target`, or undefined to verify the IP address itself. */
export function serverNameFor(target: TransportTarget, loaded: Pick<LoadedTlsClient, 'serverName'>): string | undefined {
  const name = target.serverName ?? loaded.serverName;
  if (name === undefined || name === '' || isIP(name.replace(/^\[|\]$/g, '')) !== 0) return undefined;
  return name.replace(/\.$/, '');
}

/** Options for `tls.connect` to `target`: verification always on. */
export function tlsConnectOptions(target: TransportTarget, loaded: LoadedTlsClient): ConnectionOptions {
  const name = serverNameFor(target, loaded);
  const options: ConnectionOptions = {
    host: target.address,
    port: target.port,
    ca: loaded.ca,
    rejectUnauthorized: true,
    minVersion: loaded.minVersion,
  };
  // With `servername` set, Node sends SNI and checks the certificate against that name;
  // without it, the certificate must name the IP address (iPAddress subjectAltName).
  if (name !== undefined) options.servername = name;
  if (loaded.cert && loaded.key) {
    options.cert = loaded.cert;
    options.key = loaded.key;
  }
  return options;
}

export function loadTlsServerConfig(cfg: TlsServerConfig, readFile: ReadFile = readFileSync): TlsOptions {
  const options: TlsOptions = {
    cert: read(cfg.certFile, 'server certificate', readFile),
    key: read(cfg.keyFile, 'server key', readFile),
    minVersion: 'TLSv1.2',
  };
  if (cfg.requestClientCert) {
    options.requestCert = true;
    options.rejectUnauthorized = true;
    if (cfg.caFile !== undefined) options.ca = [read(cfg.caFile, 'CA file', readFile).toString('utf8')];
  }
  return options;
}
