/**
 * I/O adapter: alerts as RFC 5424 syslog messages over UDP (RFC 5426) to a configured host:port.
 * Fire and forget: `emit` returns at once, send errors are counted, never thrown. The socket is
 * unref'd so it never keeps the process alive.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { hostname as osHostname } from 'node:os';
import type { Clock } from '../core/clock.js';
import type { AlertSink } from './alert.js';
import { formatSyslog } from './syslog-format.js';
import type { SyslogFormatOptions } from './syslog-format.js';

export interface SyslogSinkOptions extends SyslogFormatOptions {
  host: string;
  /** Default 514. */
  port?: number;
  clock: Clock;
}

export interface SyslogSink extends AlertSink {
  readonly stats: { sent: number; failed: number };
  close(): Promise<void>;
}

export function createSyslogAlertSink(o: SyslogSinkOptions): SyslogSink {
  const stats = { sent: 0, failed: 0 };
  const port = o.port ?? 514;
  const format: SyslogFormatOptions = { ...o, hostname: o.hostname ?? osHostname(), procId: o.procId ?? process.pid };
  let socket: Socket | undefined;
  let closed = false;
  const open = (): Socket => {
    if (!socket) {
      socket = createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
      socket.on('error', () => {
        stats.failed++;
      });
      socket.unref();
    }
    return socket;
  };
  return {
    stats,
    emit(alert) {
      if (closed) return;
      try {
        const msg = formatSyslog(alert, o.clock.wallTime(), format);
        open().send(msg, port, o.host, (err) => {
          if (err) stats.failed++;
          else stats.sent++;
        });
      } catch {
        stats.failed++;
      }
    },
    close() {
      closed = true;
      const s = socket;
      socket = undefined;
      return new Promise((resolve) => {
        if (!s) return resolve();
        s.close(() => resolve());
      });
    },
  };
}
