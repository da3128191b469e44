/**
 * The PCM contract (hal/pcm.ts), written once and run against any PcmBackend. Periods are counted
 * against the device's clock: the suite waits for the device to deliver a number of periods and
 * checks their size and the `now` stamps' spacing, never how many fit in some span of wall time.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { PcmBackend, PcmStream } from '../../../../hal/pcm.js';
import { expectHalError } from './support.js';

export interface PcmTarget {
  name: string;
  backend: PcmBackend;
  device: string;
  channel: number;
  absentDevice: string;
  /** Wait until `cond()` holds or `ms` pass on the target's clock; returns cond(). */
  until(cond: () => boolean, ms: number): Promise<boolean>;
  /** Allowed deviation of the mean period spacing from the nominal one, ms (0 = exact). */
  spacingToleranceMs: number;
  /** The capture is a ramp (each sample = previous + 1, wrapping): nothing may be lost or reordered. */
  captureIsRamp: boolean;
  /** Everything the device has played since the stream was last opened, if the target can observe it. */
  played?(): Int16Array;
}

const RATE = 8000;
const PERIOD = 160;
const PERIOD_MS = (PERIOD * 1000) / RATE;

export function pcmConformance(t: PcmTarget): void {
  const s = suite(`pcm conformance: ${t.name}`);
  let stream: PcmStream | undefined;
  s.after.each(async () => {
    await stream?.stop().catch(() => {});
    stream = undefined;
  });
  const open = async () => {
    stream = await t.backend.open(t.device, { sampleRate: RATE, periodSamples: PERIOD, channel: t.channel });
    return stream;
  };

  s('the device runs one handler call per period: right sizes, zeroed playout, evenly spaced times', async () => {
    const st = await open();
    assert.equal(st.options, { sampleRate: RATE, periodSamples: PERIOD, channel: t.channel });
    const stamps: number[] = [];
    const captured: Int16Array[] = [];
    let badSize = 0;
    let dirtyPlayout = 0;
    st.start((capture, playout, now) => {
      if (capture.length !== PERIOD || playout.length !== PERIOD) badSize++;
      if (playout.some((v) => v !== 0)) dirtyPlayout++;
      playout.fill(1234); // must be zeroed again before the next period
      stamps.push(now);
      captured.push(capture.slice());
    });
    const want = 50;
    assert.ok(await t.until(() => stamps.length >= want, 10_000), `only ${stamps.length} periods`);
    assert.is(badSize, 0, 'every capture and playout buffer is one period long');
    assert.is(dirtyPlayout, 0, 'playout is zeroed before every period');
    for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i]! >= stamps[i - 1]!, 'period times never go backwards');
    const n = stamps.length;
    const mean = (stamps[n - 1]! - stamps[0]!) / (n - 1);
    assert.ok(Math.abs(mean - PERIOD_MS) <= t.spacingToleranceMs, `mean period spacing ${mean.toFixed(3)} ms, nominal ${PERIOD_MS}`);
    if (t.captureIsRamp) {
      const all = new Int16Array(captured.length * PERIOD);
      captured.forEach((c, i) => all.set(c, i * PERIOD));
      let breaks = 0;
      for (let i = 1; i < all.length; i++) if (((all[i]! - all[i - 1]! + 65536) & 0xffff) !== 1) breaks++;
      assert.is(breaks, 0, 'captured samples arrive complete and in order');
    }
  });

  (t.played ? s : s.skip)('what the handler writes to playout reaches the device, complete and in order', async () => {
    const played = t.played as () => Int16Array;
    const st = await open();
    let next = 1;
    st.start((_c, playout) => {
      for (let i = 0; i < playout.length; i++) playout[i] = next <= 30000 ? next++ : 0;
    });
    assert.ok(await t.until(() => next > 25 * PERIOD, 10_000), 'the handler ran 25 periods');
    const wrote = next - 1;
    assert.ok(await t.until(() => played().includes(wrote), 10_000), `sample ${wrote} reached the device`);
    const heard = played();
    const first = heard.indexOf(1);
    assert.ok(first >= 0, 'the first written sample was played');
    assert.ok(heard.subarray(0, first).every((v) => v === 0), 'only silence before it');
    let inOrder = 0;
    while (first + inOrder < heard.length && heard[first + inOrder] === inOrder + 1) inOrder++;
    assert.ok(inOrder >= wrote, `played ${inOrder} of the first ${wrote} samples in order`);
  });

  s('start twice is busy; stop ends the periods; a stopped stream cannot restart; stop is idempotent', async () => {
    const st = await open();
    let periods = 0;
    st.start(() => periods++);
    expectHalErrorSync(() => st.start(() => {}), 'busy');
    assert.ok(await t.until(() => periods >= 3, 5000));
    await st.stop();
    const after = periods;
    await t.until(() => false, 5 * PERIOD_MS);
    assert.is(periods, after, 'no period after stop()');
    expectHalErrorSync(() => st.start(() => {}), 'closed');
    await st.stop();
  });

  s('a device is busy while a stream is open on it, free after stop; a missing one is no-device', async () => {
    const st = await open();
    await expectHalError(() => t.backend.open(t.device, { sampleRate: RATE, periodSamples: PERIOD, channel: t.channel }), 'busy', 'second open');
    await st.stop();
    stream = undefined;
    const again = await open();
    let periods = 0;
    again.start(() => periods++);
    assert.ok(await t.until(() => periods >= 2, 5000), 'the reopened device runs');
    await expectHalError(() => t.backend.open(t.absentDevice, { sampleRate: RATE, periodSamples: PERIOD, channel: t.channel }), 'no-device', 'absent device');
  });

  s('bad options are refused with bad-argument', async () => {
    for (const [sampleRate, periodSamples] of [
      [0, 160],
      [8000, 0],
      [8000, 1.5],
      [-8000, 160],
    ] as const) {
      await expectHalError(() => t.backend.open(t.device, { sampleRate, periodSamples, channel: t.channel }), 'bad-argument', `rate ${sampleRate} period ${periodSamples}`);
    }
  });

  s.run();
}

function expectHalErrorSync(fn: () => void, code: string): void {
  try {
    fn();
  } catch (e) {
    assert.is((e as { code?: string }).code, code);
    return;
  }
  assert.unreachable(`expected HalError '${code}'`);
}
