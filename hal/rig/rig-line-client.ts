/**
 * The transport-independent half of a rig client (docs/rig-protocol.md): line framing, replies
 * matched to commands in order, `EVT` lines kept in a backlog that `waitEvent()` consumes (so an
 * event that arrived before the wait started is not missed). A transport (TCP socket, serial port)
 * feeds received text to `receive()`, reports its end with `fail()`, and writes what `send()` gives it.
 *
 * Only lines starting with `OK` or `ERR` are taken as replies: anything else that is not an event
 * (a fixture's boot banner on a serial line, say) is ignored rather than mistaken for an answer.
 * Timeouts run on an injected Clock (the system clock by default).
 */
import type { Cancel, Clock } from '../../firmware/core/clock.js';
import { LocalError, RemoteError } from '../../firmware/core/errors.js';
import { createSystemClock } from '../../firmware/core/system-clock.js';
import { isEventLine } from './protocol.js';

/** How a client reaches its rig. */
export interface RigTransport {
  /** Write raw text (already framed). */
  write(text: string): void;
  /** Close gracefully; resolves once closed. */
  end(): Promise<void>;
  /** Drop the connection at once (after a failure). */
  destroy(): void;
}

interface PendingReply {
  resolve: (line: string) => void;
  reject: (e: Error) => void;
  timer: Cancel | undefined;
}

interface EventWaiter {
  pattern: RegExp;
  resolve: (line: string) => void;
  reject: (e: Error) => void;
  timer: Cancel;
}

/** Events kept for later `waitEvent()` calls; the oldest are dropped beyond this. */
const MAX_BACKLOG = 1000;
/** Default time allowed for a reply (LISTEN and TONE may take up to a minute). */
export const DEFAULT_REPLY_TIMEOUT_MS = 120_000;

export class RigLineClient {
  private buffer = '';
  private readonly pending: PendingReply[] = [];
  private readonly backlog: string[] = [];
  private readonly waiters: EventWaiter[] = [];
  private closedError: Error | undefined;
  private readonly clock: Clock;
  private readonly transport: RigTransport;

  protected constructor(transport: RigTransport, clock?: Clock) {
    this.transport = transport;
    this.clock = clock ?? createSystemClock();
  }

  /** Send one command; resolves with its `OK ...` / `ERR ...` reply line. */
  send(cmd: string, timeoutMs = DEFAULT_REPLY_TIMEOUT_MS): Promise<string> {
    if (this.closedError) return Promise.reject(this.closedError);
    if (/[\r\n]/.test(cmd)) return Promise.reject(new LocalError('bad-argument', 'a rig command is one line'));
    return new Promise((resolve, reject) => {
      const entry: PendingReply = { resolve, reject, timer: undefined };
      entry.timer = this.clock.at(this.clock.now() + timeoutMs, () => {
        // The connection's reply order can no longer be trusted: give up on it.
        this.fail(new LocalError('rig-timeout', `no reply to '${cmd}' within ${timeoutMs} ms`));
      });
      this.pending.push(entry);
      this.transport.write(`${cmd}\n`);
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
        timer: this.clock.at(this.clock.now() + timeoutMs, () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new LocalError('rig-timeout', `no event matching ${pattern} within ${timeoutMs} ms`));
        }),
      };
      this.waiters.push(waiter);
    });
  }

  /** Events received and not consumed by `waitEvent()`, oldest first. */
  events(): string[] {
    return [...this.backlog];
  }

  /** Close the connection; pending commands fail with 'rig-closed'. */
  async close(): Promise<void> {
    if (!this.closedError) this.closedError = new RemoteError('rig-closed', 'rig connection closed');
    this.rejectAll(this.closedError);
    await this.transport.end();
  }

  /** For transports: text received from the rig. */
  protected receive(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl < 0) return;
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() === '') continue;
      if (isEventLine(line)) this.onEvent(line);
      else if (/^(OK|ERR)(\s|$)/.test(line)) this.onReply(line);
    }
  }

  /** For transports: the connection failed or ended; everything waiting is rejected with `e`. */
  protected fail(e: Error): void {
    if (!this.closedError) this.closedError = e;
    this.rejectAll(e);
    this.transport.destroy();
  }

  private rejectAll(e: Error): void {
    for (const p of this.pending.splice(0)) {
      p.timer?.();
      p.reject(e);
    }
    for (const w of this.waiters.splice(0)) {
      w.timer();
      w.reject(e);
    }
  }

  private onReply(line: string): void {
    const p = this.pending.shift();
    if (!p) return; // an unexpected reply: nothing to match it with
    p.timer?.();
    p.resolve(line);
  }

  private onEvent(line: string): void {
    const i = this.waiters.findIndex((w) => w.pattern.test(line));
    if (i >= 0) {
      const w = this.waiters.splice(i, 1)[0] as EventWaiter;
      w.timer();
      w.resolve(line);
      return;
    }
    this.backlog.push(line);
    if (this.backlog.length > MAX_BACKLOG) this.backlog.shift();
  }
}
