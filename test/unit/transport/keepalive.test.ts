import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { Pump } from '../../../firmware/core/pump.js';
import type { Endpoint } from '../../../firmware/sip/message/types.js';
import { KeepAlive } from '../../../firmware/sip/nat/keepalive.js';
import type { KeepAliveOutput } from '../../../firmware/sip/nat/keepalive.js';
import { KeepAliveRunner } from '../../../firmware/sip/transport/keepalive-runner.js';

const UDP: Endpoint = { address: '192.0.2.1', port: 5060, transport: 'udp' };
const TCP: Endpoint = { address: '192.0.2.1', port: 5060, transport: 'tcp' };

/** Drive a core on a FakeClock with a Pump, collecting its outputs with their times. */
function drive(core: KeepAlive, clock: FakeClock) {
  const seen: Array<{ at: number; out: KeepAliveOutput }> = [];
  const pump = new Pump(clock, core, () => {
    for (let o = core.poll(); o; o = core.poll()) seen.push({ at: clock.now(), out: o });
  });
  return { seen, pump };
}

test('UDP crlf: a CRLFCRLF datagram every 25 s by default (no jitter), nothing expected back', () => {
  const clock = new FakeClock(0);
  const core = new KeepAlive({ flow: UDP, jitter: 0 });
  const { seen, pump } = drive(core, clock);
  core.start(clock.now());
  pump.kick();
  clock.advance(100_000);
  assert.equal(seen.map((s) => s.at), [25_000, 50_000, 75_000, 100_000]);
  assert.ok(seen.every((s) => s.out.type === 'send' && s.out.data.toString() === '\r\n\r\n' && s.out.flow === UDP));
  assert.is(core.state, 'idle');
});

test('intervals are jittered between 80 % and 100 % of the nominal (RFC 5626 §4.4.1)', () => {
  const clock = new FakeClock(0);
  let r = 0;
  const draws = [0, 0.5, 0.999];
  const core = new KeepAlive({ flow: UDP, intervalMs: 10_000, random: () => draws[r++ % draws.length]! });
  const { seen, pump } = drive(core, clock);
  core.start(0);
  pump.kick();
  clock.advance(40_000);
  const gaps = seen.map((s, i) => s.at - (i === 0 ? 0 : seen[i - 1]!.at));
  assert.equal(gaps.slice(0, 3).map((g) => Math.round(g)), [10_000, 9_000, 8_002]);
  assert.ok(gaps.every((g) => g >= 8_000 && g <= 10_000));
});

test('TCP: a ping, then the pong within 10 s keeps the schedule; no pong → keepalive-lost', () => {
  const clock = new FakeClock(0);
  const core = new KeepAlive({ flow: TCP, intervalMs: 20_000, jitter: 0 });
  const { seen, pump } = drive(core, clock);
  core.start(0);
  pump.kick();
  clock.advance(20_000);
  assert.is(core.state, 'awaiting-response');
  assert.is(seen.length, 1);
  clock.advance(3_000);
  core.pong(clock.now());
  pump.kick();
  assert.is(core.state, 'idle');
  assert.is(core.nextDeadline(), 40_000, 'next ping one interval after the previous one');
  clock.advance(17_000);
  assert.is(seen.length, 2);
  clock.advance(9_999);
  assert.is(core.state, 'awaiting-response');
  clock.advance(1);
  assert.is(seen.length, 3);
  assert.equal(seen[2]!.out, { type: 'keepalive-lost', flow: TCP, reason: 'no-pong' });
  assert.is(seen[2]!.at, 50_000);
  assert.is(core.state, 'stopped');
  assert.is(core.nextDeadline(), undefined);
});

test('TCP with expectPong false just pings', () => {
  const clock = new FakeClock(0);
  const core = new KeepAlive({ flow: TCP, intervalMs: 1_000, jitter: 0, expectPong: false });
  const { seen, pump } = drive(core, clock);
  core.start(0);
  pump.kick();
  clock.advance(60_000);
  assert.is(seen.length, 60);
  assert.ok(seen.every((s) => s.out.type === 'send'));
});

test('OPTIONS: asks for an OPTIONS; any response keeps it alive; a failure or its own timeout is keepalive-lost', () => {
  const clock = new FakeClock(0);
  const core = new KeepAlive({ flow: UDP, method: 'options', intervalMs: 30_000, jitter: 0, responseTimeoutMs: 32_000 });
  const { seen, pump } = drive(core, clock);
  core.start(0);
  pump.kick();
  clock.advance(30_000);
  assert.equal(seen[0]!.out, { type: 'send-options', flow: UDP });
  core.optionsAnswered(404, clock.now());
  pump.kick();
  assert.is(core.state, 'idle');
  clock.advance(30_000);
  assert.is(seen.length, 2);
  core.optionsFailed(clock.now(), 'transport');
  pump.kick();
  assert.equal(seen[2]!.out, { type: 'keepalive-lost', flow: UDP, reason: 'options-failed' });
  core.start(clock.now());
  pump.kick();
  clock.advance(30_000 + 32_000);
  assert.equal(seen[4]!.out, { type: 'keepalive-lost', flow: UDP, reason: 'options-timeout' });
});

test('stray pongs or answers are ignored; stop() cancels; restarting works; illegal moves throw', () => {
  const core = new KeepAlive({ flow: TCP, jitter: 0 });
  core.pong(5);
  assert.is(core.state, 'stopped');
  core.start(0);
  core.optionsAnswered(200, 1); // wrong method: ignored
  assert.is(core.state, 'idle');
  core.stop();
  assert.is(core.nextDeadline(), undefined);
  core.start(100);
  assert.is(core.nextDeadline(), 25_100);
  const t = core as unknown as { transition(e: string): void };
  core.stop();
  assert.throws(() => t.transition('answered'), (e: unknown) => e instanceof IllegalTransitionError);
  assert.throws(() => new KeepAlive({ flow: UDP, intervalMs: 0 }), /positive/);
});

test('KeepAliveRunner writes pings on the clock, takes pongs for its flow only, and reports loss', async () => {
  const clock = new FakeClock(0);
  const sent: Array<{ at: number; data: string }> = [];
  const lost: string[] = [];
  const runner = new KeepAliveRunner({
    core: new KeepAlive({ flow: TCP, intervalMs: 10_000, jitter: 0 }),
    clock,
    log: memoryLogger(),
    sendKeepAlive: async (data) => {
      sent.push({ at: clock.now(), data: data.toString() });
    },
    onLost: (reason) => lost.push(reason),
  });
  runner.start();
  clock.advance(10_000);
  assert.equal(sent, [{ at: 10_000, data: '\r\n\r\n' }]);
  runner.pong({ ...TCP, port: 9999 }); // another flow: ignored
  clock.advance(5_000);
  runner.pong({ ...TCP, address: '::ffff:192.0.2.1' }); // same flow, v4-mapped spelling
  clock.advance(5_000);
  assert.is(sent.length, 2);
  clock.advance(10_000);
  assert.equal(lost, ['no-pong']);
  runner.stop();
});

test('KeepAliveRunner: a keep-alive that cannot be written is a lost flow; OPTIONS outcomes are fed back', async () => {
  const clock = new FakeClock(0);
  const lost: string[] = [];
  const failing = new KeepAliveRunner({
    core: new KeepAlive({ flow: TCP, intervalMs: 1_000, jitter: 0 }),
    clock,
    log: memoryLogger(),
    sendKeepAlive: () => Promise.reject(new Error('no flow')),
    onLost: (reason) => lost.push(reason),
  });
  failing.start();
  clock.advance(1_000);
  await new Promise((r) => setImmediate(r));
  assert.equal(lost, ['send-failed']);

  let answer: (status: number) => void = () => {};
  const core = new KeepAlive({ flow: UDP, method: 'options', intervalMs: 1_000, jitter: 0 });
  const withOptions = new KeepAliveRunner({
    core,
    clock,
    log: memoryLogger(),
    sendKeepAlive: async () => {},
    sendOptions: () => new Promise<number>((resolve) => (answer = resolve)),
    onLost: (reason) => lost.push(reason),
  });
  withOptions.start();
  clock.advance(1_000);
  assert.is(core.state, 'awaiting-response');
  answer(200);
  await new Promise((r) => setImmediate(r));
  assert.is(core.state, 'idle');
});

test.run();
