import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { IllegalTransitionError, LocalError } from '../../../firmware/core/errors.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { Ag1171Driver } from '../../../firmware/line/slic/ag1171-driver.js';
import { Ag1171Model } from '../../../hal/sim/ag1171-model.js';
import { SimGpio } from '../../../hal/sim/gpio-sim.js';
import { SimPhone } from '../../../hal/sim/sim-phone.js';
import { advanceAsync, settle } from '../../../hal/sim/drive-clock.js';

const PINS = { rm: 17, fr: 27, shk: 22 };

function setup(o: { hookBounceMs?: number; debounceMs?: number } = {}) {
  const clock = new FakeClock(1000);
  const gpio = new SimGpio({ clock });
  const model = new Ag1171Model({ gpio, pins: PINS, clock, hookBounceMs: o.hookBounceMs ?? 0 });
  const phone = new SimPhone({ clock, line: model });
  const log = memoryLogger();
  const driver = new Ag1171Driver({ gpio, pins: PINS, clock, log, ...(o.debounceMs === undefined ? {} : { debounceMs: o.debounceMs }) });
  const hooks: Array<{ offHook: boolean; at: number; reportedAt: number }> = [];
  driver.onHook((offHook, at) => hooks.push({ offHook, at, reportedAt: clock.now() }));
  return { clock, gpio, model, phone, log, driver, hooks };
}

/** F/R level changes in [from, to). */
function frEdges(gpio: SimGpio, from: number, to: number): number {
  return gpio.history(PINS.fr).filter((c) => c.at >= from && c.at < to).length;
}

test('init: RM low, F/R forward, SHK read as the initial hook state', async () => {
  const s = setup();
  await s.driver.init();
  assert.is(s.gpio.outputValue(PINS.rm), 0);
  assert.is(s.gpio.outputValue(PINS.fr), 1, 'F/R high = forward');
  assert.ok(s.gpio.isOpen(PINS.shk));
  assert.is(s.driver.isOffHook(), false);
  assert.is(s.phone.polarity, 'forward');
  assert.is(s.driver.chip, 'ag1171');

  const t = setup();
  t.phone.hookOff();
  await t.driver.init();
  assert.is(t.driver.isOffHook(), true, 'a phone already off-hook at boot is seen');
});

test('init twice and use before init are illegal', async () => {
  const s = setup();
  try {
    await s.driver.setLinefeed('ringing');
    assert.unreachable('setLinefeed before init');
  } catch (e) {
    assert.instance(e, IllegalTransitionError);
  }
  await s.driver.init();
  try {
    await s.driver.init();
    assert.unreachable('second init');
  } catch (e) {
    assert.instance(e, IllegalTransitionError);
  }
});

test('ringing at 20 Hz: 40 F/R edges per second, the model measures 20 Hz', async () => {
  const s = setup();
  await s.driver.init();
  const rings: Array<[boolean, number]> = [];
  s.phone.onRing((r, at) => rings.push([r, at]));
  await advanceAsync(s.clock, 10); // keep the F/R set-up at init out of the count
  const t0 = s.clock.now();
  await s.driver.setLinefeed('ringing');
  assert.is(s.gpio.outputValue(PINS.rm), 1);
  await advanceAsync(s.clock, 1000);
  assert.is(frEdges(s.gpio, t0, t0 + 1000), 40);
  assert.ok(s.phone.isRinging);
  assert.is(s.phone.ringFrequencyHz(), 20);
  assert.equal(rings, [[true, t0]]);

  await s.driver.configureRing({ frequencyHz: 25 });
  const t1 = s.clock.now();
  await advanceAsync(s.clock, 1000);
  assert.is(frEdges(s.gpio, t1, t1 + 1000), 50);
  assert.is(s.phone.ringFrequencyHz(), 25);

  await s.driver.setLinefeed('forward-active');
  assert.is(s.gpio.outputValue(PINS.rm), 0);
  assert.is(s.gpio.outputValue(PINS.fr), 1, 'polarity restored');
  assert.not.ok(s.phone.isRinging);
  assert.equal(rings[1], [false, t1 + 1000]);
  const edgesAfter = s.gpio.history(PINS.fr).length;
  await advanceAsync(s.clock, 500);
  assert.is(s.gpio.history(PINS.fr).length, edgesAfter, 'no toggling after ringing');
});

test('configureRing rejects frequencies the chip cannot make', async () => {
  const s = setup();
  await s.driver.init();
  try {
    await s.driver.configureRing({ frequencyHz: 400 });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, LocalError);
    assert.is((e as LocalError).code, 'bad-argument');
  }
});

test('cadence made by setLinefeed calls is what the phone measures', async () => {
  const s = setup();
  await s.driver.init();
  for (let cycle = 0; cycle < 2; cycle++) {
    await s.driver.setLinefeed('ringing');
    await advanceAsync(s.clock, 2000);
    await s.driver.setLinefeed('forward-active');
    if (cycle === 0) assert.is(s.phone.ringCadence(), undefined, 'no off period measured yet');
    await advanceAsync(s.clock, 4000);
  }
  await s.driver.setLinefeed('ringing');
  await advanceAsync(s.clock, 100);
  assert.equal(s.phone.ringCadence(), { onMs: 2000, offMs: 4000 });
  await s.driver.setLinefeed('forward-active');
});

test('ringing stops 60 ms after the last toggle when F/R stops with RM still high', async () => {
  const clock = new FakeClock();
  const gpio = new SimGpio({ clock });
  const model = new Ag1171Model({ gpio, pins: PINS, clock });
  const rm = await gpio.open(PINS.rm, { direction: 'low' });
  const fr = await gpio.open(PINS.fr, { direction: 'high' });
  const rings: Array<[boolean, number]> = [];
  model.onRing((r, at) => rings.push([r, at]));
  await rm.write(1);
  for (let i = 0; i < 6; i++) {
    await fr.write(i % 2 === 0 ? 0 : 1);
    clock.advance(25);
  }
  assert.ok(model.ringing);
  clock.advance(60);
  assert.not.ok(model.ringing);
  assert.is(rings.length, 2);
  assert.equal(rings[0], [true, 0]);
  // last toggle at 125, estimated end half a period (25 ms) later
  assert.equal(rings[1], [false, 150]);
  assert.is(model.ringFrequencyHz(), 20);
});

test('polarity: reverse-active flips F/R; ringing from reverse restores reverse', async () => {
  const s = setup();
  await s.driver.init();
  const pol: Array<[string, number]> = [];
  s.phone.onPolarity((p, at) => pol.push([p, at]));
  await s.driver.setLinefeed('reverse-active');
  await settle();
  assert.is(s.gpio.outputValue(PINS.fr), 0);
  assert.is(s.phone.polarity, 'reverse');
  await s.driver.setLinefeed('ringing');
  await advanceAsync(s.clock, 1010); // odd number of toggles so F/R is left 'wrong'
  await s.driver.setLinefeed('reverse-active');
  await settle();
  assert.is(s.gpio.outputValue(PINS.fr), 0);
  assert.equal(
    pol.map((p) => p[0]),
    ['reverse'],
    'no polarity glitch reported around the ring burst',
  );
  await s.driver.setLinefeed('forward-active');
  await settle();
  assert.equal(pol.map((p) => p[0]), ['reverse', 'forward']);
});

test("'open' and 'on-hook-transmission' map to forward-active, logged once each at debug", async () => {
  const s = setup();
  await s.driver.init();
  await s.driver.setLinefeed('reverse-active');
  await s.driver.setLinefeed('open');
  assert.is(s.gpio.outputValue(PINS.fr), 1);
  await s.driver.setLinefeed('open');
  await s.driver.setLinefeed('on-hook-transmission');
  const mapped = s.log.records.filter((r) => r.msg.includes('forward-active'));
  assert.is(mapped.length, 2);
  assert.ok(mapped.every((r) => r.level === 'debug'));
});

test('hook debounce: contact bounce gives one report, a 5 ms glitch none', async () => {
  const s = setup({ hookBounceMs: 5 });
  await s.driver.init();
  const t0 = s.clock.now();
  s.phone.hookOff();
  await advanceAsync(s.clock, 100);
  assert.ok(s.gpio.history(PINS.shk).length >= 5, 'SHK did bounce');
  assert.is(s.hooks.length, 1, 'reported once');
  assert.is(s.hooks[0]?.offHook, true);
  assert.is(s.hooks[0]?.at, t0 + 4, 'stamped with the start of the stable level');
  assert.is(s.hooks[0]?.reportedAt, t0 + 24, 'after 20 ms of stability');
  assert.ok(s.driver.isOffHook());

  // a 5 ms on-hook glitch, straight on the SHK pin
  s.gpio.driveInput(PINS.shk, 0);
  await advanceAsync(s.clock, 5);
  s.gpio.driveInput(PINS.shk, 1);
  await advanceAsync(s.clock, 100);
  assert.is(s.hooks.length, 1, 'glitch ignored');

  s.model.setHookBounce(0);
  s.phone.hookOn();
  await advanceAsync(s.clock, 19);
  assert.is(s.hooks.length, 1, 'not before debounceMs');
  await advanceAsync(s.clock, 1);
  assert.is(s.hooks.length, 2);
  assert.is(s.hooks[1]?.offHook, false);
  assert.not.ok(s.driver.isOffHook());
});

test('ring trip: off-hook while ringing stops ringing and is reported at once', async () => {
  const s = setup({ hookBounceMs: 5 });
  await s.driver.init();
  await s.driver.setLinefeed('ringing');
  await advanceAsync(s.clock, 333);
  assert.ok(s.phone.isRinging);
  const t = s.clock.now();
  s.phone.hookOff();
  await settle();
  assert.equal(s.hooks, [{ offHook: true, at: t, reportedAt: t }]);
  assert.is(s.gpio.outputValue(PINS.rm), 0, 'RM dropped');
  assert.is(s.gpio.outputValue(PINS.fr), 1, 'forward polarity restored');
  assert.not.ok(s.phone.isRinging);
  assert.ok(s.log.records.some((r) => r.msg.includes('ring trip')));
  const edges = s.gpio.history(PINS.fr).length;
  await advanceAsync(s.clock, 200);
  assert.is(s.gpio.history(PINS.fr).length, edges, 'toggling stopped');
  assert.is(s.hooks.length, 1);
  // the line layer's own stop request afterwards is harmless
  await s.driver.setLinefeed('forward-active');
});

test('close stops ringing and releases the pins', async () => {
  const s = setup();
  await s.driver.init();
  await s.driver.setLinefeed('ringing');
  await advanceAsync(s.clock, 100);
  await s.driver.close();
  assert.is(s.gpio.outputValue(PINS.rm), 0);
  assert.not.ok(s.gpio.isOpen(PINS.rm));
  assert.not.ok(s.gpio.isOpen(PINS.fr));
  assert.not.ok(s.gpio.isOpen(PINS.shk));
  await s.driver.close();
});

test.run();
