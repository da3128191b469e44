/** Small helpers for transport tests on loopback: deferred values, raw peers, event waits. */
import net from 'node:net';

/** Let pending socket I/O in this process run (a few event-loop turns; no timers). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * Wait until `check()` holds, re-checking after I/O (setImmediate turns). The real-time bound only
 * stops a broken test from hanging; no logic depends on it.
 */
export async function until(check: () => boolean, what: string, guardMs = 5000): Promise<void> {
  const start = Date.now();
  let spins = 0;
  while (!check()) {
    if (Date.now() - start > guardMs) throw new Error(`timed out waiting for ${what}`);
    // spin on I/O turns; when a peer process is slow, poll gently instead of burning a core
    if (++spins < 2000) await new Promise<void>((r) => setImmediate(r));
    else await new Promise<void>((r) => setTimeout(r, 10));
  }
}

/** A raw TCP peer that records what it receives. */
export class RawPeer {
  received = Buffer.alloc(0);
  ended = false;
  closed = false;
  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => (this.received = Buffer.concat([this.received, d])));
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }
  text(): string {
    return this.received.toString('utf8');
  }
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (e) => (e ? reject(e) : resolve())));
  }
  static connect(port: number, host = '127.0.0.1'): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }
}

/** A raw TCP server collecting its accepted peers. */
export async function rawServer(): Promise<{ server: net.Server; port: number; peers: RawPeer[]; close(): Promise<void> }> {
  const peers: RawPeer[] = [];
  const server = net.createServer((s) => peers.push(new RawPeer(s)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    port,
    peers,
    close: () =>
      new Promise<void>((r) => {
        for (const p of peers) p.socket.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on (bound then released). */
export async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export function sipRequest(method: string, callId: string, body = ''): string {
  return [
    `${method} sip:1000@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK${callId}`,
    'Max-Forwards: 70',
    'From: <sip:2000@lab.test>;tag=f1',
    'To: <sip:1000@lab.test>',
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** A free TCP port on loopback right now (bound then released). */
export const freePort = deadPort;

/** Wait until a TCP connect to `port` succeeds (a peer process finished starting). */
export async function waitListening(port: number, what: string, guardMs = 10_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - start > guardMs) throw new Error(`${what} is not listening on ${port}`);
    await new Promise<void>((r) => setTimeout(r, 20));
  }
}
