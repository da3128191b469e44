/**
 * The hardware-in-the-loop suite: everything is observed through the rig, on a serial line. It runs
 * unchanged against
 *   - the sim board: the firmware's TCP rig exposed on a pseudo-terminal by socat (npm test), and
 *   - a real rig fixture in front of a real board (npm run hil -- --rig /dev/ttyACM0),
 * with a real Kamailio and SIPp around it (test/hil/support/hil-setup.ts says what is started).
 * Checked: the serial rig link, registration, hook and dial tone, polarity, DTMF dialling to a
 * SIPp gateway (ringback, answer, the dialled number), and an incoming call's ringing and cadence.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RigSerialClient } from '../../hal/rig/rig-serial-client.js';
import { SerialportSerial } from '../../hal/real/serial-serialport.js';
import { sleep, stopAll } from '../e2e/support/processes.js';
import { parseReply } from '../e2e/support/rig.js';
import { RtpPeer } from '../e2e/support/rtp-peer.js';
import { startSipp } from '../e2e/support/sipp.js';
import { checkDialTone, checkGatewayCall, checkRegistered, ok as okOn } from './support/checks.js';
import { PORTS, startHil } from './support/hil-setup.js';
import type { HilSetup } from './support/hil-setup.js';

const hil = suite('hil: the phone line, observed through a rig on a serial port');
let setup: HilSetup;
let rig: RigSerialClient;
/** Time scale: the arm64 build under qemu-user runs several times slower. */
const slow = process.env['TIPRING_HIL_FIRMWARE'] === 'arm64' ? 3 : 1;

const ok = (cmd: string) => okOn(rig, cmd);

hil.before(async () => {
  setup = await startHil();
  console.log(`  hil: ${setup.description}, rig ${setup.rigPath}`);
  rig = await RigSerialClient.open(new SerialportSerial(), setup.rigPath, { baudRate: setup.baudRate });
  await ok('HOOK ON');
});

hil.after(async () => {
  await rig?.close().catch(() => {});
  await stopAll();
});

hil('the rig answers over the serial line; the phone starts on-hook', async () => {
  const help = await ok('HELP');
  for (const c of ['HOOK', 'DIAL', 'LISTEN', 'RING?', 'POLARITY?', 'STATUS']) assert.ok(help['commands']?.split(',').includes(c), `HELP lists ${c}`);
  const status = await ok('STATUS');
  assert.is(status['hook'], 'on');
  assert.ok(['forward', 'reverse'].includes(status['polarity'] ?? ''), `polarity in STATUS: ${status['polarity']}`);
  assert.match(await rig.send('FROB'), /^ERR unknown-command /);
  // pipelined commands keep their order over the serial line
  const replies = await Promise.all([rig.send('POLARITY?'), rig.send('RING?'), rig.send('STATUS')]);
  assert.match(replies[0]!, /^OK polarity=/);
  assert.match(replies[1]!, /^OK ringing=0/);
  assert.match(replies[2]!, /^OK hook=on /);
});

hil('the line registers with Kamailio (digest challenge, then accepted)', async () => {
  await checkRegistered(rig, setup, 30_000 * slow);
});

hil('off-hook gives dial tone; on-hook the earpiece is silent again', async () => {
  await checkDialTone(rig);
  assert.is((await ok('STATUS'))['hook'], 'off');
  assert.is((await ok('HOOK ON'))['hook'], 'on');
  assert.equal(Object.keys(await ok('LISTEN 200')), ['silence']);
  assert.is((await ok('STATUS'))['hook'], 'on');
});

hil('polarity: POLARITY? and STATUS agree; the idle line has forward polarity', async () => {
  const p = (await ok('POLARITY?'))['polarity'];
  assert.ok(p === 'forward' || p === 'reverse', `POLARITY? -> ${p}`);
  assert.is((await ok('STATUS'))['polarity'], p);
  assert.is(p, 'forward', 'idle battery is forward');
});

hil('DTMF dialling reaches the SIPp gateway: ringback, answer (gateway audio heard), the dialled number', async () => {
  await checkGatewayCall(rig, setup, slow);
});

hil('an incoming call rings with the US cadence (events and RING?); answering stops the ringing', async () => {
  const media = new RtpPeer();
  await media.open();
  const caller = startSipp('uac_call_ata.xml', [
    `${setup.sipHost}:${PORTS.kamailio}`, '-s', '1000', '-key', 'caller', '2000', '-key', 'rtp_port', String(media.port),
    '-au', '2000', '-ap', 'pass2000', '-i', setup.sipHost, '-p', String(PORTS.caller), '-m', '1',
  ]);
  try {
    await rig.waitEvent(/^EVT RING START$/, 10_000 * slow);
    await rig.waitEvent(/^EVT RING STOP$/, 4000 * slow);
    const gap = await ok('RING?');
    assert.is(gap['ringing'], '1', 'still within the ring cycle between bursts');
    await rig.waitEvent(/^EVT RING START$/, 7000 * slow);
    const ring = await ok('RING?');
    assert.is(ring['ringing'], '1');
    const [on, off] = (ring['cadence'] ?? '0/0').split('/').map(Number);
    const tol = 60 * slow;
    assert.ok(Math.abs(on! - 2000) <= tol && Math.abs(off! - 4000) <= tol, `cadence ${ring['cadence']} (US: 2000/4000)`);
    assert.is((await ok('STATUS'))['ringing'], '1');

    await ok('HOOK OFF');
    await sleep(300);
    assert.is((await ok('RING?'))['ringing'], '0', 'answering ends the ring cycle');
    if (setup.sipHost === '127.0.0.1') {
      const end = Date.now() + 5000 * slow;
      while (media.packetsReceived === 0 && Date.now() < end) await sleep(20);
      assert.ok(media.packetsReceived > 0, 'the answered call carries RTP to the caller');
    }
    await ok('HOOK ON');
    assert.is(await caller.done, 0, `sipp caller failed (it expects ringing, answer and the ATA's BYE):\n${caller.proc.output().slice(-2000)}`);
    assert.ok(!rig.events().includes('EVT RING START'), 'no ringing after the answer');
  } finally {
    await media.close();
    await caller.proc.stop();
  }
});

hil('fixture extensions (VOLTAGE?, CURRENT?) give plausible line measurements where the rig has them', async () => {
  const voltage = await rig.send('VOLTAGE?');
  if (/^ERR (unknown-command|unsupported)\b/.test(voltage)) {
    // the simulated phone has no voltmeter; a hardware fixture implements these (docs/hardware.md)
    assert.match(voltage, /^ERR /);
    console.log('  (skipped) VOLTAGE?/CURRENT?: not offered by this rig');
    return;
  }
  const onHook = parseReply(voltage);
  const v = Math.abs(Number(onHook['tip_ring']));
  assert.ok(v > 20 && v < 60, `on-hook tip-ring voltage ${onHook['tip_ring']} V (open-circuit battery)`);
  await ok('HOOK OFF');
  await sleep(200);
  const current = await ok('CURRENT?');
  const ma = Number(current['loop_ma']);
  assert.ok(ma >= 18 && ma <= 45, `off-hook loop current ${ma} mA`);
  await ok('HOOK ON');
});

hil.run();
