/** createRealHal: the real backends behind the Hal interface, failing with HAL codes where the machine lacks the hardware. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSystemClock } from '../../../../firmware/core/system-clock.js';
import { memoryLogger } from '../../../../firmware/core/log.js';
import { createRealHal } from '../../../../hal/create-real-hal.js';
import { HalError } from '../../../../hal/errors.js';
import { existsSync } from 'node:fs';

test('createRealHal returns the four real backends without touching any device', async () => {
  const log = memoryLogger();
  const hal = await createRealHal({ clock: createSystemClock(), log });
  assert.is(hal.kind, 'real');
  for (const k of ['gpio', 'spi', 'serial', 'pcm'] as const) assert.type(hal[k].open, 'function');
  assert.type(hal.serial.list, 'function');
  assert.equal(log.records.filter((r) => r.level !== 'debug'), [], 'nothing logged above debug');
});

test('on a machine without the hardware, opens fail with HAL codes (not crashes)', async () => {
  const hal = await createRealHal({ clock: createSystemClock(), log: memoryLogger(), gpioSysfsBase: 0, alsa: { openTimeoutMs: 5000 } });
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'opened';
    } catch (e) {
      assert.instance(e, HalError, String(e));
      return (e as HalError).code;
    }
  };
  if (!existsSync('/sys/class/gpio/export')) {
    // onoff itself loads (its epoll addon built); the kernel interface is what is missing
    const e = await hal.gpio.open(17, { direction: 'out' }).catch((x: unknown) => x);
    assert.instance(e, HalError);
    assert.is((e as HalError).code, 'unsupported');
    assert.match((e as Error).message, /no sysfs GPIO interface/);
  }
  if (!existsSync('/dev/spidev7.7')) assert.is(await code(hal.spi.open(7, 7)), 'no-device');
  assert.is(await code(hal.serial.open('/dev/tipring-no-such-tty', { baudRate: 9600 })), 'no-device');
  const pcm = await code(hal.pcm.open('hw:31,0', { sampleRate: 8000, periodSamples: 160, channel: 0 }));
  assert.ok(['no-device', 'unsupported'].includes(pcm), `ALSA on a missing card: ${pcm}`);
  assert.is(await code(hal.pcm.open('hw:31,0', { sampleRate: 8000, periodSamples: 160, channel: 1 })), 'unsupported', 'channel 1');
  const ports = await hal.serial.list();
  assert.ok(Array.isArray(ports), 'list works with or without udevadm');
});

test.run();
