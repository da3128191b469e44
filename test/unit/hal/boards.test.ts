import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BOARDS, getBoard } from '../../../board/index.js';
import { simBoard } from '../../../board/sim.js';
import { LocalError } from '../../../firmware/core/errors.js';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { HalError } from '../../../hal/errors.js';
import { createSimHal } from '../../../hal/sim/create-sim-hal.js';
import type { BoardDefinition } from '../../../board/types.js';

test('getBoard returns known boards and names them all when it fails', () => {
  const sim = getBoard('sim');
  assert.is(sim.backend, 'sim');
  assert.is(sim.lines.length, 2);
  assert.equal(sim.lines[1], { slic: { chip: 'ag1171', pins: { rm: 23, fr: 24, shk: 25 } }, pcm: { device: 'sim', channel: 1 } });
  const rpi = getBoard('rpi-ag1171');
  assert.is(rpi.backend, 'real');
  assert.is(rpi.lines[0]?.pcm.device, 'plughw:1,0');
  for (const [name, board] of Object.entries(BOARDS)) assert.is(board.name, name);
  try {
    getBoard('nope');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, LocalError);
    assert.is((e as LocalError).code, 'unknown-board');
    for (const name of Object.keys(BOARDS)) assert.match((e as Error).message, name);
  }
  try {
    getBoard('toString');
    assert.unreachable();
  } catch (e) {
    assert.is((e as LocalError).code, 'unknown-board');
  }
});

test('getBoard hands out copies', () => {
  const a = getBoard('sim');
  a.lines.pop();
  assert.is(getBoard('sim').lines.length, 2);
});

test('createSimHal: one phone and chip model per line, wired to its pins and PCM channel', async () => {
  const clock = new FakeClock();
  const sim = createSimHal({ clock, board: simBoard });
  assert.is(sim.hal.kind, 'sim');
  assert.equal(sim.lines.map((l) => l.index), [0, 1]);
  sim.lines[1]!.phone.hookOff();
  assert.is(sim.gpio.outputValue(25), 1, 'line 2 phone drives SHK 25');
  assert.is(sim.gpio.outputValue(22), 0, 'line 1 untouched');
  const stream = await sim.hal.pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 1 });
  let got = 0;
  stream.start((capture) => (got += capture.length));
  clock.advance(40);
  assert.is(got, 320);
});

test('createSimHal builds si3215 lines and refuses pins used twice', () => {
  const clock = new FakeClock();
  const si: BoardDefinition = {
    name: 'x',
    description: 'x',
    backend: 'sim',
    lines: [{ slic: { chip: 'si3215', spi: { bus: 0, device: 0, speedHz: 1e6 }, resetPin: 4, interruptPin: 5, timeslot: 0 }, pcm: { device: 'sim', channel: 0 } }],
  };
  assert.is(createSimHal({ clock, board: si }).lines[0]!.slic.constructor.name, 'Si3215Model', 'details: test/unit/slic');
  const dup: BoardDefinition = {
    name: 'y',
    description: 'y',
    backend: 'sim',
    lines: [
      { slic: { chip: 'ag1171', pins: { rm: 1, fr: 2, shk: 3 } }, pcm: { device: 'sim', channel: 0 } },
      { slic: { chip: 'ag1171', pins: { rm: 4, fr: 2, shk: 5 } }, pcm: { device: 'sim', channel: 1 } },
    ],
  };
  assert.throws(() => createSimHal({ clock, board: dup }), (e: unknown) => e instanceof HalError && e.code === 'busy');
});

test.run();
