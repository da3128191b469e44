/**
 * Test-side client of a rig endpoint over TCP (an I/O adapter: it uses real sockets). The protocol
 * side (framing, reply matching, event backlog, timeouts) is RigLineClient's; this file only
 * connects the socket. The serial-port twin is rig-serial-client.ts.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { Clock } from '../../firmware/core/clock.js';
import { RemoteError } from '../../firmware/core/errors.js';
import { RigLineClient } from './rig-line-client.js';
import type { RigTransport } from './rig-line-client.js';

function socketTransport(socket: Socket): RigTransport {
  return {
    write: (text) => {
      socket.write(text);
    },
    end: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) {
          resolve();
          return;
        }
        socket.once('close', () => resolve());
        socket.end(() => socket.destroy());
      }),
    destroy: () => {
      if (!socket.destroyed) socket.destroy();
    },
  };
}

export class RigClient extends RigLineClient {
  private constructor(socket: Socket, clock?: Clock) {
    super(socketTransport(socket), clock);
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (e) => this.fail(new RemoteError('rig-io', `rig connection error: ${e.message}`, { cause: e })));
    socket.on('close', () => this.fail(new RemoteError('rig-closed', 'rig connection closed')));
  }

  static connect(host: string, port: number, options: { clock?: Clock } = {}): Promise<RigClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const onError = (e: Error) => reject(new RemoteError('rig-connect', `cannot connect to rig ${host}:${port}: ${e.message}`, { cause: e }));
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new RigClient(socket, options.clock));
      });
    });
  }
}
