/**
 * The one real-socket test: rig server and client over TCP loopback. The phone still runs on a
 * FakeClock; only the socket I/O is real.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { simBoard } from '../../../board/sim.js';
import { createSimHal } from '../../../hal/sim/create-sim-hal.js';
import { RigClient } from '../../../hal/rig/rig-client.js';
import { RigSession } from '../../../hal/rig/rig-session.js';
import { startRigServer } from '../../../hal/rig/rig-server.js';

async function setup() {
  const clock = new FakeClock();
  const sim = createSimHal({ clock, board: simBoard });
  const phone = sim.lines[0]!.phone;
  const session = new RigSession({ phone, extraStatus: () => ({ reg: 'registered' }) });
  const server = await startRigServer({ host: '127.0.0.1', port: 0, session });
  return { clock, sim, phone, server };
}

test('commands, pipelined replies in order, errors, events to every client', async () => {
  const s = await setup();
  assert.ok(s.server.port > 0);
  const a = await RigClient.connect('127.0.0.1', s.server.port);
  const b = await RigClient.connect('127.0.0.1', s.server.port);
  try {
    const replies = await Promise.all([a.send('HOOK OFF'), a.send('STATUS'), a.send('bogus'), a.send('POLARITY?')]);
    assert.equal(replies, [
      'OK hook=off',
      'OK hook=off ringing=0 polarity=forward reg=registered',
      "ERR unknown-command unknown command 'bogus'",
      'OK polarity=forward',
    ]);
    assert.ok(s.phone.isOffHook);
    assert.is(await b.send('HOOK ON'), 'OK hook=on');
    // ring the line by driving the pins as a driver would
    const rm = await s.sim.gpio.open(17, { direction: 'low' });
    const fr = await s.sim.gpio.open(27, { direction: 'high' });
    const waitA = a.waitEvent(/^EVT RING START$/, 2000);
    await rm.write(1);
    await fr.write(0);
    assert.is(await waitA, 'EVT RING START');
    assert.is(await b.waitEvent(/RING START/, 2000), 'EVT RING START', 'already-received events are kept');
    await rm.write(0);
    await fr.write(1);
    assert.is(await b.waitEvent(/RING STOP/, 2000), 'EVT RING STOP');
    assert.is(await a.send('ring?'), 'OK ringing=1');
  } finally {
    await a.close();
    await b.close();
    await s.server.close();
  }
});

test('a long-running command (DIAL) replies once the fake clock has run the audio', async () => {
  const s = await setup();
  const stream = await s.sim.hal.pcm.open('sim', { sampleRate: 8000, periodSamples: 160, channel: 0 });
  let audio = 0;
  stream.start((capture) => {
    if (capture.some((v) => v !== 0)) audio++;
  });
  const c = await RigClient.connect('127.0.0.1', s.server.port);
  try {
    assert.is(await c.send('HOOK OFF'), 'OK hook=off');
    let reply: string | undefined;
    const p = c.send('DIAL 12').then((r) => (reply = r));
    const t0 = s.clock.now();
    for (let i = 0; i < 5000 && reply === undefined; i++) {
      s.clock.advance(20);
      await nextTurn();
    }
    await p;
    assert.is(reply, 'OK dialed=12');
    assert.ok(s.clock.now() - t0 >= 320);
    assert.ok(audio >= 8, 'DTMF audio went through the PCM path');
  } finally {
    await c.close();
    await s.server.close();
  }
});

test('CRLF, blank lines and over-long lines', async () => {
  const s = await setup();
  const sock = connect({ host: '127.0.0.1', port: s.server.port });
  await new Promise<void>((r) => sock.once('connect', () => r()));
  let text = '';
  sock.setEncoding('latin1');
  sock.on('data', (d: string) => (text += d));
  sock.write('HELP\r\n\r\n\n' + 'X'.repeat(1500) + '\nHOOK OFF\n');
  for (let i = 0; i < 200 && text.split('\n').length < 4; i++) await new Promise((r) => setTimeout(r, 5));
  const lines = text.split('\n').filter((l) => l !== '');
  assert.is(lines.length, 3);
  assert.match(lines[0]!, /^OK commands=HOOK,/);
  assert.match(lines[1]!, /^ERR bad-argument line longer than/);
  assert.is(lines[2], 'OK hook=off');
  sock.destroy();
  await s.server.close();
});

test('client: connection refused and closed server', async () => {
  const s = await setup();
  const port = s.server.port;
  const c = await RigClient.connect('127.0.0.1', port);
  await s.server.close();
  try {
    await c.send('STATUS', 2000);
    assert.unreachable('server is gone');
  } catch (e) {
    assert.match((e as Error).message, /rig connection|closed|error/);
  }
  try {
    await RigClient.connect('127.0.0.1', port);
    assert.unreachable('nothing listens');
  } catch (e) {
    assert.is((e as { code?: string }).code, 'rig-connect');
  }
});

test.run();
