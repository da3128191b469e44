import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { DtmfDetector } from '../../../firmware/media/dtmf-detector.js';
import { levelOf } from '../../../firmware/media/levels.js';
import { ToneGenerator } from '../../../firmware/media/tone-generator.js';
import { Ag1171Driver } from '../../../firmware/line/slic/ag1171-driver.js';
import { simBoard } from '../../../board/sim.js';
import { createSimHal } from '../../../hal/sim/create-sim-hal.js';
import { SimPhoneError } from '../../../hal/sim/sim-phone.js';
import { advanceAsync, runUntil, settle } from '../../../hal/sim/drive-clock.js';
import type { PcmPeriodHandler } from '../../../hal/pcm.js';

const SHK = simBoard.lines[0]!.slic.chip === 'ag1171' ? simBoard.lines[0]!.slic.pins.shk : -1;

async function setup(handler?: PcmPeriodHandler) {
  const clock = new FakeClock(500);
  const sim = createSimHal({ clock, board: simBoard });
  const line = sim.lines[0]!;
  const stream = await sim.hal.pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 });
  if (handler) stream.start(handler);
  return { clock, sim, phone: line.phone, model: line.slic, stream };
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, SimPhoneError);
    assert.is((e as SimPhoneError).code, code);
    return;
  }
  assert.unreachable(`expected '${code}'`);
}

test('keypad: DTMF goes through PCM capture and decodes to the dialled digits', async () => {
  const detector = new DtmfDetector();
  const heard: string[] = [];
  let lastAudioAt = -1;
  const s = await setup((capture, _playout, now) => {
    if (capture.some((v) => v !== 0)) lastAudioAt = now;
    heard.push(...detector.process(capture));
  });
  s.phone.hookOff();
  const t0 = s.clock.now();
  await runUntil(s.clock, s.phone.dial('147*0#D'), 10_000);
  const doneAt = s.clock.now();
  assert.is(heard.join(''), '147*0#D');
  // 7 digits x (80 on + 80 off) = 1120 ms of audio, delivered in 20 ms periods
  assert.ok(doneAt >= t0 + 1120 && doneAt <= t0 + 1140, `resolved at +${doneAt - t0} ms`);
  assert.ok(lastAudioAt <= doneAt, 'resolved only after the audio went through the PCM path');
  assert.ok(lastAudioAt >= t0 + 1120 - 80 - 20, 'the last digit was sent');
});

test('keypad: slower digits, case-insensitive; needs off-hook; one job at a time', async () => {
  const detector = new DtmfDetector();
  const heard: string[] = [];
  const s = await setup((capture) => heard.push(...detector.process(capture)));
  await rejectsWithCode(s.phone.dial('1'), 'on-hook');
  s.phone.hookOff();
  const p = s.phone.dial('ab', 120, 200);
  await rejectsWithCode(s.phone.dial('2'), 'busy');
  await rejectsWithCode(s.phone.playTone([440], 100), 'busy');
  await runUntil(s.clock, p, 5000);
  assert.is(heard.join(''), 'AB');
  await rejectsWithCode(s.phone.dial('x'), 'bad-argument');
});

test('hanging up cancels dialling; on-hook the mouthpiece is silent', async () => {
  let loud = 0;
  const s = await setup((capture) => {
    if (capture.some((v) => v !== 0)) loud++;
  });
  s.phone.hookOff();
  const p = s.phone.dial('123456789');
  p.catch(() => {});
  await advanceAsync(s.clock, 200);
  assert.ok(loud > 0);
  s.phone.hookOn();
  await rejectsWithCode(p, 'on-hook');
  const before = loud;
  await advanceAsync(s.clock, 1000);
  assert.is(loud, before, 'no audio on-hook');
});

test('rotary dial: break/make timing on the SHK pin, and the driver sees every pulse', async () => {
  const s = await setup();
  const log = memoryLogger();
  const driver = new Ag1171Driver({ gpio: s.sim.gpio, pins: { rm: 17, fr: 27, shk: SHK }, clock: s.clock, log });
  await driver.init();
  const reports: Array<[boolean, number]> = [];
  driver.onHook((off, at) => reports.push([off, at]));
  s.phone.hookOff();
  await advanceAsync(s.clock, 300);
  const t0 = s.clock.now();
  const from = s.sim.gpio.history(SHK).length;
  await runUntil(s.clock, s.phone.pulse('30', 10, 60), 10_000);
  const edges = s.sim.gpio.history(SHK).slice(from);
  const expected: Array<{ value: 0 | 1; at: number }> = [];
  let t = t0;
  for (const n of [3, 10]) {
    for (let i = 0; i < n; i++) {
      expected.push({ value: 0, at: t + i * 100 }, { value: 1, at: t + i * 100 + 60 });
    }
    t += (n - 1) * 100 + 60 + 700;
  }
  assert.equal(edges, expected);
  assert.is(s.clock.now(), t, 'resolves after the last inter-digit pause');
  const pulses = reports.slice(1); // first report is the initial off-hook
  assert.is(pulses.length, 26, 'debounce (20 ms) keeps all 13 pulses (60 ms breaks)');
  pulses.forEach(([off, at], i) => {
    assert.is(off, i % 2 === 1);
    assert.is(at, expected[i]!.at, 'reported with the edge time');
  });
  await rejectsWithCode(s.phone.pulse('1a'), 'bad-argument');
});

test('flash: on-hook for the given time', async () => {
  const s = await setup();
  s.phone.hookOff();
  const from = s.sim.gpio.history(SHK).length;
  const t0 = s.clock.now();
  await runUntil(s.clock, s.phone.flash(300), 1000);
  assert.equal(s.sim.gpio.history(SHK).slice(from), [
    { value: 0, at: t0 },
    { value: 1, at: t0 + 300 },
  ]);
  assert.ok(s.phone.isOffHook);
  s.phone.hookOn();
  await rejectsWithCode(s.phone.flash(), 'on-hook');
});

test('earpiece: listen records the firmware playout off-hook, silence on-hook', async () => {
  const gen = new ToneGenerator({ name: 'test', segments: [{ components: [{ frequencyHz: 425, levelDbm0: -13 }], durationMs: 0 }], repeat: true });
  const s = await setup((_capture, playout) => gen.fill(playout));
  const onHook = await runUntil(s.clock, s.phone.listen(200), 1000);
  assert.is(onHook.length, 1600);
  assert.ok(onHook.every((v) => v === 0), 'on-hook the earpiece hears nothing');
  s.phone.hookOff();
  const t0 = s.clock.now();
  const rec = await runUntil(s.clock, s.phone.listen(250), 1000);
  assert.is(rec.length, 2000);
  assert.ok(s.clock.now() - t0 <= 270, 'resolved once enough audio arrived');
  const level = levelOf(rec);
  assert.ok(Math.abs(level + 13) < 0.3, `level ${level}`);
});

test('mouthpiece: playTone reaches the PCM capture at the asked level and length', async () => {
  let samples = 0;
  let sum = 0;
  const s = await setup((capture) => {
    for (const v of capture) {
      if (v !== 0) samples++;
      sum += v * v;
    }
  });
  s.phone.hookOff();
  await runUntil(s.clock, s.phone.playTone([1020], 400, -10), 2000);
  assert.ok(Math.abs(samples - 3200) <= 20, `${samples} samples of tone`);
  const level = 20 * Math.log10(Math.sqrt(sum / 3200) / (22756 / Math.SQRT2));
  assert.ok(Math.abs(level + 10) < 0.3, `level ${level}`);
});

test('listen resolves with silence when no PCM stream runs', async () => {
  const s = await setup();
  s.phone.hookOff();
  const rec = await runUntil(s.clock, s.phone.listen(100), 1000);
  assert.is(rec.length, 800);
  assert.ok(rec.every((v) => v === 0));
  await settle();
});

test.run();
