/**
 * The SPI contract (hal/spi.ts), written once and run against any SpiBackend. A target names a
 * device; when its MISO is wired to its MOSI (`loopback`), what is clocked out must come back.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SpiBackend, SpiDevice } from '../../../../hal/spi.js';
import { expectHalError } from './support.js';

export interface SpiTarget {
  name: string;
  backend: SpiBackend;
  bus: number;
  device: number;
  maxSpeedHz: number;
  /** Received bytes equal sent bytes (MISO wired to MOSI, or a loopback model). */
  loopback: boolean;
  /** A (bus, device) that does not exist here. */
  absent: { bus: number; device: number };
}

function pattern(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (seed + i * 37) & 0xff;
  return b;
}

export function spiConformance(t: SpiTarget): void {
  const s = suite(`spi conformance: ${t.name}`);
  let dev: SpiDevice | undefined;
  s.after.each(async () => {
    await dev?.close().catch(() => {});
    dev = undefined;
  });
  const open = async () => {
    dev = await t.backend.open(t.bus, t.device, { mode: 0, maxSpeedHz: t.maxSpeedHz });
    return dev;
  };

  s('a transfer returns one reply per message, each exactly byteLength long', async () => {
    const d = await open();
    assert.is(d.bus, t.bus);
    assert.is(d.device, t.device);
    const lengths = [1, 2, 7, 64, 0, 3];
    const replies = await d.transfer(lengths.map((n, i) => ({ sendBuffer: pattern(n, i), byteLength: n, chipSelectChange: i % 2 === 0 })));
    assert.equal(replies.map((r) => r.length), lengths);
    for (const r of replies) assert.ok(Buffer.isBuffer(r));
    assert.equal(await d.transfer([]), [], 'an empty transfer returns no replies');
  });

  const loopTitle = 'with MISO looped to MOSI the bytes come back; a missing or short sendBuffer clocks zeros';
  (t.loopback ? s : s.skip)(loopTitle, async () => {
    const d = await open();
    const a = pattern(300, 5);
    const [ra, rb, rc] = await d.transfer([
      { sendBuffer: a, byteLength: a.length },
      { byteLength: 4 },
      { sendBuffer: Buffer.from([0xaa, 0x55]), byteLength: 5, speedHz: Math.min(t.maxSpeedHz, 500_000) },
    ]);
    assert.ok(ra?.equals(a), 'first message echoed');
    assert.ok(rb?.equals(Buffer.alloc(4)), 'no sendBuffer clocks zeros');
    assert.ok(rc?.equals(Buffer.from([0xaa, 0x55, 0, 0, 0])), 'short sendBuffer is padded with zeros');
  });

  s('bad messages and options are refused with bad-argument', async () => {
    await expectHalError(() => t.backend.open(t.bus, t.device, { mode: 7 as 0 }), 'bad-argument', 'mode 7');
    const d = await open();
    await expectHalError(() => d.transfer([{ sendBuffer: Buffer.alloc(4), byteLength: 2 }]), 'bad-argument', 'sendBuffer longer than byteLength');
    await expectHalError(() => d.transfer([{ byteLength: -1 }]), 'bad-argument', 'negative byteLength');
    await expectHalError(() => d.transfer([{ byteLength: 1.5 }]), 'bad-argument', 'fractional byteLength');
  });

  s('a device is busy while open, free after close; a missing one is no-device', async () => {
    const d = await open();
    await expectHalError(() => t.backend.open(t.bus, t.device), 'busy', 'second open');
    await d.close();
    dev = undefined;
    const again = await open();
    const [r] = await again.transfer([{ byteLength: 2 }]);
    assert.is(r?.length, 2);
    await expectHalError(() => t.backend.open(t.absent.bus, t.absent.device), 'no-device', 'absent device');
  });

  s('a closed device refuses transfers and a second close with closed', async () => {
    const d = await t.backend.open(t.bus, t.device);
    await d.close();
    await expectHalError(() => d.transfer([{ byteLength: 1 }]), 'closed', 'transfer');
    await expectHalError(() => d.close(), 'closed', 'second close');
  });

  s.run();
}
