import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { silentLogger } from '../../../firmware/core/log.js';
import { DtmfDetector } from '../../../firmware/media/dtmf-detector.js';
import { levelOf } from '../../../firmware/media/levels.js';
import { ToneGenerator } from '../../../firmware/media/tone-generator.js';
import type { ToneSpec } from '../../../firmware/media/tone-spec.js';
import { Ag1171Driver } from '../../../firmware/line/slic/ag1171-driver.js';
import { simBoard } from '../../../board/sim.js';
import { createSimHal } from '../../../hal/sim/create-sim-hal.js';
import { advanceAsync, runUntil } from '../../../hal/sim/drive-clock.js';
import { parseReply, RIG_COMMANDS } from '../../../hal/rig/protocol.js';
import { RigSession } from '../../../hal/rig/rig-session.js';

/** A fake firmware on line 1: plays `tone` (if set) into the earpiece, decodes DTMF from the mouthpiece. */
async function setup(extra?: () => Record<string, string>) {
  const clock = new FakeClock(10_000);
  const sim = createSimHal({ clock, board: simBoard });
  const line = sim.lines[0]!;
  const def = simBoard.lines[0]!.slic;
  if (def.chip !== 'ag1171') throw new Error('sim board line 1 is an ag1171');
  const driver = new Ag1171Driver({ gpio: sim.gpio, pins: def.pins, clock, log: silentLogger });
  await driver.init();
  const detector = new DtmfDetector();
  const fw = { tone: undefined as ToneGenerator | undefined, digits: [] as string[], captured: [] as Int16Array[] };
  const stream = await sim.hal.pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 });
  stream.start((capture, playout) => {
    fw.digits.push(...detector.process(capture));
    fw.captured.push(capture.slice());
    fw.tone?.fill(playout);
  });
  const session = extra ? new RigSession({ phone: line.phone, extraStatus: extra }) : new RigSession({ phone: line.phone });
  const events: Array<[string, number]> = [];
  session.onEvent((e) => events.push([e, clock.now()]));
  const send = (cmd: string, maxMs = 70_000) => runUntil(clock, session.handle(cmd), maxMs);
  return { clock, sim, phone: line.phone, driver, fw, session, events, send };
}

function tone(freqs: number[], levelDbm0: number, onMs = 0, offMs = 0): ToneGenerator {
  const components = freqs.map((frequencyHz) => ({ frequencyHz, levelDbm0 }));
  const spec: ToneSpec =
    onMs > 0
      ? { name: 't', segments: [{ components, durationMs: onMs }, { components: [], durationMs: offMs }], repeat: true }
      : { name: 't', segments: [{ components, durationMs: 0 }], repeat: true };
  return new ToneGenerator(spec, 8000);
}

test('HOOK, DIAL: needs off-hook, replies after the audio went out, the firmware decodes it', async () => {
  const s = await setup();
  assert.is(await s.send('DIAL 123'), 'ERR on-hook phone is on-hook');
  assert.is(await s.send('hook off'), 'OK hook=off');
  assert.ok(s.phone.isOffHook);
  const t0 = s.clock.now();
  const reply = await s.send('DIAL 9#5 100 100');
  assert.is(reply, 'OK dialed=9#5');
  assert.ok(s.clock.now() - t0 >= 600, 'took the audio time (3 x 200 ms)');
  assert.is(s.fw.digits.join(''), '9#5', 'every digit reached the firmware before the reply');
  assert.is(await s.send('HOOK ON'), 'OK hook=on');
  assert.not.ok(s.phone.isOffHook);
});

test('TONE plays into the mouthpiece; FLASH and PULSE drive the hook', async () => {
  const s = await setup();
  await s.send('HOOK OFF');
  s.fw.captured.length = 0;
  assert.is(await s.send('TONE 1020 400 -16'), 'OK tone=1020 ms=400');
  const all = new Int16Array(s.fw.captured.length * 160);
  s.fw.captured.forEach((c, i) => all.set(c, i * 160));
  const first = all.findIndex((v) => v !== 0);
  let last = all.length - 1;
  while (last > 0 && all[last] === 0) last--;
  assert.ok(Math.abs(last - first + 1 - 3200) <= 8, `tone length ${last - first + 1} samples`);
  assert.ok(Math.abs(levelOf(all, first, last - first + 1) + 16) < 0.3);
  const shk = 22;
  const before = s.sim.gpio.history(shk).length;
  assert.is(await s.send('FLASH 250'), 'OK flash=250');
  const flash = s.sim.gpio.history(shk).slice(before);
  assert.is(flash.length, 2);
  assert.is(flash[1]!.at - flash[0]!.at, 250);
  const beforePulse = s.sim.gpio.history(shk).length;
  assert.is(await s.send('PULSE 2 10 60'), 'OK pulsed=2');
  const pulses = s.sim.gpio.history(shk).slice(beforePulse);
  assert.equal(pulses.map((c) => c.value), [0, 1, 0, 1]);
  assert.is(pulses[1]!.at - pulses[0]!.at, 60);
  assert.is(pulses[2]!.at - pulses[0]!.at, 100);
});

test('LISTEN reports a steady tone fed into the earpiece, and silence', async () => {
  const s = await setup();
  assert.is(await s.send('HOOK OFF'), 'OK hook=off');
  assert.is(await s.send('LISTEN 500'), 'OK silence');
  s.fw.tone = tone([350, 440], -13);
  const r = parseReply(await s.send('LISTEN 1000'));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.is(r.fields['tone'], '350+440');
  const level = Number(r.fields['level']);
  assert.match(r.fields['level'] ?? '', /^-\d+\.\d$/);
  assert.ok(Math.abs(level - (-13 + 10 * Math.log10(2))) < 0.6, `level ${level} (two components at -13 each)`);
  assert.is(r.fields['cadence'], undefined, 'steady tone has no cadence');
});

test('LISTEN reports the cadence of an interrupted tone', async () => {
  const s = await setup();
  await s.send('HOOK OFF');
  s.fw.tone = tone([425], -10, 500, 500);
  const r = parseReply(await s.send('LISTEN 4000'));
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.is(r.fields['tone'], '425');
  assert.is(r.fields['cadence'], '500/500');
  assert.ok(Math.abs(Number(r.fields['level']) + 10) < 0.6);
});

test('RING?, EVT RING START/STOP and the cadence after two ring cycles', async () => {
  const s = await setup();
  assert.is(await s.send('RING?'), 'OK ringing=0');
  const starts: number[] = [];
  for (let cycle = 0; cycle < 2; cycle++) {
    starts.push(s.clock.now());
    await s.driver.setLinefeed('ringing');
    await advanceAsync(s.clock, 1000);
    assert.is(await s.session.handle('RING?'), cycle === 0 ? 'OK ringing=1' : 'OK ringing=1 cadence=2000/4000');
    await advanceAsync(s.clock, 1000);
    await s.driver.setLinefeed('forward-active');
    await advanceAsync(s.clock, 3000);
    assert.match(await s.session.handle('RING?'), /^OK ringing=1/, 'still in the ring cycle during the off gap');
    await advanceAsync(s.clock, 1000);
  }
  starts.push(s.clock.now());
  await s.driver.setLinefeed('ringing');
  await advanceAsync(s.clock, 500);
  assert.is(await s.session.handle('RING?'), 'OK ringing=1 cadence=2000/4000');
  assert.is(await s.session.handle('STATUS'), 'OK hook=on ringing=1 polarity=forward');
  await s.driver.setLinefeed('forward-active');
  const ringEvents = s.events.filter(([e]) => e.startsWith('EVT RING'));
  assert.equal(
    ringEvents.map(([e]) => e),
    ['EVT RING START', 'EVT RING STOP', 'EVT RING START', 'EVT RING STOP', 'EVT RING START', 'EVT RING STOP'],
  );
  assert.equal(
    ringEvents.filter(([e]) => e.endsWith('START')).map(([, at]) => at),
    starts,
  );
  await advanceAsync(s.clock, 6400);
  assert.match(await s.session.handle('RING?'), /^OK ringing=1/);
  await advanceAsync(s.clock, 200);
  assert.is(await s.session.handle('RING?'), 'OK ringing=0', 'cycle over after 6.5 s without ring voltage');
});

test('answering ends the ring cycle at once (ring trip)', async () => {
  const s = await setup();
  await s.driver.setLinefeed('ringing');
  await advanceAsync(s.clock, 700);
  assert.match(await s.session.handle('RING?'), /^OK ringing=1/);
  assert.is(await s.send('HOOK OFF'), 'OK hook=off');
  assert.is(await s.session.handle('RING?'), 'OK ringing=0');
  assert.equal(s.events.map(([e]) => e), ['EVT RING START', 'EVT RING STOP']);
});

test('POLARITY? and EVT POLARITY', async () => {
  const s = await setup();
  assert.is(await s.send('POLARITY?'), 'OK polarity=forward');
  await s.driver.setLinefeed('reverse-active');
  await advanceAsync(s.clock, 1);
  assert.is(await s.send('polarity?'), 'OK polarity=reverse');
  assert.equal(s.events.map(([e]) => e), ['EVT POLARITY reverse']);
});

test('STATUS carries the firmware extras; HELP; errors', async () => {
  let reg = 'registering';
  const s = await setup(() => ({ reg, 'call state': 'idle now', hook: 'spoof' }));
  assert.is(await s.send('STATUS'), 'OK hook=on ringing=0 polarity=forward reg=registering call_state=idle_now');
  reg = 'registered';
  await s.send('HOOK OFF');
  assert.is(await s.send('STATUS'), 'OK hook=off ringing=0 polarity=forward reg=registered call_state=idle_now');
  assert.is(await s.send('HELP'), `OK commands=${RIG_COMMANDS.join(',')}`);
  assert.match(await s.send('JUMP'), /^ERR unknown-command /);
  assert.match(await s.send('LISTEN x'), /^ERR bad-argument /);
  const dial = s.session.handle('DIAL 1234567890');
  assert.match(await s.send('TONE 440 100'), /^ERR busy /, 'one mouthpiece job at a time');
  assert.is(await runUntil(s.clock, dial, 10_000), 'OK dialed=1234567890');
  const pending = s.session.handle('DIAL 55555');
  await advanceAsync(s.clock, 100);
  await s.send('HOOK ON');
  assert.is(await pending, 'ERR on-hook phone is on-hook', 'hanging up cancels dialling');
});

test.run();
