import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { SimGpio } from '../../../hal/sim/gpio-sim.js';
import { HalError } from '../../../hal/errors.js';
import { advanceAsync, settle } from '../../../hal/sim/drive-clock.js';
import type { GpioValue } from '../../../hal/gpio.js';

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

test('watch callbacks are asynchronous and honour edge selection', async () => {
  const clock = new FakeClock();
  const gpio = new SimGpio({ clock });
  const rising = await gpio.open(5, { direction: 'in', edge: 'rising' });
  const seen: GpioValue[] = [];
  rising.watch((v) => seen.push(v));
  gpio.driveInput(5, 1);
  assert.equal(seen, [], 'not delivered inside driveInput');
  await settle();
  assert.equal(seen, [1]);
  gpio.driveInput(5, 0);
  await settle();
  assert.equal(seen, [1], 'falling edge not selected');
  gpio.driveInput(5, 1);
  await settle();
  assert.equal(seen, [1, 1]);

  const both = await gpio.open(6, { direction: 'in', edge: 'both' });
  const seenBoth: GpioValue[] = [];
  both.watch((v) => seenBoth.push(v));
  gpio.driveInput(6, 1);
  gpio.driveInput(6, 0);
  await settle();
  assert.equal(seenBoth, [1, 0], 'each edge delivered with its own value');

  const none = await gpio.open(7, { direction: 'in' });
  let called = false;
  none.watch(() => (called = true));
  gpio.driveInput(7, 1);
  await settle();
  assert.not.ok(called, "edge 'none' never fires");
  assert.is(await none.read(), 1);
});

test('debounce reports the level once it has been stable for debounceMs', async () => {
  const clock = new FakeClock();
  const gpio = new SimGpio({ clock });
  const pin = await gpio.open(8, { direction: 'in', edge: 'both', debounceMs: 10 });
  const seen: Array<[GpioValue, number]> = [];
  pin.watch((v) => seen.push([v, clock.now()]));
  // 4 ms of bounce, then stable high
  for (let i = 0; i < 4; i++) {
    gpio.driveInput(8, i % 2 === 0 ? 1 : 0);
    await advanceAsync(clock, 1);
  }
  gpio.driveInput(8, 1);
  await advanceAsync(clock, 9);
  assert.equal(seen, [], 'nothing before the level is stable for 10 ms');
  await advanceAsync(clock, 1);
  assert.equal(seen, [[1, 14]]);
  // a 3 ms glitch low is swallowed
  gpio.driveInput(8, 0);
  await advanceAsync(clock, 3);
  gpio.driveInput(8, 1);
  await advanceAsync(clock, 30);
  assert.equal(seen.length, 1, 'glitch ignored');
});

test('activeLow inverts reads, writes and edges', async () => {
  const clock = new FakeClock();
  const gpio = new SimGpio({ clock });
  const out = await gpio.open(9, { direction: 'high', activeLow: true });
  assert.is(gpio.outputValue(9), 0, 'logical high is physical low');
  await out.write(0);
  assert.is(gpio.outputValue(9), 1);
  const inp = await gpio.open(10, { direction: 'in', edge: 'rising', activeLow: true });
  const seen: GpioValue[] = [];
  inp.watch((v) => seen.push(v));
  gpio.driveInput(10, 1);
  await settle();
  assert.equal(seen, [], 'physical rise is a logical fall');
  gpio.driveInput(10, 0);
  await settle();
  assert.equal(seen, [1]);
  assert.is(await inp.read(), 1);
});

test('outputs: value, change listeners with clock time, history', async () => {
  const clock = new FakeClock(100);
  const gpio = new SimGpio({ clock });
  const changes: Array<[GpioValue, number]> = [];
  gpio.onOutputChange(3, (v, at) => changes.push([v, at]));
  const pin = await gpio.open(3, { direction: 'out' });
  clock.advance(5);
  await pin.write(1);
  await pin.write(1);
  clock.advance(7);
  await pin.write(0);
  assert.is(gpio.outputValue(3), 0);
  assert.equal(changes.slice(-2), [
    [1, 105],
    [0, 112],
  ]);
  assert.equal(gpio.history(3), [
    { value: 0, at: 100 },
    { value: 1, at: 105 },
    { value: 0, at: 112 },
  ]);
  gpio.driveInput(4, 1);
  assert.equal(gpio.history(4), [{ value: 1, at: 112 }], 'driven inputs are in the history too');
});

test('errors: busy, closed, writing an input, driving an output', async () => {
  const clock = new FakeClock();
  const gpio = new SimGpio({ clock });
  const pin = await gpio.open(11, { direction: 'out' });
  await rejectsWith(gpio.open(11, { direction: 'in' }), 'busy');
  assert.throws(() => gpio.driveInput(11, 1), (e: unknown) => e instanceof HalError && e.code === 'bad-argument');
  await pin.close();
  await rejectsWith(pin.write(1), 'closed');
  await rejectsWith(pin.read(), 'closed');
  assert.throws(() => pin.watch(() => {}), (e: unknown) => e instanceof HalError && e.code === 'closed');
  const input = await gpio.open(11, { direction: 'in' });
  await rejectsWith(input.write(1), 'bad-argument');
  gpio.reset();
  await rejectsWith(input.read(), 'closed');
  assert.equal(gpio.history(11), [], 'reset clears history');
});

test('no watcher runs after close', async () => {
  const clock = new FakeClock();
  const gpio = new SimGpio({ clock });
  const pin = await gpio.open(12, { direction: 'in', edge: 'both' });
  let calls = 0;
  pin.watch(() => calls++);
  gpio.driveInput(12, 1);
  await pin.close();
  await settle();
  assert.is(calls, 0);
});

test.run();
