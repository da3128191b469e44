/**
 * The simulated Si3215 on its own, driven with raw SPI bytes. Register numbers and values here are
 * written out from the datasheet (not taken from the driver's register map), so the model is
 * checked against the document rather than against the code that uses it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { SimGpio } from '../../../hal/sim/gpio-sim.js';
import { Si3215Model } from '../../../hal/sim/si3215-model.js';
import type { Si3215ModelOptions } from '../../../hal/sim/si3215-model.js';
import { SimPhone } from '../../../hal/sim/sim-phone.js';
import { settle } from '../../../hal/sim/drive-clock.js';

const RESET = 25;
const INT = 24;

function chip(o: Partial<Si3215ModelOptions> = {}) {
  const clock = new FakeClock(0);
  const gpio = new SimGpio({ clock });
  const model = new Si3215Model({ clock, gpio, resetPin: RESET, interruptPin: INT, timeslot: 1, ...o });
  const rd = (a: number): number => {
    model.transfer(Buffer.from([0x80 | a]));
    return model.transfer(Buffer.from([0x00]))[0] as number;
  };
  const wr = (a: number, v: number): void => {
    model.transfer(Buffer.from([a & 0x7f]));
    model.transfer(Buffer.from([v]));
  };
  const iwrite = (a: number, v: number): void => {
    wr(28, v & 0xff);
    wr(29, v >> 8);
    wr(30, a);
  };
  const iread = (a: number): number => {
    wr(30, a);
    clock.advance(0.125);
    return rd(28) | (rd(29) << 8);
  };
  return { clock, gpio, model, rd, wr, iwrite, iread };
}

/** Open the RESET pin as the host would and release the chip. */
async function released(c: ReturnType<typeof chip>): Promise<void> {
  const pin = await c.gpio.open(RESET, { direction: 'low' });
  await pin.write(1);
}

test('held in reset the chip does not answer; released it shows its reset values', async () => {
  const c = chip();
  assert.ok(c.model.inReset, 'RESET pin low at power-up');
  assert.is(c.rd(8), 0xff, 'SDO floats high');
  await released(c);
  assert.not.ok(c.model.inReset);
  assert.is(c.rd(0) & 0x0f, 3, 'revision C');
  assert.is(c.rd(1) & 0x80, 0x80, 'register 1 bit 7: Si3215 family');
  assert.is(c.rd(8), 0x02, 'audio loopback reset value');
  assert.is(c.rd(11), 0x33, 'hybrid reset value');
  assert.is(c.rd(64), 0x00, 'linefeed open');
  assert.is(c.rd(74), 0x32, 'high battery 75 V');
  c.wr(1, 0x28);
  assert.is(c.rd(1), 0xa8, 'bit 7 is read-only');
  c.wr(8, 0);
  c.wr(2, 0x5a);
  assert.is(c.rd(2), 0x5a);
  // A self reset (brown-out): back to the reset values.
  c.model.injectFault({ kind: 'self-reset' });
  assert.is(c.rd(8), 0x02);
  assert.is(c.rd(2), 0x00);

  const d = chip({ variant: 'si3210', revision: 5 });
  await released(d);
  assert.is(d.rd(1) & 0x80, 0, 'Si3210 family');
  assert.is(d.rd(0) & 0x0f, 5);
});

test('SPI: one byte per chip-select frame; longer frames are framing errors', async () => {
  const c = chip();
  await released(c);
  const rx = c.model.transfer(Buffer.from([0x80 | 11, 0x00]));
  assert.equal([...rx], [0xff, 0xff]);
  assert.is(c.model.framingErrors, 1);
  assert.is(c.rd(11), 0x33, 'byte-framed access still works');
  assert.is(c.model.framingErrors, 1);
  c.wr(4, 0x12);
  assert.equal(
    c.model.writes.map((w) => [w.address, w.value]),
    [[4, 0x12]],
    'host writes are recorded',
  );
});

test('absent chip reads all 0xFF or all 0x00', async () => {
  const c = chip({ faults: [{ kind: 'absent' }] });
  await released(c);
  assert.is(c.rd(0), 0xff);
  assert.is(c.rd(8), 0xff);
  const d = chip({ faults: [{ kind: 'absent', reads: 0x00 }] });
  await released(d);
  assert.is(d.rd(0), 0x00);
  assert.is(d.rd(11), 0x00);
});

test('indirect access: busy for one 8 kHz sample, then done (status 3 bit 1); reads back', async () => {
  const c = chip();
  await released(c);
  c.iwrite(7, 0x7e6d);
  assert.is(c.rd(31) & 1, 1, 'busy right after the address write');
  c.iwrite(8, 0x1234);
  assert.is(c.model.indirectCollisions, 3, 'data and address writes while busy are host errors');
  c.clock.advance(0.125);
  assert.is(c.rd(31) & 1, 0, 'idle after 125 µs');
  assert.is(c.rd(20) & 0x02, 0x02, 'indirect-done status bit');
  assert.is(c.iread(7), 0x7e6d);
  assert.is(c.iread(8), 0, 'the colliding write was dropped');
  c.iwrite(8, 0x0160);
  c.clock.advance(0.125);
  assert.is(c.iread(8), 0x0160);
  c.model.injectFault({ kind: 'indirect-corrupt', address: 8, xor: 0x0100 });
  assert.is(c.iread(8), 0x0060, 'stuck bit');
  c.model.injectFault({ kind: 'indirect-stuck' });
  c.wr(30, 8);
  c.clock.advance(100);
  assert.is(c.rd(31) & 1, 1, 'stuck busy');
});

test('DC-DC: the battery ramps to register 74 when powered up, and holds when powered down', async () => {
  const c = chip();
  await released(c);
  assert.is(c.rd(82), 0, 'no battery at reset (DC-DC off)');
  c.wr(14, 0x00);
  c.clock.advance(100);
  const mid = c.rd(82) * 0.376;
  assert.ok(mid > 40 && mid < 60, `ramping: ${mid} V at 100 ms`);
  c.clock.advance(400);
  assert.ok(Math.abs(c.rd(82) * 0.376 - 75) < 0.5, 'reaches 75 V');
  c.wr(74, 0x3c);
  c.clock.advance(100);
  assert.ok(Math.abs(c.rd(82) * 0.376 - 90) < 0.5, 'follows a new target (90 V)');
  c.wr(14, 0x10);
  c.clock.advance(500);
  assert.ok(c.rd(82) * 0.376 > 75, 'a healthy rail holds its charge for half a second');

  const leak = chip({ faults: [{ kind: 'battery-leak' }] });
  await released(leak);
  leak.wr(14, 0);
  leak.clock.advance(300);
  leak.wr(14, 0x10);
  leak.clock.advance(150);
  assert.ok(leak.rd(82) < 6, 'a leaking rail is flat within 150 ms');

  const weak = chip({ faults: [{ kind: 'dcdc-weak', maxVolts: 30 }] });
  await released(weak);
  weak.wr(14, 0);
  weak.clock.advance(1000);
  assert.ok(weak.rd(82) * 0.376 <= 30, 'a weak converter stays below its limit');
});

test('calibration: needs the DC-DC, finishes after its time, can be stuck once', async () => {
  const c = chip({ faults: [{ kind: 'calibration-stuck', times: 1 }] });
  await released(c);
  c.wr(97, 0x1f);
  c.wr(96, 0x5f);
  c.clock.advance(1000);
  assert.is.not(c.rd(96), 0, 'no calibration without the DC-DC');
  c.wr(14, 0);
  c.clock.advance(300);
  c.wr(96, 0x5f);
  c.clock.advance(1000);
  assert.is.not(c.rd(96), 0, 'stuck (fault, first run with the converter up)');
  c.wr(96, 0x5f);
  c.clock.advance(149);
  assert.is.not(c.rd(96), 0);
  c.clock.advance(1);
  assert.is(c.rd(96), 0, 'done after 150 ms');
  assert.is(c.model.calibrations, 3);
  c.wr(93, 0x99);
  assert.is(c.rd(93) & 0x80, 0x80);
  c.clock.advance(20);
  assert.is(c.rd(93) & 0x80, 0, 'DC-DC calibration done');
  assert.ok(c.rd(107) >= 2 && c.rd(107) <= 13);
});

/** A chip out of reset with the battery up. */
async function powered(o: Partial<Si3215ModelOptions> = {}) {
  const c = chip(o);
  await released(c);
  c.wr(14, 0);
  c.clock.advance(300);
  return c;
}

test('linefeed: ringing at the RING_OSC frequency, polarity reversal, open = no feed', async () => {
  const c = await powered();
  const phone = new SimPhone({ clock: c.clock, line: c.model });
  const rings: Array<[boolean, number]> = [];
  const pols: string[] = [];
  phone.onRing((r, at) => rings.push([r, at]));
  phone.onPolarity((p) => pols.push(p));
  c.iwrite(7, 0x7e6d); // cos(2π·25/1000)·2^15
  c.clock.advance(0.125);
  c.iwrite(8, 0x0200);
  c.clock.advance(0.125);
  const t0 = c.clock.now();
  c.wr(64, 4);
  assert.ok(phone.isRinging);
  assert.is(phone.ringFrequencyHz(), 25);
  assert.ok(c.model.ringVoltagePeak() > 50);
  assert.is(c.rd(64), 0x44, 'LF and LFS both ringing');
  c.clock.advance(2000);
  c.wr(64, 1);
  assert.not.ok(phone.isRinging);
  assert.equal(rings, [
    [true, t0],
    [false, t0 + 2000],
  ]);
  c.wr(64, 5);
  c.wr(64, 6);
  c.wr(64, 1);
  assert.equal(pols, ['reverse', 'forward'], 'reverse active then reverse OHT is one reversal');
  c.wr(1, 0x28);
  c.wr(2, 8);
  c.wr(4, 8);
  assert.ok(c.model.audioPathOpen, 'PCM on, slot 1, line fed');
  assert.ok(c.model.lineFed);
  assert.is(c.rd(78), Math.floor(48 / 0.376), 'on-hook loop voltage = VOC (register 72, 48 V)');
  c.wr(64, 0);
  assert.not.ok(c.model.audioPathOpen, 'open: no feed, no audio');
  assert.not.ok(c.model.lineFed, 'open: no battery on the line');
  assert.is(c.rd(78), 0);
});

test('loop closure: debounced by register 69, then status bit and INT (cleared by writing 1)', async () => {
  const c = await powered({ hookBounceMs: 8 });
  const phone = new SimPhone({ clock: c.clock, line: c.model });
  await c.gpio.open(INT, { direction: 'in', edge: 'both' });
  c.wr(22, 0x03);
  c.wr(64, 1);
  const t0 = c.clock.now();
  phone.hookOff();
  c.clock.advance(20);
  assert.is(c.rd(68) & 1, 0, 'still debouncing (bounce ends at 8 ms, then 12.5 ms stable)');
  assert.is(c.gpio.outputValue(INT), 1);
  c.clock.advance(0.5);
  assert.is(c.rd(68) & 1, 1, 'loop closed');
  assert.is(c.rd(19) & 0x02, 0x02);
  assert.is(c.gpio.outputValue(INT), 0, 'INT asserted (active low)');
  const lows = c.gpio.history(INT).filter((h) => h.value === 0);
  assert.equal(lows, [{ value: 0, at: t0 + 20.5 }], 'one interrupt for a bouncing hook');
  c.wr(19, 0x02);
  assert.is(c.gpio.outputValue(INT), 1, 'released once cleared');
  assert.is(c.rd(79), Math.round(20 / 1.1), 'loop current at the 20 mA limit');
  c.wr(64, 0);
  c.clock.advance(13);
  assert.is(c.rd(68) & 1, 0, 'no loop current with the line open');
  await settle();
});

test('ring trip: off-hook during ringing sets RTP and its status bit after register 70', async () => {
  const c = await powered();
  const phone = new SimPhone({ clock: c.clock, line: c.model });
  c.wr(22, 0x03);
  c.wr(70, 0x0b);
  c.wr(64, 4);
  phone.hookOff();
  c.clock.advance(13.5);
  assert.is(c.rd(19) & 0x01, 0);
  c.clock.advance(0.25);
  assert.is(c.rd(19) & 0x01, 0x01, 'ring trip after 11 × 1.25 ms');
  assert.is(c.rd(68) & 0x02, 0x02);
  assert.ok(c.model.interruptAsserted);
});

test('power alarm: status bit for the transistor and line opened (AOPN); thermal shutdown opens silently', async () => {
  const c = await powered();
  c.wr(22, 0xfc);
  c.wr(64, 1);
  c.model.injectFault({ kind: 'power-alarm', transistor: 3 });
  assert.is(c.rd(19), 0x10, 'Q3 alarm is bit 4');
  assert.is(c.rd(64), 0, 'AOPN (register 67 bit 0, set at reset) opened the line');
  assert.ok(c.model.interruptAsserted);
  c.wr(19, 0xff);
  c.wr(67, 0x1e);
  c.wr(64, 1);
  c.model.injectFault({ kind: 'power-alarm', transistor: 1 });
  assert.is(c.rd(64) & 7, 1, 'without AOPN the line stays up');
  c.wr(19, 0xff);
  c.model.injectFault({ kind: 'thermal-shutdown' });
  assert.is(c.rd(64), 0);
  assert.is(c.rd(19), 0, 'no status bit');
  assert.not.ok(c.model.interruptAsserted);
});

test('PCM: companding per register 1, only in this line\'s timeslot', async () => {
  const c = await powered();
  const frame = new Int16Array(160).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * i) / 20)));
  c.wr(64, 1);
  c.wr(2, 8);
  c.wr(4, 8);
  const out = async (pcmMode: number) => {
    c.wr(1, pcmMode);
    const rec = c.model.recordLine(20);
    c.model.playout(frame);
    return rec;
  };
  assert.ok((await out(0x08)).every((v) => v === 0), 'PCM disabled: silence');
  const ulaw = await out(0x28);
  const alaw = await out(0x20);
  const linear = await out(0x38);
  assert.equal([...linear], [...frame], '16-bit linear passes as is');
  assert.ok(ulaw.some((v, i) => v !== frame[i]), 'µ-law quantises');
  assert.ok(ulaw.every((v, i) => Math.abs(v - (frame[i] as number)) <= 256), 'µ-law within its step size');
  assert.ok(alaw.some((v, i) => v !== ulaw[i]), 'A-law is a different law');
  c.wr(2, 16);
  assert.ok((await out(0x38)).every((v) => v === 0), 'transmit slot not ours: silence');
});

test.run();
