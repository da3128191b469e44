/**
 * The serial contract (hal/serial.ts), written once and run against any SerialBackend. The port a
 * target names must be a loopback: what is written comes back (a TX-RX jumper on a USB adapter,
 * a socat pty running `cat`, or an echoing simulated device).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SerialBackend, SerialPort } from '../../../../hal/serial.js';
import { expectHalError } from './support.js';

export interface SerialTarget {
  name: string;
  backend: SerialBackend;
  /** A loopback port. */
  path: string;
  baudRate: number;
  absentPath: string;
  /** Whether list() is expected to name `path` (ptys are not listed by udev). */
  listed: boolean;
  /** Wait until `cond()` holds or `ms` pass (letting I/O and callbacks run); returns cond(). */
  until(cond: () => boolean, ms: number): Promise<boolean>;
  teardown?(): Promise<void>;
}

export function serialConformance(t: SerialTarget): void {
  const s = suite(`serial conformance: ${t.name}`);
  let port: SerialPort | undefined;
  s.after.each(async () => {
    await port?.close().catch(() => {});
    port = undefined;
  });
  s.after(async () => {
    await t.teardown?.();
  });
  const open = async () => {
    port = await t.backend.open(t.path, { baudRate: t.baudRate });
    return port;
  };
  const collect = (p: SerialPort) => {
    const chunks: Buffer[] = [];
    p.onData((c) => chunks.push(c));
    return { chunks, bytes: () => Buffer.concat(chunks) };
  };

  s('bytes written come back through the loopback, in order and unchanged (all 256 values, 4 KiB)', async () => {
    const p = await open();
    assert.is(p.path, t.path);
    const rx = collect(p);
    const all = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) all[i] = i;
    const big = Buffer.alloc(4096);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
    await p.write(all);
    await p.write(big);
    await p.write('text ✓\n');
    const expected = Buffer.concat([all, big, Buffer.from('text ✓\n')]);
    await t.until(() => rx.bytes().length >= expected.length, 5000);
    assert.is(rx.bytes().length, expected.length, 'byte count');
    assert.ok(rx.bytes().equals(expected), 'content');
  });

  s('onData callbacks are asynchronous, and data that arrives before the first callback is kept', async () => {
    const p = await open();
    const pending = p.write('early');
    await pending;
    await t.until(() => false, 100); // let the echo arrive with nobody listening yet
    const rx = collect(p);
    assert.equal(rx.chunks, [], 'nothing delivered inside onData()');
    await t.until(() => rx.bytes().length >= 5, 3000);
    assert.is(rx.bytes().toString(), 'early');
    const before = rx.chunks.length;
    const w = p.write('late');
    assert.is(rx.chunks.length, before, 'nothing delivered inside write()');
    await w;
    await t.until(() => rx.bytes().length >= 9, 3000);
    assert.is(rx.bytes().toString(), 'earlylate');
  });

  s('a port is busy while open and free after close; a missing one is no-device', async () => {
    const p = await open();
    await expectHalError(() => t.backend.open(t.path, { baudRate: t.baudRate }), 'busy', 'second open');
    await p.close();
    port = undefined;
    const again = await open();
    const rx = collect(again);
    await again.write('x');
    await t.until(() => rx.bytes().length >= 1, 3000);
    assert.is(rx.bytes().toString(), 'x');
    await expectHalError(() => t.backend.open(t.absentPath, { baudRate: t.baudRate }), 'no-device', 'absent port');
  });

  s('a closed port refuses write, onData and close with closed', async () => {
    const p = await t.backend.open(t.path, { baudRate: t.baudRate });
    await p.close();
    await expectHalError(() => p.write('x'), 'closed', 'write');
    await expectHalError(() => p.onData(() => {}), 'closed', 'onData');
    await expectHalError(() => p.close(), 'closed', 'second close');
  });

  s('a bad baud rate is refused with bad-argument', async () => {
    await expectHalError(() => t.backend.open(t.path, { baudRate: 0 }), 'bad-argument', 'baud 0');
    await expectHalError(() => t.backend.open(t.path, { baudRate: 1.5 }), 'bad-argument', 'baud 1.5');
  });

  s('list() returns ports with a path', async () => {
    const ports = await t.backend.list();
    assert.ok(Array.isArray(ports));
    for (const p of ports) assert.type(p.path, 'string');
    if (t.listed) assert.ok(ports.some((p) => p.path === t.path), `${t.path} listed`);
  });

  s.run();
}
