/**
 * I/O adapter: SIP over TCP or TLS (RFC 3261 §18, RFC 5626 §4.4.1 keep-alive answers). Opens or
 * reuses one connection per remote (transport, address, port[, TLS name]), accepts inbound
 * connections on a listening socket (TCP; TLS when given a server certificate), closes idle
 * connections, bounds connections and buffers, and reports connection failures so that the
 * caller can fail over to the next target (RFC 3263 §4.3).
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Endpoint } from '../message/types.js';
import { endpointKey, normaliseAddress } from './sip-transport.js';
import type { SipTransport, TransportHandlers, TransportTarget } from './sip-transport.js';
import { StreamConnection } from './stream-connection.js';
import type { ConnectionState } from './stream-connection.js';
import { loadTlsClientConfig, loadTlsServerConfig, serverNameFor, tlsConnectOptions } from './tls-options.js';
import type { LoadedTlsClient, TlsClientConfig, TlsServerConfig } from './tls-options.js';
import { TransportUsageError } from './transport-errors.js';

export interface StreamTransportOptions {
  transport: 'tcp' | 'tls';
  clock: Clock;
  log: Logger;
  /** Accept inbound connections here (TLS needs `tlsServer`). Omit to make outbound connections only. */
  listen?: { address: string; port: number };
  /** Source address for outbound connections. */
  localAddress?: string;
  tlsClient?: TlsClientConfig;
  tlsServer?: TlsServerConfig;
  /** Close a connection after this long without an octet either way. Default 180 s. */
  idleTimeoutMs?: number;
  /** Give up on a connect (and TLS handshake) after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /** Largest SIP message accepted on a stream. Default 64 KiB. */
  maxMessageBytes?: number;
  /** Most octets queued for a peer that does not read. Default 256 KiB. */
  maxWriteBacklog?: number;
  /** Most simultaneous connections (inbound + outbound). Default 64. */
  maxConnections?: number;
}

export interface ConnectionInfo {
  remote: Endpoint;
  inbound: boolean;
  state: ConnectionState;
  lastActivity: number;
}

export interface StreamTransport extends SipTransport {
  readonly transport: 'tcp' | 'tls';
  /** Open connections (for status and tests). */
  connections(): ConnectionInfo[];
  /** Send an RFC 5626 ping (CRLFCRLF) on the existing flow to `to`; false when there is no open flow. */
  ping(to: TransportTarget): boolean;
  /** Close the flow to `to`, if any. */
  closeConnection(to: TransportTarget): void;
}

export const STREAM_DEFAULTS = {
  idleTimeoutMs: 180_000,
  connectTimeoutMs: 10_000,
  maxMessageBytes: 64 * 1024,
  maxWriteBacklog: 256 * 1024,
  maxConnections: 64,
} as const;

export async function openStreamTransport(options: StreamTransportOptions, handlers: TransportHandlers): Promise<StreamTransport> {
  const impl = new StreamTransportImpl(options, handlers);
  await impl.listen();
  return impl;
}

class StreamTransportImpl implements StreamTransport {
  readonly transport: 'tcp' | 'tls';
  address: string;
  port = 0;
  private readonly pool = new Map<string, StreamConnection>();
  private readonly keys = new Map<StreamConnection, string>();
  private readonly tlsClient: LoadedTlsClient | undefined;
  private readonly limits: Required<Pick<StreamTransportOptions, 'idleTimeoutMs' | 'connectTimeoutMs' | 'maxMessageBytes' | 'maxWriteBacklog' | 'maxConnections'>>;
  private server: net.Server | undefined;
  private closed = false;

  constructor(
    private readonly o: StreamTransportOptions,
    private readonly handlers: TransportHandlers,
  ) {
    this.transport = o.transport;
    this.address = o.listen?.address ?? o.localAddress ?? '0.0.0.0';
    this.tlsClient = o.transport === 'tls' ? loadTlsClientConfig(o.tlsClient ?? {}) : undefined;
    this.limits = {
      idleTimeoutMs: o.idleTimeoutMs ?? STREAM_DEFAULTS.idleTimeoutMs,
      connectTimeoutMs: o.connectTimeoutMs ?? STREAM_DEFAULTS.connectTimeoutMs,
      maxMessageBytes: o.maxMessageBytes ?? STREAM_DEFAULTS.maxMessageBytes,
      maxWriteBacklog: o.maxWriteBacklog ?? STREAM_DEFAULTS.maxWriteBacklog,
      maxConnections: o.maxConnections ?? STREAM_DEFAULTS.maxConnections,
    };
  }

  async listen(): Promise<void> {
    const l = this.o.listen;
    if (!l) return;
    let server: net.Server;
    if (this.transport === 'tls') {
      if (!this.o.tlsServer) throw new TransportUsageError('bad-tls-config', 'listening for SIP over TLS needs a server certificate (tlsServer)');
      const tlsServer = tls.createServer(loadTlsServerConfig(this.o.tlsServer), (s) => this.accept(s));
      tlsServer.on('tlsClientError', (e, s) => this.o.log.info('inbound TLS handshake failed', { from: `${s.remoteAddress}:${s.remotePort}`, error: e }));
      server = tlsServer;
    } else {
      server = net.createServer((s) => this.accept(s));
    }
    server.on('error', (e) => this.o.log.error('SIP stream listener error', { error: e }));
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) =>
        reject(new TransportUsageError('listen-failed', `cannot listen for SIP ${this.transport} on ${l.address}:${l.port}: ${e.message}`, { cause: e }));
      server.once('error', onError);
      server.listen(l.port, l.address, () => {
        server.off('error', onError);
        resolve();
      });
    });
    const a = server.address() as net.AddressInfo;
    this.address = a.address;
    this.port = a.port;
    this.server = server;
  }

  async send(data: Buffer, to: TransportTarget): Promise<void> {
    if (this.closed) throw new TransportUsageError('transport-closed', `SIP ${this.transport} transport is closed`);
    if (to.transport !== this.transport) {
      throw new TransportUsageError('no-transport', `the ${this.transport} transport cannot send to a ${to.transport} endpoint`);
    }
    if (data.length > this.limits.maxMessageBytes) {
      throw new TransportUsageError('sip-too-large', `SIP message of ${data.length} octets exceeds ${this.limits.maxMessageBytes}`);
    }
    const conn = this.find(to) ?? this.connect(to);
    await conn.write(data);
  }

  ping(to: TransportTarget): boolean {
    const conn = this.find(to);
    if (!conn || conn.state !== 'open') return false;
    conn.ping().catch(() => {});
    return true;
  }

  closeConnection(to: TransportTarget): void {
    this.find(to)?.close('local');
  }

  connections(): ConnectionInfo[] {
    return [...this.pool.values()].map((c) => ({ remote: c.remote, inbound: c.inbound, state: c.state, lastActivity: c.lastActivity }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.pool.values()]) c.destroy('local');
    this.pool.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- internals -------------------------------------------------------------------------
  private tlsName(to: TransportTarget): string | undefined {
    return this.tlsClient ? serverNameFor(to, this.tlsClient) : undefined;
  }

  /** The open connection for `to`: one verified for the same name, else an inbound (or unnamed) one. */
  private find(to: TransportTarget): StreamConnection | undefined {
    const named = this.tlsName(to);
    const exact = this.pool.get(endpointKey(to, named));
    if (exact && exact.state !== 'closed') return exact;
    if (named === undefined) return undefined;
    const base = this.pool.get(endpointKey(to));
    return base && base.state !== 'closed' ? base : undefined;
  }

  private connect(to: TransportTarget): StreamConnection {
    this.makeRoom();
    const remote: Endpoint = { address: normaliseAddress(to.address), port: to.port, transport: this.transport };
    let socket: net.Socket;
    if (this.tlsClient) {
      const opts: tls.ConnectionOptions & { localAddress?: string } = tlsConnectOptions({ ...to, address: remote.address }, this.tlsClient);
      if (this.o.localAddress) opts.localAddress = this.o.localAddress;
      socket = tls.connect(opts);
    } else {
      socket = net.connect({ host: remote.address, port: remote.port, ...(this.o.localAddress ? { localAddress: this.o.localAddress } : {}) });
    }
    const conn = this.wrap(socket, remote, false);
    this.add(endpointKey(remote, this.tlsName(to)), conn);
    this.o.log.debug('opening SIP connection', { remote: `${remote.transport}:${remote.address}:${remote.port}`, serverName: this.tlsName(to) });
    return conn;
  }

  private accept(socket: net.Socket): void {
    if (this.closed || this.pool.size >= this.limits.maxConnections) {
      this.o.log.warn('refusing inbound SIP connection: limit reached', { from: `${socket.remoteAddress}:${socket.remotePort}`, limit: this.limits.maxConnections });
      socket.destroy();
      return;
    }
    if (socket.remoteAddress === undefined || socket.remotePort === undefined) {
      socket.destroy();
      return;
    }
    const remote: Endpoint = { address: normaliseAddress(socket.remoteAddress), port: socket.remotePort, transport: this.transport };
    const conn = this.wrap(socket, remote, true);
    const key = endpointKey(remote);
    this.pool.get(key)?.destroy('local');
    this.add(key, conn);
    this.handlers.onEvent?.({ type: 'connected', remote, inbound: true });
  }

  private wrap(socket: net.Socket, remote: Endpoint, inbound: boolean): StreamConnection {
    return new StreamConnection({
      socket,
      remote,
      inbound,
      tlsClient: !inbound && this.transport === 'tls',
      connected: inbound,
      clock: this.o.clock,
      log: this.o.log,
      ...this.limits,
      onMessage: (data, from, message) => this.handlers.onMessage(data, from, message),
      onEvent: (e) => this.handlers.onEvent?.(e),
      onGone: (c) => this.remove(c),
    });
  }

  private add(key: string, conn: StreamConnection): void {
    this.pool.set(key, conn);
    this.keys.set(conn, key);
  }

  private remove(conn: StreamConnection): void {
    const key = this.keys.get(conn);
    this.keys.delete(conn);
    if (key !== undefined && this.pool.get(key) === conn) this.pool.delete(key);
  }

  /** At the connection limit, close the least recently used connection for a new outbound one. */
  private makeRoom(): void {
    if (this.pool.size < this.limits.maxConnections) return;
    let lru: StreamConnection | undefined;
    for (const c of this.pool.values()) if (!lru || c.lastActivity < lru.lastActivity) lru = c;
    if (lru) {
      this.o.log.info('closing least recently used SIP connection: limit reached', { remote: `${lru.remote.address}:${lru.remote.port}` });
      lru.destroy('local');
      this.remove(lru);
    }
  }
}
