/** I/O adapter: one UDP socket for a call's RTP, bound to an even port in the configured range. */
import { randomInt } from 'node:crypto';
import { DgramAsPromised } from 'dgram-as-promised';
import type { SocketAsPromised } from 'dgram-as-promised';
import { LocalError } from '../core/errors.js';

export interface RtpSocket {
  readonly port: number;
  send(data: Buffer, address: string, port: number): void;
  close(): Promise<void>;
}

export async function openRtpSocket(
  bind: string,
  range: { min: number; max: number },
  onPacket: (data: Buffer, from: { address: string; port: number }) => void,
  attempts = 20,
): Promise<RtpSocket> {
  const evens = Math.floor((range.max - range.min) / 2) + 1;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    const port = range.min + 2 * randomInt(0, Math.max(1, evens));
    const sock: SocketAsPromised = DgramAsPromised.createSocket(bind.includes(':') ? 'udp6' : 'udp4', (msg, rinfo) =>
      onPacket(msg, { address: rinfo.address, port: rinfo.port }),
    );
    try {
      await sock.bind(port, bind);
      return {
        port,
        send: (data, address, p) => {
          sock.send(data, p, address).catch(() => {});
        },
        close: async () => {
          await sock.close().catch(() => {});
        },
      };
    } catch (e) {
      lastError = e;
      sock.destroy();
    }
  }
  throw new LocalError('rtp-port-unavailable', `no free RTP port in ${range.min}-${range.max}`, { cause: lastError });
}
