/** I/O adapter: SIP over UDP on `dgram-as-promised`. */
import { DgramAsPromised } from 'dgram-as-promised';
import type { SocketAsPromised } from 'dgram-as-promised';
import { LocalError } from '../../core/errors.js';
import type { Endpoint } from '../message/types.js';

export interface UdpTransport {
  readonly address: string;
  readonly port: number;
  send(data: Buffer, to: Endpoint): Promise<void>;
  close(): Promise<void>;
}

const MAX_DATAGRAM = 65507;

export async function openUdpTransport(
  bind: string,
  port: number,
  onMessage: (data: Buffer, from: Endpoint) => void,
): Promise<UdpTransport> {
  const sock: SocketAsPromised = DgramAsPromised.createSocket(bind.includes(':') ? 'udp6' : 'udp4', (msg, rinfo) =>
    onMessage(msg, { address: rinfo.address, port: rinfo.port, transport: 'udp' }),
  );
  try {
    const addr = await sock.bind(port, bind);
    return {
      address: addr.address,
      port: addr.port,
      async send(data, to) {
        if (data.length > MAX_DATAGRAM) throw new LocalError('sip-too-large', `SIP message of ${data.length} bytes does not fit a datagram`);
        await sock.send(data, to.port, to.address);
      },
      async close() {
        await sock.close().catch(() => {});
      },
    };
  } catch (e) {
    sock.destroy();
    throw new LocalError('sip-bind-failed', `cannot bind SIP UDP ${bind}:${port}: ${(e as Error).message}`, { cause: e });
  }
}

/** The local address the OS would use to reach `target` (for Contact/SDP when bound to 0.0.0.0). */
export async function localAddressFor(target: string, port: number): Promise<string> {
  const sock = DgramAsPromised.createSocket(target.includes(':') ? 'udp6' : 'udp4');
  try {
    await sock.bind(0);
    await new Promise<void>((resolve, reject) => sock.socket.connect(port, target, (err?: Error) => (err ? reject(err) : resolve())));
    return sock.socket.address().address;
  } finally {
    await sock.close().catch(() => {});
  }
}
