/**
 * I/O adapter: one SIP connection over TCP or TLS (a `net.Socket` or `tls.TLSSocket`). Frames the
 * byte stream with `SipStreamFramer` (RFC 3261 §18.3), answers RFC 5626 §4.4.1 pings (CRLFCRLF)
 * with a pong (CRLF), bounds what it buffers both ways, and closes itself when idle. Timers run on
 * the injected Clock. States: connecting → open → closing → closed.
 */
import type { Socket } from 'node:net';
import type { Cancel, Clock } from '../../core/clock.js';
import { IllegalTransitionError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { isSipParseError } from '../message/errors.js';
import { createResponse } from '../message/response.js';
import { serializeMessage } from '../message/serialize.js';
import { SipStreamFramer } from '../message/stream-framer.js';
import type { Endpoint, SipMessage } from '../message/types.js';
import type { CloseReason, TransportEvent } from './sip-transport.js';
import { TransportError } from './transport-errors.js';
import type { TransportErrorCode } from './transport-errors.js';

export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';
type ConnectionEvent = 'connected' | 'close' | 'closed';

const TRANSITIONS: Record<ConnectionState, Partial<Record<ConnectionEvent, ConnectionState>>> = {
  connecting: { connected: 'open', close: 'closing', closed: 'closed' },
  open: { close: 'closing', closed: 'closed' },
  closing: { close: 'closing', closed: 'closed' },
  closed: { closed: 'closed' },
};

const PONG = Buffer.from('\r\n');
const PING = Buffer.from('\r\n\r\n');

export interface StreamConnectionOptions {
  socket: Socket;
  remote: Endpoint;
  inbound: boolean;
  /** The socket is a TLSSocket still handshaking: wait for `secureConnect`, not `connect`. */
  tlsClient: boolean;
  /** Already connected (accepted sockets). */
  connected: boolean;
  clock: Clock;
  log: Logger;
  maxMessageBytes: number;
  maxWriteBacklog: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  /** After a graceful close, destroy the socket if the peer has not closed within this time. */
  closeGraceMs?: number;
  onMessage(data: Buffer, from: Endpoint, message: SipMessage): void;
  onEvent(event: TransportEvent): void;
  /** Called once, when the connection is gone (for the pool). */
  onGone(conn: StreamConnection): void;
}

const TLS_VERIFY = /CERT|SIGNATURE|ISSUER|HOSTNAME|ALTNAME|SELF_SIGNED|UNABLE_TO_GET/i;

export class StreamConnection {
  private stateValue: ConnectionState;
  private readonly framer: SipStreamFramer;
  private readonly socket: Socket;
  readonly remote: Endpoint;
  readonly inbound: boolean;
  /** Monotonic time of the last octet in or out. */
  lastActivity: number;
  private readonly ready: Promise<void>;
  private settleReady!: (error?: TransportError) => void;
  private idleCancel: Cancel | undefined;
  private timerCancel: Cancel | undefined;
  private tcpUp = false;
  private opened: boolean;
  private gone = false;
  private failure: TransportError | undefined;
  private closeReason: CloseReason = 'remote';
  private lastError: Error | undefined;

  constructor(private readonly o: StreamConnectionOptions) {
    this.socket = o.socket;
    this.remote = o.remote;
    this.inbound = o.inbound;
    this.framer = new SipStreamFramer({ maxBytes: o.maxMessageBytes });
    this.lastActivity = o.clock.now();
    this.stateValue = o.connected ? 'open' : 'connecting';
    this.opened = o.connected;
    this.ready = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => (error ? reject(error) : resolve());
    });
    this.ready.catch(() => {}); // observed through write(); never an unhandled rejection
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (e: Error) => this.onError(e));
    this.socket.on('close', () => this.onClose());
    if (o.connected) {
      this.tcpUp = true;
      this.settleReady();
      this.armIdle();
    } else {
      this.socket.once('connect', () => {
        this.tcpUp = true;
        if (!o.tlsClient) this.onConnected();
      });
      if (o.tlsClient) this.socket.once('secureConnect', () => this.onConnected());
      this.timerCancel = o.clock.at(o.clock.now() + o.connectTimeoutMs, () => {
        this.timerCancel = undefined;
        if (this.stateValue === 'connecting') {
          this.fail(new TransportError('connect-timeout', `no connection to ${this.describe()} within ${o.connectTimeoutMs} ms`, this.remote));
        }
      });
    }
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  private transition(event: ConnectionEvent): void {
    const next = TRANSITIONS[this.stateValue][event];
    if (!next) throw new IllegalTransitionError('stream-connection', this.stateValue, event);
    if (next !== this.stateValue) this.o.log.debug('SIP connection state', { remote: this.describe(), from: this.stateValue, to: next });
    this.stateValue = next;
  }

  /** Resolves once the connection is open; rejects with the TransportError that stopped it. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Write octets (a message or keep-alive). Waits for the connection to open first. */
  async write(data: Buffer): Promise<void> {
    if (this.stateValue === 'connecting') await this.ready;
    if (this.stateValue !== 'open' || this.socket.destroyed) {
      throw this.failure ?? new TransportError('connection-closed', `connection to ${this.describe()} is closed`, this.remote);
    }
    if (this.socket.writableLength + data.length > this.o.maxWriteBacklog) {
      const e = new TransportError('write-backlog', `peer ${this.describe()} is not reading (${this.socket.writableLength} octets queued)`, this.remote);
      this.destroy('error', e);
      throw e;
    }
    this.touch();
    await new Promise<void>((resolve, reject) => {
      this.socket.write(data, (err) =>
        err ? reject(new TransportError('connection-error', `write to ${this.describe()} failed: ${err.message}`, this.remote, { cause: err })) : resolve(),
      );
    });
  }

  /** RFC 5626 §4.4.1 ping on this flow. */
  ping(): Promise<void> {
    return this.write(PING);
  }

  /** Close gracefully (FIN), destroying the socket if the peer lingers. */
  close(reason: CloseReason = 'local'): void {
    if (this.stateValue === 'closed' || this.stateValue === 'closing') return;
    const wasConnecting = this.stateValue === 'connecting';
    this.closeReason = reason;
    this.transition('close');
    this.cancelTimers();
    if (wasConnecting) {
      this.failure = new TransportError('connection-closed', `connection to ${this.describe()} closed before it opened`, this.remote);
      this.settleReady(this.failure);
      this.socket.destroy();
      return;
    }
    this.socket.end();
    this.timerCancel = this.o.clock.at(this.o.clock.now() + (this.o.closeGraceMs ?? 2000), () => {
      this.timerCancel = undefined;
      this.socket.destroy();
    });
  }

  /** Drop the connection now. */
  destroy(reason: CloseReason, error?: Error): void {
    if (this.stateValue === 'closed') return;
    this.closeReason = reason;
    if (error) this.lastError = error;
    this.cancelTimers();
    this.socket.destroy();
    this.reportGone();
  }

  private describe(): string {
    return `${this.remote.transport}:${this.remote.address}:${this.remote.port}`;
  }

  private touch(): void {
    this.lastActivity = this.o.clock.now();
  }

  private onConnected(): void {
    if (this.stateValue !== 'connecting') return;
    this.transition('connected');
    this.opened = true;
    this.timerCancel?.();
    this.timerCancel = undefined;
    this.touch();
    this.settleReady();
    this.armIdle();
    this.o.onEvent({ type: 'connected', remote: this.remote, inbound: this.inbound });
  }

  private armIdle(): void {
    this.idleCancel?.();
    const at = this.lastActivity + this.o.idleTimeoutMs;
    this.idleCancel = this.o.clock.at(at, () => {
      this.idleCancel = undefined;
      if (this.stateValue !== 'open') return;
      if (this.o.clock.now() - this.lastActivity >= this.o.idleTimeoutMs) {
        this.o.log.debug('closing idle SIP connection', { remote: this.describe() });
        this.close('idle');
      } else this.armIdle();
    });
  }

  private onData(chunk: Buffer): void {
    if (this.stateValue !== 'open') return;
    this.touch();
    let items;
    try {
      items = this.framer.push(chunk);
    } catch (e) {
      this.onFramingError(e);
      return;
    }
    for (const item of items) {
      if ('keepalive' in item) {
        if (item.keepalive === 'ping') {
          this.write(PONG).catch(() => {});
          this.o.onEvent({ type: 'ping', remote: this.remote });
        } else this.o.onEvent({ type: 'pong', remote: this.remote });
        continue;
      }
      try {
        this.o.onMessage(serializeMessage(item), this.remote, item);
      } catch (e) {
        this.o.log.error('SIP message handler failed', { error: e, remote: this.describe() });
      }
    }
  }

  private onFramingError(e: unknown): void {
    this.o.log.warn('bad SIP stream; closing the connection', { remote: this.describe(), error: e });
    if (isSipParseError(e) && e.partial && e.partial.method !== 'ACK') {
      try {
        this.socket.write(serializeMessage(createResponse(e.partial, e.status, e.reason)));
      } catch {
        // the answer is a courtesy; the connection goes anyway
      }
    }
    this.lastError = e as Error;
    this.close('framing');
  }

  private onError(e: Error): void {
    this.lastError = e;
    if (this.stateValue === 'connecting') this.fail(this.mapConnectError(e));
  }

  private mapConnectError(e: Error): TransportError {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    let kind: TransportErrorCode = 'connect-failed';
    if (this.o.tlsClient && TLS_VERIFY.test(code)) kind = 'tls-verify-failed';
    else if (this.o.tlsClient && this.tcpUp) kind = 'tls-handshake-failed';
    return new TransportError(kind, `cannot connect to ${this.describe()}: ${e.message}`, this.remote, { cause: e });
  }

  private fail(error: TransportError): void {
    if (this.failure) return;
    this.failure = error;
    this.closeReason = 'error';
    this.settleReady(error);
    this.o.log.info('SIP connection failed', { remote: this.describe(), code: error.code, error: error.message });
    this.cancelTimers();
    this.socket.destroy();
    this.reportGone();
    this.o.onEvent({ type: 'connection-failed', remote: this.remote, error });
  }

  private reportGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.o.onGone(this);
  }

  private onClose(): void {
    const was = this.stateValue;
    if (was === 'closed') return;
    if (was === 'connecting') {
      this.fail(this.lastError ? this.mapConnectError(this.lastError) : new TransportError('connect-failed', `connection to ${this.describe()} closed while connecting`, this.remote));
    }
    this.transition('closed');
    this.cancelTimers();
    if (this.opened) {
      const reason = this.closeReason;
      this.o.onEvent({ type: 'closed', remote: this.remote, reason, ...(this.lastError && reason !== 'local' && reason !== 'idle' ? { error: this.lastError } : {}) });
    }
    this.reportGone();
  }

  private cancelTimers(): void {
    this.idleCancel?.();
    this.idleCancel = undefined;
    this.timerCancel?.();
    this.timerCancel = undefined;
  }
}
