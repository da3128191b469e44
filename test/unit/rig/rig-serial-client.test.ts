/**
 * The rig client over a serial port: against a simulated serial device that plays a rig fixture
 * (a RigSession on the simulated phone, on a FakeClock), and over a real pseudo-terminal bridged
 * by socat to the TCP rig server (the path the HIL suite takes in CI).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { simBoard } from '../../../board/sim.js';
import { createSimHal } from '../../../hal/sim/create-sim-hal.js';
import { RigSession } from '../../../hal/rig/rig-session.js';
import { RigSerialClient } from '../../../hal/rig/rig-serial-client.js';
import { startRigServer } from '../../../hal/rig/rig-server.js';
import { SerialportSerial } from '../../../hal/real/serial-serialport.js';

const PORT = '/dev/ttyACM7';

/** A simulated serial device speaking the rig protocol, like the USB fixture would. */
function simFixture(o: { mute?: boolean } = {}) {
  const clock = new FakeClock();
  const sim = createSimHal({ clock, board: simBoard });
  const phone = sim.lines[0]!.phone;
  const session = new RigSession({ phone });
  const received: string[] = [];
  sim.serial.createPort(PORT, { manufacturer: 'tipring-fixture' });
  let buf = '';
  let chain: Promise<void> = Promise.resolve(); // one command at a time, like the fixture's firmware
  sim.serial.onWrite(PORT, (data) => {
    buf += data.toString('latin1');
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      received.push(line);
      if (line.trim() === '' || o.mute) continue;
      chain = chain.then(async () => {
        sim.serial.emitData(PORT, `${await session.handle(line)}\r\n`);
      });
    }
  });
  session.onEvent((evt) => sim.serial.emitData(PORT, `${evt}\n`));
  return { clock, sim, phone, received };
}

test('commands and replies over a serial port; events kept for waitEvent; a boot banner is not a reply', async () => {
  const f = simFixture();
  const rig = await RigSerialClient.open(f.sim.serial, PORT, { clock: f.clock });
  assert.equal(f.received, [''], 'an empty line first, to flush a half-received line on the fixture');
  f.sim.serial.emitData(PORT, 'tipring-fixture v1 ready\n'); // not OK/ERR/EVT: ignored
  const replies = await Promise.all([rig.send('HOOK OFF'), rig.send('STATUS'), rig.send('nonsense')]);
  assert.equal(replies, ['OK hook=off', 'OK hook=off ringing=0 polarity=forward', "ERR unknown-command unknown command 'nonsense'"]);
  assert.ok(f.phone.isOffHook);
  assert.is(await rig.send('HOOK ON'), 'OK hook=on');
  // the line rings: drive the SLIC's pins as the driver would
  const rm = await f.sim.gpio.open(17, { direction: 'low' });
  const fr = await f.sim.gpio.open(27, { direction: 'high' });
  await rm.write(1);
  await fr.write(0);
  await nextTurn();
  assert.ok(rig.events().includes('EVT RING START'));
  assert.is(await rig.waitEvent(/RING START/, 1000), 'EVT RING START', 'an event that came before the wait is not missed');
  await rig.close();
  await rig.send('STATUS').then(
    () => assert.unreachable('closed'),
    (e: { code?: string }) => assert.is(e.code, 'rig-closed'),
  );
});

test('no reply in time fails the connection (reply order is lost); timeouts run on the injected clock', async () => {
  const f = simFixture({ mute: true });
  const rig = await RigSerialClient.open(f.sim.serial, PORT, { clock: f.clock });
  const p = rig.send('STATUS', 5000).then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );
  const w = rig.waitEvent(/never/, 3000).then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );
  f.clock.advance(3000);
  assert.is(await w, 'rig-timeout');
  f.clock.advance(2000);
  assert.is(await p, 'rig-timeout');
  assert.is(await rig.send('HELP').catch((e: { code?: string }) => e.code), 'rig-timeout', 'the connection is given up');
});

test('opening a missing port fails with rig-connect', async () => {
  const f = simFixture();
  const e = await RigSerialClient.open(f.sim.serial, '/dev/ttyNOPE').catch((x: unknown) => x);
  assert.is((e as { code?: string }).code, 'rig-connect');
});

const socat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
(socat ? test : test.skip)('through a real pty: socat bridges a tty to the TCP rig server; serialport opens it', async () => {
  const clock = new FakeClock();
  const sim = createSimHal({ clock, board: simBoard });
  const session = new RigSession({ phone: sim.lines[0]!.phone, extraStatus: () => ({ reg: 'registered' }) });
  const server = await startRigServer({ host: '127.0.0.1', port: 0, session });
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-rigpty-'));
  const link = path.join(dir, 'rig1');
  const bridge = spawn('socat', [`pty,link=${link},raw,echo=0`, `tcp:127.0.0.1:${server.port}`], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 500 && !existsSync(link); i++) await new Promise((r) => setTimeout(r, 10));
    const rig = await RigSerialClient.open(new SerialportSerial(), link);
    assert.is(await rig.send('HOOK OFF'), 'OK hook=off');
    assert.is(await rig.send('STATUS'), 'OK hook=off ringing=0 polarity=forward reg=registered');
    assert.match(await rig.send('HELP'), /^OK commands=HOOK,FLASH,DIAL/);
    await rig.close();
  } finally {
    bridge.kill();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
