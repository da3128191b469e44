import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { SimSpi } from '../../../hal/sim/spi-sim.js';
import { SimSerial } from '../../../hal/sim/serial-sim.js';
import { HalError } from '../../../hal/errors.js';
import { settle } from '../../../hal/sim/drive-clock.js';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, HalError);
    assert.is((e as HalError).code, code);
    return;
  }
  assert.unreachable(`expected HalError '${code}'`);
}

test('spi: no device, chip-select framing, records, closed', async () => {
  const clock = new FakeClock(42);
  const spi = new SimSpi({ clock });
  await rejectsWith(spi.open(0, 0), 'no-device');
  const frames: Buffer[] = [];
  // a model that echoes each byte + 1
  spi.attach(0, 1, {
    transfer(tx) {
      frames.push(Buffer.from(tx));
      return Buffer.from(tx.map((b) => (b + 1) & 0xff));
    },
  });
  const dev = await spi.open(0, 1, { mode: 3, maxSpeedHz: 1_000_000 });
  await rejectsWith(spi.open(0, 1), 'busy');
  const rx = await dev.transfer([
    { sendBuffer: Buffer.from([0x10, 0x20]), byteLength: 2, chipSelectChange: false },
    { byteLength: 1 },
    { sendBuffer: Buffer.from([0x7f]), byteLength: 1 },
  ]);
  assert.equal(frames.map((f) => [...f]), [[0x10, 0x20, 0x00], [0x7f]], 'first two messages share a frame');
  assert.equal(rx.map((b) => [...b]), [[0x11, 0x21], [0x01], [0x80]]);
  assert.is(spi.transfers.length, 2);
  assert.equal([...(spi.transfers[0]?.rx ?? [])], [0x11, 0x21, 0x01]);
  assert.is(spi.transfers[0]?.at, 42);
  assert.is(spi.transfers[0]?.speedHz, 1_000_000);
  await rejectsWith(dev.transfer([{ sendBuffer: Buffer.from([1, 2]), byteLength: 1 }]), 'bad-argument');
  await dev.close();
  await rejectsWith(dev.transfer([{ byteLength: 1 }]), 'closed');
});

test('spi: a short model reply reads as zeros', async () => {
  const spi = new SimSpi();
  spi.attach(1, 0, { transfer: () => Buffer.from([0xaa]) });
  const dev = await spi.open(1, 0);
  const [rx] = await dev.transfer([{ byteLength: 3 }]);
  assert.equal([...(rx ?? [])], [0xaa, 0, 0]);
});

test('serial: list, open, data both ways, errors', async () => {
  const serial = new SimSerial();
  serial.createPort('/dev/ttyUSB0', { manufacturer: 'rig' });
  assert.equal(await serial.list(), [{ path: '/dev/ttyUSB0', manufacturer: 'rig' }]);
  await rejectsWith(serial.open('/dev/ttyS9', { baudRate: 115200 }), 'no-device');
  await rejectsWith(serial.open('/dev/ttyUSB0', { baudRate: 0 }), 'bad-argument');
  assert.is(serial.emitData('/dev/ttyUSB0', 'lost'), false, 'dropped while closed');
  const port = await serial.open('/dev/ttyUSB0', { baudRate: 115200 });
  await rejectsWith(serial.open('/dev/ttyUSB0', { baudRate: 115200 }), 'busy');
  const echoed: string[] = [];
  serial.onWrite('/dev/ttyUSB0', (d) => echoed.push(d.toString()));
  await port.write('HOOK OFF\n');
  assert.equal(serial.written('/dev/ttyUSB0').map(String), ['HOOK OFF\n']);
  assert.equal(echoed, ['HOOK OFF\n']);
  serial.emitData('/dev/ttyUSB0', 'early');
  const got: string[] = [];
  port.onData((c) => got.push(c.toString()));
  serial.emitData('/dev/ttyUSB0', Buffer.from('OK\n'));
  assert.equal(got, [], 'delivered asynchronously');
  await settle();
  assert.equal(got, ['early', 'OK\n'], 'buffered data first, in order');
  await port.close();
  await rejectsWith(port.write('x'), 'closed');
});

test.run();
