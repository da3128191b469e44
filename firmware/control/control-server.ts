/**
 * I/O adapter: a local control socket (Unix domain, mode 0600) for commands to the running
 * firmware, one line in, one line out. Used by `tipring selftest-invite-auth` and `tipring ctl`.
 */
import { chmod, unlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Logger } from '../core/log.js';

export type ControlHandler = (command: string) => Promise<string>;

export async function startControlServer(path: string, handler: ControlHandler, log: Logger): Promise<{ close(): Promise<void> }> {
  await unlink(path).catch(() => {});
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > 4096) return sock.destroy();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        handler(line)
          .then((reply) => sock.write(`${reply}\n`))
          .catch((e: Error) => sock.write(`ERR ${e.message}\n`));
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  log.info('control socket listening', { path });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        unlink(path).catch(() => {});
      }),
  };
}

/** Client side: send one command, get one reply line. */
export function controlRequest(path: string, command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    import('node:net').then(({ createConnection }) => {
      const sock = createConnection(path);
      let buf = '';
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`no answer from the firmware on ${path} within ${timeoutMs} ms`));
      }, timeoutMs);
      sock.setEncoding('utf8');
      sock.on('connect', () => sock.write(`${command}\n`));
      sock.on('data', (d: string) => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          sock.end();
          resolve(buf.slice(0, nl));
        }
      });
      sock.on('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot reach the running firmware at ${path}: ${e.message}`));
      });
    }, reject);
  });
}
