/** The Si321x driver running a line against the simulated chip: ringing, hook, ring trip, alarms, caller-ID feeds. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getProfile } from '../../../firmware/line/profiles/index.js';
import { SlicConfigError, SlicError } from '../../../firmware/line/slic/si321x/errors.js';
import { IR } from '../../../firmware/line/slic/si321x/registers.js';
import { highBatteryCode, ringOscCoefficient, ringTripSettings } from '../../../firmware/line/slic/si321x/ringing.js';
import { analyseTone } from '../../../firmware/media/tone-analyser.js';
import { ToneGenerator } from '../../../firmware/media/tone-generator.js';
import { advanceAsync, runUntil } from '../../../hal/sim/drive-clock.js';
import { initDriver, rig, ringPeriods } from './support.js';
import type { Rig } from './support.js';

async function ready(o: Parameters<typeof rig>[0] = {}): Promise<Rig> {
  const r = rig(o);
  await initDriver(r);
  return r;
}

/** Drive a cadence (on, off, on, off ...) by linefeed changes, `cycles` times. */
async function ringCadence(r: Rig, cadence: number[], cycles: number): Promise<void> {
  for (let c = 0; c < cycles; c++) {
    for (let i = 0; i < cadence.length; i++) {
      await r.driver.setLinefeed(i % 2 === 0 ? 'ringing' : 'forward-active');
      await advanceAsync(r.clock, cadence[i]!);
    }
  }
}

for (const code of ['us', 'uk'] as const) {
  test(`ringing with the ${code.toUpperCase()} profile: frequency, voltage and cadence reach the phone`, async () => {
    const profile = getProfile(code);
    const r = await ready();
    await runUntil(r.clock, r.driver.configureRing({ frequencyHz: profile.ring.frequencyHz, voltage: profile.ring.voltage }), 1000);
    assert.is(r.model.register(74), highBatteryCode(profile.ring.voltage), 'high battery raised for the ring voltage');
    assert.is(r.model.indirectRegister(IR.RING_OSC.si3215), ringOscCoefficient(profile.ring.frequencyHz));
    assert.is(r.model.register(70), ringTripSettings(profile.ring.frequencyHz).debounce);
    await advanceAsync(r.clock, 300); // battery settles at the new target
    const rings: Array<[boolean, number]> = [];
    r.phone.onRing((on, at) => rings.push([on, at]));
    const cadence = profile.ring.cadences['default']!;
    await r.driver.setLinefeed('ringing');
    assert.ok(r.phone.isRinging);
    assert.is(r.phone.ringFrequencyHz(), profile.ring.frequencyHz);
    assert.ok(Math.abs(r.model.ringVoltagePeak() - profile.ring.voltage) < 1, `ring voltage ${r.model.ringVoltagePeak()} V`);
    await r.driver.setLinefeed('forward-active');
    rings.length = 0;
    await ringCadence(r, cadence, 2);
    assert.equal(ringPeriods(rings), [...cadence, ...cadence].slice(0, 2 * cadence.length - 1), 'on/off periods as the profile says');
    assert.is(r.phone.polarity, 'forward');
    assert.is(r.model.linefeed, 1);
  });
}

test('configureRing rejects what the chip cannot make, limits the voltage to the battery', async () => {
  const r = await ready();
  for (const bad of [{ frequencyHz: 5 }, { frequencyHz: 200 }, { frequencyHz: 20, voltage: 30 }]) {
    try {
      await r.driver.configureRing(bad);
      assert.unreachable();
    } catch (e) {
      assert.instance(e, SlicConfigError);
      assert.is((e as SlicConfigError).code, 'bad-argument');
    }
  }
  await runUntil(r.clock, r.driver.configureRing({ frequencyHz: 20, voltage: 120 }), 1000);
  assert.is(r.model.register(74), 0x3f, '94.5 V, the most there is');
  assert.ok(r.log.records.some((x) => x.level === 'warn' && /limited/.test(x.msg)));
});

test('hook via the interrupt pin: chip debounce, one report per change, time of the stable level', async () => {
  const r = await ready({ model: { hookBounceMs: 8 } });
  const t0 = r.clock.now();
  r.phone.hookOff();
  await advanceAsync(r.clock, 100);
  assert.equal(r.hooks, [{ offHook: true, at: t0 + 8, reportedAt: t0 + 28 }], 'bounce ends at +8 ms, 20 ms debounce');
  assert.ok(r.driver.isOffHook());
  assert.not.ok(r.model.interruptAsserted, 'status cleared, INT released');
  const t1 = r.clock.now();
  r.phone.hookOn();
  await advanceAsync(r.clock, 100);
  assert.equal(r.hooks[1], { offHook: false, at: t1 + 8, reportedAt: t1 + 28 });
  assert.is(r.hooks.length, 2);
});

test('rotary dialling through the chip: every break and make is reported', async () => {
  const r = await ready();
  r.phone.hookOff();
  await advanceAsync(r.clock, 300);
  const before = r.hooks.length;
  await runUntil(r.clock, r.phone.pulse('3', 10, 60), 5000);
  const pulses = r.hooks.slice(before);
  assert.equal(pulses.map((h) => h.offHook), [false, true, false, true, false, true]);
  const t = pulses.map((h) => h.at - pulses[0]!.at);
  assert.equal(t, [0, 60, 100, 160, 200, 260], 'breaks of 60 ms every 100 ms');
});

test('a phone already off-hook at start-up is seen by init', async () => {
  const r = rig();
  r.phone.hookOff();
  await initDriver(r);
  assert.ok(r.driver.isOffHook());
  await advanceAsync(r.clock, 100);
  assert.is(r.hooks.length, 0, 'not reported again');
});

test('ring trip: off-hook while ringing stops the ringing and is reported at once', async () => {
  const r = await ready();
  await r.driver.setLinefeed('reverse-active');
  await r.driver.setLinefeed('ringing');
  await advanceAsync(r.clock, 500);
  assert.ok(r.phone.isRinging);
  const t0 = r.clock.now();
  r.phone.hookOff();
  await advanceAsync(r.clock, 14);
  const tripMs = ringTripSettings(20).debounce * 1.25;
  assert.equal(r.hooks, [{ offHook: true, at: t0, reportedAt: t0 + tripMs }]);
  assert.not.ok(r.phone.isRinging);
  assert.is(r.model.linefeed, 5, 'back to active in the polarity it had (reverse)');
  assert.is(r.driver.currentState, 'idle');
  await advanceAsync(r.clock, 200);
  assert.is(r.hooks.length, 1, 'the loop closure that follows is not reported twice');
  await r.driver.setLinefeed('forward-active');
  assert.is(r.phone.polarity, 'forward');
});

test('power alarm: line opened, reported with the transistor, refused until cleared', async () => {
  const r = await ready();
  await r.driver.setLinefeed('ringing');
  r.model.injectFault({ kind: 'power-alarm', transistor: 2 });
  await advanceAsync(r.clock, 5);
  assert.is(r.alarms.length, 1);
  assert.is(r.alarms[0]!.code, 'power');
  assert.match(r.alarms[0]!.message, 'Q2');
  assert.is(r.model.linefeed, 0);
  assert.not.ok(r.phone.isRinging);
  assert.is(r.driver.currentState, 'alarm');
  try {
    await r.driver.setLinefeed('ringing');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, SlicError);
    assert.is((e as SlicError).code, 'line-down');
  }
  await r.driver.setLinefeed('open');
  await runUntil(r.clock, r.driver.clearAlarm(), 100);
  assert.is(r.model.linefeed, 1);
  assert.is(r.driver.currentState, 'idle');
  await r.driver.setLinefeed('ringing');
  assert.ok(r.phone.isRinging);
});

test('the chip opening the line by itself is a thermal alarm; resetting itself is spurious', async () => {
  const r = await ready();
  const t0 = r.clock.now();
  r.model.injectFault({ kind: 'thermal-shutdown' });
  await advanceAsync(r.clock, 600);
  assert.equal(r.alarms.map((a) => a.code), ['thermal']);
  assert.ok(r.alarms[0]!.at - t0 <= 500, 'found by the next supervision read');
  const s = await ready();
  s.model.injectFault({ kind: 'self-reset' });
  await advanceAsync(s.clock, 600);
  assert.equal(s.alarms.map((a) => a.code), ['spurious']);
  assert.is(s.model.linefeed, 0);
});

test('loop current far above the limit on two reads in a row: loop-current alarm, line opened', async () => {
  const r = await ready();
  r.phone.hookOff();
  await advanceAsync(r.clock, 600);
  assert.is(r.alarms.length, 0, 'a normal loop at the 20 mA limit is fine');
  r.model.injectFault({ kind: 'loop-overcurrent', mA: 45 });
  await advanceAsync(r.clock, 1100);
  assert.equal(r.alarms.map((a) => a.code), ['loop-current']);
  assert.match(r.alarms[0]!.message, '20 mA');
  assert.is(r.model.linefeed, 0);
  const reports = r.hooks.length;
  await advanceAsync(r.clock, 200);
  assert.is(r.hooks.length, reports, 'no hook reports while the line is down (no loop current is not on-hook)');
  r.model.clearFault('loop-overcurrent');
  r.phone.hookOn();
  await runUntil(r.clock, r.driver.clearAlarm(), 1000);
  assert.is(r.model.linefeed, 1);
  assert.equal(r.hooks.slice(reports).map((h) => h.offHook), [false], 'the hang-up during the alarm is reported once the line is back');
  assert.not.ok(r.driver.isOffHook());
});

/** PCM with a 1200 Hz test signal played out towards the line. */
function playTone(r: Rig, hz: number) {
  const gen = new ToneGenerator({ name: 't', segments: [{ components: [{ frequencyHz: hz, levelDbm0: -13 }], durationMs: 60_000 }], repeat: false }, 8000);
  return r.pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 }).then((s) => {
    s.start((_c, playout) => gen.fill(playout));
    return s;
  });
}

test('caller ID (Bellcore): on-hook transmission passes audio to an on-hook phone; open does not', async () => {
  const r = await ready();
  await playTone(r, 1200);
  await r.driver.setLinefeed('ringing');
  await advanceAsync(r.clock, 2000);
  await r.driver.setLinefeed('on-hook-transmission');
  assert.is(r.model.linefeed, 2, 'forward on-hook transmission');
  assert.not.ok(r.phone.isOffHook);
  const heard = await runUntil(r.clock, r.model.recordLine(400), 1000);
  const a = analyseTone(heard);
  assert.not.ok(a.silence, 'the FSK band reaches the line while on-hook');
  assert.equal(a.frequencies, [1200]);
  await r.driver.setLinefeed('open');
  const none = await runUntil(r.clock, r.model.recordLine(200), 1000);
  assert.ok(analyseTone(none).silence, 'no feed, no audio');
});

test('caller ID (UK SIN 227): line reversal, then on-hook transmission keeps the reversal, then ringing', async () => {
  const r = await ready();
  await playTone(r, 1300);
  const pols: Array<[string, number]> = [];
  r.phone.onPolarity((p, at) => pols.push([p, at]));
  const t0 = r.clock.now();
  await r.driver.setLinefeed('reverse-active');
  await advanceAsync(r.clock, 100);
  await r.driver.setLinefeed('on-hook-transmission');
  assert.is(r.model.linefeed, 6, 'reverse on-hook transmission');
  assert.is(r.phone.polarity, 'reverse');
  const heard = await runUntil(r.clock, r.model.recordLine(300), 1000);
  assert.equal(analyseTone(heard).frequencies, [1300]);
  await r.driver.setLinefeed('ringing');
  await advanceAsync(r.clock, 400);
  assert.ok(r.phone.isRinging);
  await r.driver.setLinefeed('forward-active');
  assert.equal(pols.map((p) => p[0]), ['reverse', 'forward'], 'one reversal for the whole caller-ID sequence');
  assert.is(pols[0]![1], t0);
});

test.run();
