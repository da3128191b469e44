import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { SimPcm } from '../../../hal/sim/pcm-sim.js';
import { HalError } from '../../../hal/errors.js';

function endpoint() {
  let n = 0;
  const played: number[][] = [];
  return {
    played,
    capture(out: Int16Array) {
      n += 1;
      out.fill(n); // frame number, so the handler can see which capture it got
    },
    playout(frame: Int16Array) {
      played.push([frame[0] as number, frame[frame.length - 1] as number]);
    },
  };
}

test('N periods after N x 20 ms, on an absolute schedule', async () => {
  const clock = new FakeClock(3);
  const pcm = new SimPcm({ clock });
  const ep = endpoint();
  pcm.attach('sim', 0, ep);
  const stream = await pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 });
  const times: number[] = [];
  stream.start((capture, playout, now) => {
    assert.is(playout[0], 0, 'playout zeroed before the handler');
    times.push(now);
    playout.fill(-capture[0]!);
  });
  clock.advance(19);
  assert.is(times.length, 0, 'first period one period after start');
  clock.advance(1);
  assert.equal(times, [23]);
  // uneven advances must not make it drift
  clock.advance(7);
  clock.advance(33);
  clock.advance(160);
  assert.is(times.length, 11);
  times.forEach((t, i) => assert.is(t, 3 + 20 * (i + 1)));
  assert.equal(ep.played[0], [-1, -1], 'the endpoint gets what the handler played');
  assert.equal(ep.played[10], [-11, -11]);
  await stream.stop();
  clock.advance(100);
  assert.is(times.length, 11, 'stop ends the stream');
});

test('10 ms periods at 8 kHz', async () => {
  const clock = new FakeClock();
  const pcm = new SimPcm({ clock });
  pcm.attach('sim', 1, endpoint());
  const stream = await pcm.open('sim', { sampleRate: 8000, periodSamples: 80, channel: 1 });
  let n = 0;
  stream.start(() => n++);
  clock.advance(1000);
  assert.is(n, 100);
});

test('errors: no-device, busy, bad options, restart after stop', async () => {
  const clock = new FakeClock();
  const pcm = new SimPcm({ clock });
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      assert.instance(e, HalError);
      return (e as HalError).code;
    }
    return 'none';
  };
  assert.is(await code(pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 })), 'no-device');
  pcm.attach('sim', 0, endpoint());
  assert.is(await code(pcm.open('sim', { sampleRate: 8000, periodSamples: 0, channel: 0 })), 'bad-argument');
  const s = await pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 });
  assert.is(await code(pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 })), 'busy');
  s.start(() => {});
  assert.throws(() => s.start(() => {}), (e: unknown) => e instanceof HalError && e.code === 'busy');
  await s.stop();
  assert.throws(() => s.start(() => {}), (e: unknown) => e instanceof HalError && e.code === 'closed');
  const again = await pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 });
  assert.ok(again, 'channel free again after stop');
});

test.run();
