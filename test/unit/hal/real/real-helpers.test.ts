/** The pure parts of the real backends: error mapping, ALSA command lines, framing, numbering, listing. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HalError } from '../../../../hal/errors.js';
import { alsaErrorCode, alsaErrorText, aplayArgs, arecordArgs, xrunOf } from '../../../../hal/real/alsa-tools.js';
import { sysfsGpioBase } from '../../../../hal/real/gpio-sysfs-base.js';
import { lazyAddon } from '../../../../hal/real/load-addon.js';
import { halCodeOf, toHalError } from '../../../../hal/real/os-errors.js';
import { int16ToBytes, PeriodFramer } from '../../../../hal/real/pcm-framer.js';
import { listSerialFromDev } from '../../../../hal/real/serial-list.js';
import { toSpidevMessages } from '../../../../hal/real/spi-spidev.js';

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });

test('OS errors map to HAL codes by errno, else by message text', () => {
  assert.is(halCodeOf(errno('ENOENT')), 'no-device');
  assert.is(halCodeOf(errno('EBUSY')), 'busy');
  assert.is(halCodeOf(errno('EMSGSIZE')), 'bad-argument');
  assert.is(halCodeOf(errno('EACCES')), 'io');
  assert.is(halCodeOf(new Error('Error: No such file or directory, cannot open /dev/ttyUSB9')), 'no-device');
  assert.is(halCodeOf(new Error('Error Resource temporarily unavailable Cannot lock port')), 'busy');
  assert.is(halCodeOf(new Error('something odd'), 'unsupported'), 'unsupported');
  const e = toHalError(errno('EACCES', 'EACCES: permission denied'), 'cannot open', '/dev/spidev0.0');
  assert.instance(e, HalError);
  assert.is(e.code, 'io');
  assert.match(e.message, /permission denied: run as root or add the user/);
  assert.is(e.context['device'], '/dev/spidev0.0');
  const h = new HalError('busy', 'x');
  assert.is(toHalError(h, 'a', 'b'), h, 'a HalError passes through');
});

test('arecord/aplay command lines: raw S16_LE mono, small period and buffer, playout start depth', () => {
  const o = { device: 'plughw:1,0', sampleRate: 8000, periodSamples: 160, bufferPeriods: 4, startPeriods: 2 };
  const rec = arecordArgs(o);
  assert.equal(rec.slice(0, 10), ['-D', 'plughw:1,0', '-t', 'raw', '-f', 'S16_LE', '-c', '1', '-r', '8000']);
  assert.ok(rec.includes('--period-size=160'));
  assert.ok(rec.includes('--buffer-size=640'));
  assert.is(rec[rec.length - 1], '-');
  const play = aplayArgs(o);
  assert.ok(play.includes('--start-delay=40000'), 'start once 2 periods (40 ms) are queued');
  assert.is(play[play.length - 1], '-');
});

test('ALSA tool messages: xruns are recognised, errors mapped, banners dropped', () => {
  assert.equal(xrunOf('underrun!!! (at least 12.480 ms long)'), { kind: 'underrun', ms: 12.48 });
  assert.equal(xrunOf('overrun!!!'), { kind: 'overrun', ms: 0 });
  assert.is(xrunOf('Recording raw data'), undefined);
  assert.is(alsaErrorCode('arecord: main:850: audio open error: Device or resource busy'), 'busy');
  assert.is(alsaErrorCode("ALSA lib confmisc.c:855:(parse_card) cannot find card '7'"), 'no-device');
  assert.is(alsaErrorCode('arecord: set_params:1352: Channels count non available'), 'unsupported');
  assert.is(alsaErrorCode('weird'), 'io');
  const text = alsaErrorText("Recording raw data 'stdin' : Signed 16 bit\nunderrun!!! (at least 1.0 ms long)\naudio open error: Device or resource busy\n");
  assert.is(text, 'audio open error: Device or resource busy');
});

test('the period framer cuts any chunking of the byte stream into whole periods, in order', () => {
  const samples = Int16Array.from({ length: 5 * 4 + 3 }, (_, i) => i * 100 - 1000);
  const bytes = int16ToBytes(samples);
  assert.is(bytes.readInt16LE(2), samples[1]);
  const framer = new PeriodFramer(4);
  const out = new Int16Array(4);
  const got: number[] = [];
  const counts: number[] = [];
  for (const cut of [[0, 3], [3, 4], [4, 19], [19, 40], [40, 46]]) {
    const n = framer.push(bytes.subarray(cut[0], cut[1]), out, (i, count) => {
      got.push(...out);
      if (i === 0) counts.push(count);
    });
    assert.ok(n >= 0);
  }
  assert.equal(got, [...samples.subarray(0, 20)]);
  assert.equal(counts, [2, 3]);
  assert.is(framer.buffered, 6, 'three samples wait for the rest of their period');
  framer.reset();
  assert.is(framer.buffered, 0);
});

test('sysfs GPIO base: the header controller is found by label; otherwise 0', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tipring-gpio-'));
  const chip = (name: string, label: string, base: number, ngpio: number) => {
    mkdirSync(path.join(root, name));
    writeFileSync(path.join(root, name, 'label'), `${label}\n`);
    writeFileSync(path.join(root, name, 'base'), `${base}\n`);
    writeFileSync(path.join(root, name, 'ngpio'), `${ngpio}\n`);
  };
  assert.is(await sysfsGpioBase(path.join(root, 'missing')), 0, 'no sysfs: numbers used as given');
  chip('gpiochip570', 'raspberrypi-exp-gpio', 570, 8);
  assert.is(await sysfsGpioBase(root), 0, 'no recognised controller');
  chip('gpiochip512', 'pinctrl-bcm2711', 512, 58);
  assert.is(await sysfsGpioBase(root), 512, 'Pi 4 on Linux >= 6.6');
  const pi5 = mkdtempSync(path.join(tmpdir(), 'tipring-gpio-'));
  mkdirSync(path.join(pi5, 'gpiochip571'));
  writeFileSync(path.join(pi5, 'gpiochip571', 'label'), 'pinctrl-rp1\n');
  writeFileSync(path.join(pi5, 'gpiochip571', 'base'), '571\n');
  writeFileSync(path.join(pi5, 'gpiochip571', 'ngpio'), '54\n');
  assert.is(await sysfsGpioBase(pi5), 571, 'Pi 5 (RP1)');
  rmSync(root, { recursive: true, force: true });
  rmSync(pi5, { recursive: true, force: true });
});

test('serial ports listed from /dev without udev: by-id links resolved, usual tty names added', async () => {
  const dev = mkdtempSync(path.join(tmpdir(), 'tipring-dev-'));
  for (const n of ['ttyACM0', 'ttyUSB1', 'ttyS0', 'ttyS1', 'null']) writeFileSync(path.join(dev, n), '');
  mkdirSync(path.join(dev, 'serial', 'by-id'), { recursive: true });
  symlinkSync('../../ttyACM0', path.join(dev, 'serial', 'by-id', 'usb-Raspberry_Pi_Pico_E6614103E7452D2F-if00'));
  symlinkSync('../../ttyGONE', path.join(dev, 'serial', 'by-id', 'usb-Dangling_Link_1-if00'));
  const ports = await listSerialFromDev(dev);
  assert.equal(
    ports.map((p) => p.path),
    [path.join(dev, 'ttyACM0'), path.join(dev, 'ttyUSB1')],
  );
  assert.is(ports[0]?.manufacturer, 'Raspberry Pi');
  assert.equal(await listSerialFromDev(path.join(dev, 'nothing')), []);
  rmSync(dev, { recursive: true, force: true });
});

test('SPI messages: HAL chip-select semantics become spidev cs_change; buffers padded and allocated', () => {
  const out = toSpidevMessages(
    [
      { sendBuffer: Buffer.from([1, 2]), byteLength: 3 },
      { byteLength: 2, chipSelectChange: false },
      { sendBuffer: Buffer.from([9]), byteLength: 1, speedHz: 250000 },
    ],
    'spidev0.0',
  );
  assert.equal(out.map((m) => m.chipSelectChange), [true, false, false], 'deassert between, keep, and never hold CS after the last');
  assert.equal([...(out[0]?.sendBuffer ?? [])], [1, 2, 0]);
  assert.equal([...(out[1]?.sendBuffer ?? [])], [0, 0]);
  assert.is(out[2]?.speedHz, 250000);
  assert.is(out[0]?.speedHz, undefined);
  assert.equal(out.map((m) => m.receiveBuffer?.length), [3, 2, 1]);
  const single = toSpidevMessages([{ byteLength: 1, chipSelectChange: false }], 'spidev0.0');
  assert.is(single[0]?.chipSelectChange, false);
  assert.throws(() => toSpidevMessages([{ byteLength: 1, speedHz: 0 }], 'spidev0.0'), (e: unknown) => (e as HalError).code === 'bad-argument');
});

test('native addons load lazily, once; a failure is HalError unsupported and can be retried', async () => {
  let calls = 0;
  let fail = true;
  const load = lazyAddon('spi-device', async () => {
    calls++;
    if (fail) throw new Error("Cannot find module 'build/Release/spi.node'");
    return { ok: true };
  });
  assert.is(calls, 0, 'nothing loaded before first use');
  try {
    await load();
    assert.unreachable('should fail');
  } catch (e) {
    assert.instance(e, HalError);
    assert.is((e as HalError).code, 'unsupported');
    assert.match((e as Error).message, /spi-device.*npm rebuild spi-device/);
  }
  fail = false;
  assert.equal(await load(), { ok: true });
  assert.equal(await load(), { ok: true });
  assert.is(calls, 2, 'retried once after the failure, then memoised');
});

test.run();
