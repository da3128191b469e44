/**
 * Test-side client of a rig endpoint over TCP (an I/O adapter: it uses real sockets and timers).
 * Replies are matched to commands in order; `EVT` lines are kept in a backlog that `waitEvent()`
 * consumes, so an event that arrived before the wait started is not missed.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { LocalError, RemoteError } from '../../firmware/core/errors.js';
import { isEventLine } from './protocol.js';

interface PendingReply {
  resolve: (line: string) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface EventWaiter {
  pattern: RegExp;
  resolve: (line: string) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Events kept for later `waitEvent()` calls; the oldest are dropped beyond this. */
const MAX_BACKLOG = 1000;
/** Default time allowed for a reply (LISTEN and TONE may take up to a minute). */
const DEFAULT_REPLY_TIMEOUT_MS = 120_000;

export class RigClient {
  private buffer = '';
  private readonly pending: PendingReply[] = [];
  private readonly backlog: string[] = [];
  private readonly waiters: EventWaiter[] = [];
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.fail(new RemoteError('rig-io', `rig connection error: ${e.message}`, { cause: e })));
    socket.on('close', () => this.fail(new RemoteError('rig-closed', 'rig connection closed')));
  }

  static connect(host: string, port: number): Promise<RigClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const onError = (e: Error) => reject(new RemoteError('rig-connect', `cannot connect to rig ${host}:${port}: ${e.message}`, { cause: e }));
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new RigClient(socket));
      });
    });
  }

  /** Send one command; resolves with its `OK ...` / `ERR ...` reply line. */
  send(cmd: string, timeoutMs = DEFAULT_REPLY_TIMEOUT_MS): Promise<string> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (/[\r\n]/.test(cmd)) return Promise.reject(new LocalError('bad-argument', 'a rig command is one line'));
    return new Promise((resolve, reject) => {
      const entry: PendingReply = { resolve, reject, timer: undefined };
      entry.timer = setTimeout(() => {
        // The connection's reply order can no longer be trusted: give up on it.
        this.fail(new LocalError('rig-timeout', `no reply to '${cmd}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.push(entry);
      this.socket.write(`${cmd}\n`);
    });
  }

  /** Resolve with the first event line (received since connect and not yet consumed) matching `pattern`. */
  waitEvent(pattern: RegExp, timeoutMs: number): Promise<string> {
    const i = this.backlog.findIndex((e) => pattern.test(e));
    if (i >= 0) return Promise.resolve(this.backlog.splice(i, 1)[0] as string);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      const waiter: EventWaiter = {
        pattern,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new LocalError('rig-timeout', `no event matching ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Events received and not consumed by `waitEvent()`, oldest first. */
  events(): string[] {
    return [...this.backlog];
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) {
        resolve();
        return;
      }
      this.socket.once('close', () => resolve());
      this.socket.end(() => this.socket.destroy());
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl < 0) return;
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (line === '') continue;
      if (isEventLine(line)) this.onEvent(line);
      else this.onReply(line);
    }
  }

  private onReply(line: string): void {
    const p = this.pending.shift();
    if (!p) return; // an unexpected reply: nothing to match it with
    if (p.timer) clearTimeout(p.timer);
    p.resolve(line);
  }

  private onEvent(line: string): void {
    const i = this.waiters.findIndex((w) => w.pattern.test(line));
    if (i >= 0) {
      const w = this.waiters.splice(i, 1)[0] as EventWaiter;
      clearTimeout(w.timer);
      w.resolve(line);
      return;
    }
    this.backlog.push(line);
    if (this.backlog.length > MAX_BACKLOG) this.backlog.shift();
  }

  private fail(e: Error): void {
    if (!this.closedError) this.closedError = e;
    for (const p of this.pending.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(e);
    }
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(e);
    }
    if (!this.socket.destroyed) this.socket.destroy();
  }
}
