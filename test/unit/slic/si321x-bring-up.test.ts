/** Si321x driver bring-up against the simulated chip: the checked sequence, its end state, each fault's code. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { INDIRECT_DEFAULTS, IR } from '../../../firmware/line/slic/si321x/registers.js';
import type { IndirectName } from '../../../firmware/line/slic/si321x/registers.js';
import { ringOscCoefficient } from '../../../firmware/line/slic/si321x/ringing.js';
import type { SpiDeviceModel } from '../../../hal/sim/spi-sim.js';
import { SLIC, expectSlicError, initDriver, rig } from './support.js';

/** Index of the first recorded write matching (address, value), searching from `from`. */
function writeIndex(writes: ReadonlyArray<{ address: number; value: number }>, address: number, value: number, from = 0): number {
  for (let i = from; i < writes.length; i++) if (writes[i]!.address === address && writes[i]!.value === value) return i;
  return -1;
}

test('bring-up: reset pulse first, then the AN35 order, ending in forward active', async () => {
  const r = rig();
  await initDriver(r);
  assert.is(r.driver.currentState, 'idle');
  assert.equal(r.driver.identity, { family: 'si3215', part: 'Si3215', revision: 3, revisionLetter: 'C' });

  // RESET went low, then high, before the first SPI frame.
  const resetEdges = r.gpio.history(SLIC.resetPin);
  const released = resetEdges.find((h) => h.value === 1)!;
  assert.ok(resetEdges.some((h) => h.value === 0 && h.at < released.at));
  assert.ok(r.spi.transfers[0]!.at! >= released.at, 'no SPI access while held in reset');

  const w = r.model.writes;
  const dcdcOff = writeIndex(w, 14, 0x10);
  const firstIndirect = writeIndex(w, 30, IR.RX_DIGITAL_GAIN.si3215);
  const powerUp1 = writeIndex(w, 14, 0x00);
  const leakOff = writeIndex(w, 14, 0x10, powerUp1);
  const powerUp2 = writeIndex(w, 14, 0x00, leakOff);
  const cal = writeIndex(w, 96, 0x5f);
  const dcdcCal = writeIndex(w, 93, 0x99);
  const pcm = writeIndex(w, 1, 0x28);
  const irqEnable = writeIndex(w, 22, 0xff);
  const active = writeIndex(w, 64, 0x01);
  const order = [dcdcOff, firstIndirect, powerUp1, leakOff, powerUp2, cal, dcdcCal, pcm, irqEnable, active];
  assert.ok(order.every((i) => i >= 0), `every milestone happened: ${order.join(',')}`);
  for (let i = 1; i < order.length; i++) assert.ok(order[i]! > order[i - 1]!, `milestone ${i} after ${i - 1}: ${order.join(',')}`);
  assert.is(w.filter((x) => x.address === 64).at(-1)!.value, 0x01, 'the last linefeed write is forward active');

  // End state, as the chip sees it.
  const reg = (a: number) => r.model.register(a);
  assert.is(reg(64), 0x11, 'LF and LFS forward active');
  assert.is(reg(8), 0x00, 'loopback off');
  assert.is(reg(14), 0x00, 'DC-DC on');
  assert.ok(r.model.batteryVolts() > 69, `battery up: ${r.model.batteryVolts()} V`);
  assert.is(reg(1), 0xa8, 'PCM on, µ-law (bit 7 = Si3215 family)');
  assert.equal([reg(2), reg(3), reg(4), reg(5)], [16, 0, 16, 0], 'timeslot 2 = 16 PCLKs after FSYNC');
  assert.equal([reg(21), reg(22), reg(23)], [0x00, 0xff, 0x00], 'ring trip, loop closure and power alarms enabled');
  assert.equal([reg(18), reg(19), reg(20)], [0, 0, 0], 'nothing pending');
  assert.is(reg(69), 16, '20 ms loop closure debounce');
  assert.is(reg(34), 0x00, 'sine ringing, no chip cadence timers');
  assert.is(reg(108), 0xeb);
  assert.is(reg(96), 0x00, 'calibrated');
  assert.is(r.model.calibrations, 1);
  assert.is(r.model.framingErrors, 0, 'one byte per chip-select frame');
  assert.is(r.model.indirectCollisions, 0, 'the busy bit was always respected');
  assert.ok(r.spi.transfers.every((t) => t.tx.length === 1));
  assert.ok(!r.model.interruptAsserted);

  // Indirect registers read back as the datasheet defaults, at their Si3215 addresses.
  for (const [name, value] of Object.entries(INDIRECT_DEFAULTS) as Array<[IndirectName, number]>) {
    assert.is(r.model.indirectRegister(IR[name].si3215), value, name);
  }
  assert.is(r.model.indirectRegister(IR.RING_OSC.si3215), ringOscCoefficient(20), 'default ring 20 Hz');
  // The filters were flushed (0x8000) before the DC-DC came up and restored after calibration.
  const lcf = r.model.indirectWrites.filter((x) => x.address === IR.THERM_POLE_Q1Q2.si3215);
  assert.equal(lcf.map((x) => x.value), [0x008c, 0x8000, 0x008c]);
  assert.ok(lcf[1]!.at <= w[powerUp1]!.at && lcf[2]!.at >= w[cal]!.at);
  assert.ok(r.log.records.some((x) => x.msg === 'si321x ready'));
});

test('init twice, or linefeed before init, is illegal', async () => {
  const r = rig();
  try {
    await r.driver.setLinefeed('ringing');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, IllegalTransitionError);
  }
  await initDriver(r);
  try {
    await r.driver.init();
    assert.unreachable();
  } catch (e) {
    assert.instance(e, IllegalTransitionError);
  }
});

test('no chip on the bus (reads 0xFF or 0x00): no-chip, hardware released', async () => {
  for (const reads of [0xff, 0x00] as const) {
    const r = rig({ model: { faults: [{ kind: 'absent', reads }] } });
    const e = await expectSlicError(r, r.driver.init(), 'no-chip');
    assert.is(e.context['register0'], reads);
    assert.is(r.driver.currentState, 'failed');
    assert.not.ok(r.gpio.isOpen(SLIC.resetPin));
    assert.not.ok(r.gpio.isOpen(SLIC.interruptPin));
  }
});

test('revision A is refused; a Si3210 where the board says Si3215 is the wrong chip', async () => {
  const old = rig({ model: { revision: 1 } });
  await expectSlicError(old, old.driver.init(), 'unsupported-revision');
  const other = rig({ model: { variant: 'si3210' } });
  const e = await expectSlicError(other, other.driver.init(), 'wrong-chip');
  assert.is(e.context['found'], 'si3210');
});

test('a Si3210 is driven with its own indirect addresses when expected', async () => {
  const r = rig({ model: { variant: 'si3210' }, driver: { expect: 'si3210' } });
  await initDriver(r);
  assert.is(r.driver.identity?.part, 'Si3210');
  assert.is(r.model.indirectRegister(IR.RING_OSC.si3210), ringOscCoefficient(20), 'RING_OSC at indirect 20 on the Si3210');
  assert.is(r.model.indirectRegister(IR.LOOP_CLOSE_THRESH.si3210), 0x1000);
});

/** Wraps the chip: `mangle` may change what the host reads, or lose writes on the way (a broken SDI line). */
class Interposer implements SpiDeviceModel {
  private pending: { read: boolean; address: number; dropped: boolean } | undefined;
  constructor(
    private readonly inner: SpiDeviceModel,
    private readonly mangle: { read?: (address: number, value: number) => number; dropWrite?: (address: number) => boolean },
  ) {}
  transfer(tx: Buffer): Buffer {
    const p = this.pending;
    if (!p) {
      const read = ((tx[0] as number) & 0x80) !== 0;
      const address = (tx[0] as number) & 0x7f;
      const dropped = !read && (this.mangle.dropWrite?.(address) ?? false);
      this.pending = { read, address, dropped };
      return dropped ? Buffer.from([0xff]) : this.inner.transfer(tx);
    }
    this.pending = undefined;
    if (p.dropped) return Buffer.from([0xff]);
    const rx = this.inner.transfer(tx);
    if (p.read && this.mangle.read) rx[0] = this.mangle.read(p.address, rx[0] as number);
    return rx;
  }
}

test('wrong reset values are insane; a register that does not read back fails the SPI check', async () => {
  const a = rig();
  a.spi.attach(SLIC.spi.bus, SLIC.spi.device, new Interposer(a.model, { read: (addr, v) => (addr === 11 ? 0x3b : v) }));
  const e = await expectSlicError(a, a.driver.init(), 'insane');
  assert.equal([e.context['register'], e.context['value'], e.context['expected']], [11, 0x3b, 0x33]);
  const b = rig();
  b.spi.attach(SLIC.spi.bus, SLIC.spi.device, new Interposer(b.model, { dropWrite: (addr) => addr === 4 }));
  await expectSlicError(b, b.driver.init(), 'spi-readback');
});

test('DC-DC that never reaches the battery voltage: dcdc-timeout, converter switched off again', async () => {
  const r = rig({ model: { faults: [{ kind: 'dcdc-weak', maxVolts: 40 }] } });
  const e = await expectSlicError(r, r.driver.init(), 'dcdc-timeout');
  assert.ok((e.context['measuredV'] as number) <= 40);
  assert.is(e.context['programmedV'], 75);
  assert.is(r.model.register(14), 0x10, 'DC-DC off after the failure');
  assert.is(r.model.linefeed, 0);
});

test('a leaking battery rail fails the power-leak test', async () => {
  const r = rig({ model: { faults: [{ kind: 'battery-leak' }] } });
  const e = await expectSlicError(r, r.driver.init(), 'power-leak');
  assert.ok((e.context['elapsedMs'] as number) < 500);
});

test('calibration stuck once is retried and passes; stuck twice fails', async () => {
  const once = rig({ model: { faults: [{ kind: 'calibration-stuck', times: 1 }] } });
  await initDriver(once);
  assert.is(once.model.calibrations, 2);
  assert.ok(once.log.records.some((x) => x.level === 'warn' && /retrying once/.test(x.msg)));
  assert.ok(once.log.records.some((x) => /second attempt/.test(x.msg)));
  const always = rig({ model: { faults: [{ kind: 'calibration-stuck' }] } });
  const e = await expectSlicError(always, always.driver.init(), 'calibration-timeout');
  assert.is(e.context['attempts'], 2);
  assert.is(always.model.calibrations, 2, 'exactly one retry');
});

test('indirect access engine stuck: indirect-timeout; corrupt indirect RAM: indirect-verify', async () => {
  const stuck = rig({ model: { faults: [{ kind: 'indirect-stuck' }] } });
  await expectSlicError(stuck, stuck.driver.init(), 'indirect-timeout');
  const bad = rig({ model: { faults: [{ kind: 'indirect-corrupt', address: IR.LOOP_CLOSE_THRESH.si3215, xor: 0x0004 }] } });
  const e = await expectSlicError(bad, bad.driver.init(), 'indirect-verify');
  const mismatches = e.context['mismatches'] as Array<{ register: string; read: number; expected: number }>;
  assert.equal(mismatches, [{ register: 'LOOP_CLOSE_THRESH', address: IR.LOOP_CLOSE_THRESH.si3215, read: 0x1004, expected: 0x1000 }]);
});

test('close leaves the line open and the DC-DC off, and releases the pins', async () => {
  const r = rig();
  await initDriver(r);
  await r.driver.close();
  assert.is(r.model.linefeed, 0);
  assert.is(r.model.register(14), 0x10);
  assert.not.ok(r.gpio.isOpen(SLIC.resetPin));
  assert.is(r.driver.currentState, 'closed');
  await r.driver.close();
});

test.run();
