/** A whole Si3215 line on the simulated board: createSimHal builds the chip, the driver brings it up, the phone talks. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getBoard } from '../../../board/index.js';
import type { BoardDefinition, Si3215Slic } from '../../../board/types.js';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { getProfile } from '../../../firmware/line/profiles/index.js';
import { Si321xDriver } from '../../../firmware/line/slic/si321x/driver.js';
import { analyseTone } from '../../../firmware/media/tone-analyser.js';
import { ToneGenerator } from '../../../firmware/media/tone-generator.js';
import { HalError } from '../../../hal/errors.js';
import { createSimHal } from '../../../hal/sim/create-sim-hal.js';
import { advanceAsync, runUntil } from '../../../hal/sim/drive-clock.js';
import { Si3215Model } from '../../../hal/sim/si3215-model.js';

function si3215(device: number, resetPin: number, interruptPin: number, timeslot: number): Si3215Slic {
  return { chip: 'si3215', spi: { bus: 0, device, speedHz: 4_000_000 }, resetPin, interruptPin, timeslot };
}

const BOARD: BoardDefinition = {
  name: 'sim-si3215',
  description: 'two Si3215 lines on the simulated HAL',
  backend: 'sim',
  lines: [
    { slic: si3215(0, 25, 24, 0), pcm: { device: 'sim', channel: 0 } },
    { slic: si3215(1, 23, 22, 1), pcm: { device: 'sim', channel: 1 } },
  ],
};

test('full line: off-hook is seen through the chip, the phone hears dial tone, the firmware hears the phone', async () => {
  const clock = new FakeClock(0);
  const sim = createSimHal({ clock, board: BOARD, hookBounceMs: 5 });
  assert.ok(sim.lines.every((l) => l.slic instanceof Si3215Model));
  const drivers = BOARD.lines.map((def, i) => {
    if (def.slic.chip !== 'si3215') throw new Error('board');
    return new Si321xDriver({ spi: sim.hal.spi, gpio: sim.hal.gpio, clock, log: memoryLogger().child({ line: i + 1 }), slic: def.slic });
  });
  await runUntil(clock, Promise.all(drivers.map((d) => d.init())), 20_000);
  const us = getProfile('us');
  await runUntil(clock, drivers[0]!.configureRing({ frequencyHz: us.ring.frequencyHz, voltage: us.ring.voltage }), 1000);

  const line = sim.lines[0]!;
  const dial = new ToneGenerator(us.tones.dial, 8000);
  const captured: number[] = [];
  const stream = await sim.hal.pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 });
  stream.start((capture, playout) => {
    if (!drivers[0]!.isOffHook()) return;
    dial.fill(playout);
    captured.push(...capture);
  });

  const hooks: Array<[number, boolean]> = [];
  drivers.forEach((d, i) => d.onHook((off) => hooks.push([i, off])));
  line.phone.hookOff();
  await advanceAsync(clock, 100);
  assert.equal(hooks, [[0, true]], 'line 1 off-hook, line 2 untouched');

  const heard = analyseTone(await runUntil(clock, line.phone.listen(500), 2000));
  assert.equal(heard.frequencies, [350, 440], 'US dial tone through the µ-law path');
  assert.ok(Math.abs(heard.levelDbm0 - -10) < 1.5, `level ${heard.levelDbm0.toFixed(1)} dBm0 (two tones at −13)`);

  captured.length = 0;
  await runUntil(clock, line.phone.playTone([1000], 400), 2000);
  const spoken = analyseTone(Int16Array.from(captured));
  assert.equal(spoken.frequencies, [1000], 'the mouthpiece reaches the firmware');

  line.phone.hookOn();
  await advanceAsync(clock, 100);
  assert.equal(hooks.at(-1), [0, false]);
  await stream.stop();
  await runUntil(clock, Promise.all(drivers.map((d) => d.close())), 1000);
});

test('createSimHal: an SPI device or pin used twice by Si3215 lines is refused', () => {
  const clock = new FakeClock();
  const twiceSpi: BoardDefinition = { ...BOARD, lines: [BOARD.lines[0]!, { slic: si3215(0, 5, 6, 1), pcm: { device: 'sim', channel: 1 } }] };
  assert.throws(() => createSimHal({ clock, board: twiceSpi }), (e: unknown) => e instanceof HalError && e.code === 'busy' && /SPI/.test(e.message));
  const twicePin: BoardDefinition = { ...BOARD, lines: [BOARD.lines[0]!, { slic: si3215(1, 24, 6, 1), pcm: { device: 'sim', channel: 1 } }] };
  assert.throws(() => createSimHal({ clock, board: twicePin }), (e: unknown) => e instanceof HalError && e.code === 'busy' && /GPIO 24/.test(e.message));
});

test('the rpi-si3215 board is registered and describes one Si3215 line', () => {
  const b = getBoard('rpi-si3215');
  assert.is(b.backend, 'real');
  assert.is(b.lines.length, 1);
  const slic = b.lines[0]!.slic;
  assert.is(slic.chip, 'si3215');
  if (slic.chip === 'si3215') {
    assert.equal(slic.spi, { bus: 0, device: 0, speedHz: 4_000_000 });
    assert.is.not(slic.resetPin, slic.interruptPin);
    assert.is(slic.pcmFormat, 'linear16');
  }
});

test.run();
