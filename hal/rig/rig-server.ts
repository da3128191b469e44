/**
 * TCP adapter for a RigSession: newline-delimited ASCII (CR before LF is ignored). Each connection's
 * commands are handled one at a time, so its replies come in command order; `EVT` lines go to every
 * connected client as separate lines between replies. Blank lines are ignored. A line longer than
 * the protocol limit gets `ERR bad-argument` and is dropped.
 */
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { Logger } from '../../firmware/core/log.js';
import { silentLogger } from '../../firmware/core/log.js';
import { formatError, RIG_LIMITS } from './protocol.js';
import type { RigSession } from './rig-session.js';

export interface RigServer {
  /** The port actually bound (useful when asked for port 0). */
  readonly port: number;
  close(): Promise<void>;
}

export async function startRigServer(o: { host: string; port: number; session: RigSession; log?: Logger }): Promise<RigServer> {
  const log = o.log ?? silentLogger;
  const clients = new Set<Socket>();
  let closing = false;

  const send = (socket: Socket, line: string): void => {
    if (!socket.destroyed && socket.writable) socket.write(`${line}\n`);
  };

  const unsubscribe = o.session.onEvent((evt) => {
    for (const s of clients) send(s, evt);
  });

  const server = createServer((socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    clients.add(socket);
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    log.debug('rig client connected', { peer });
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    let buffer = '';
    let discarding = false;
    let chain: Promise<void> = Promise.resolve();

    const enqueue = (line: string): void => {
      chain = chain.then(async () => {
        const reply = await o.session.handle(line);
        log.debug('rig', { cmd: line, reply });
        send(socket, reply);
      });
    };

    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const nl = buffer.indexOf('\n');
        if (nl < 0) break;
        const raw = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (discarding) {
          discarding = false;
          continue;
        }
        if (raw.trim() === '') continue;
        enqueue(raw);
      }
      if (buffer.length > RIG_LIMITS.maxLineLength) {
        buffer = '';
        if (!discarding) {
          discarding = true;
          const msg = formatError('bad-argument', `line longer than ${RIG_LIMITS.maxLineLength} characters`);
          chain = chain.then(() => send(socket, msg));
        }
      }
    });
    socket.on('error', (e) => log.debug('rig client error', { peer, err: e }));
    socket.on('close', () => {
      clients.delete(socket);
      log.debug('rig client gone', { peer });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log.warn('rig server error', { err: e }));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  log.debug('rig server listening', { host: o.host, port });

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        unsubscribe();
        for (const s of clients) s.destroy();
        clients.clear();
        server.close(() => resolve());
      }),
  };
}
