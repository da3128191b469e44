/**
 * The walking skeleton end to end, on the simulated board against a real Kamailio and real SIPp:
 * registration with digest auth, an incoming call ringing with the US cadence and answered from
 * the rig with two-way audio, an outgoing call dialled with DTMF from the rig, a far-end hang-up.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio } from './support/kamailio.js';
import { startFirmware } from './support/firmware.js';
import type { RunningFw } from './support/firmware.js';
import { sleep, stopAll } from './support/processes.js';
import type { Proc } from './support/processes.js';
import { RtpPeer } from './support/rtp-peer.js';
import { near, parseReply, RigClient, toneOf, waitStatus } from './support/rig.js';
import { startSipp } from './support/sipp.js';

const KAM = 15060;
const FW_SIP = 15070;
const GW = 15090;
const RIG = 17001;

const e2e = suite('e2e: one real call, end to end, on the sim board');
let kam: Proc;
let fw: RunningFw;
let rig: RigClient;

e2e.before(async () => {
  kam = await startKamailio({ port: KAM, gateway: `sip:127.0.0.1:${GW}`, callerAuth: true });
  fw = await startFirmware({ sipPort: FW_SIP, registrarPort: KAM, rigBasePort: RIG });
  rig = await RigClient.connect('127.0.0.1', fw.rigPorts[0]!);
});

e2e.after(async () => {
  await rig?.close();
  await stopAll();
});

e2e('the line registers with digest authentication', async () => {
  const status = await waitStatus(rig, 'reg', 'registered', 15000);
  assert.is(status['hook'], 'on');
  const registers = kam.output().match(/REQ REGISTER/g) ?? [];
  assert.ok(registers.length >= 2, `expected a challenged REGISTER and its retry, saw ${registers.length}`);
  assert.match(fw.proc.output(), /registration .*state=registered/);
});

e2e('an incoming call rings with the US cadence, is answered, carries audio both ways, and on-hook sends BYE', async () => {
  const media = new RtpPeer();
  await media.open();
  const caller = startSipp('uac_call_ata.xml', [
    `127.0.0.1:${KAM}`, '-s', '1000', '-key', 'caller', '2000', '-key', 'rtp_port', String(media.port),
    '-au', '2000', '-ap', 'pass2000', '-i', '127.0.0.1', '-p', '15081', '-m', '1',
  ]);
  try {
    await rig.waitEvent(/EVT RING START/, 10000);
    await rig.waitEvent(/EVT RING STOP/, 4000);
    await rig.waitEvent(/EVT RING START/, 7000);
    const ring = parseReply(await rig.send('RING?'));
    assert.is(ring['ringing'], '1');
    const [on, off] = (ring['cadence'] ?? '0/0').split('/').map(Number);
    assert.ok(Math.abs(on! - 2000) <= 60 && Math.abs(off! - 4000) <= 60, `cadence ${ring['cadence']}`);

    assert.match(await rig.send('HOOK OFF'), /^OK/);
    // the far end answers the ATA's RTP from where it came (symmetric RTP) with a 1 kHz tone
    const deadline = Date.now() + 5000;
    while (media.packetsReceived === 0 && Date.now() < deadline) await sleep(20);
    assert.ok(media.packetsReceived > 0, 'the ATA sends RTP once answered');
    const source = (media as unknown as { received: Array<{ from: string }> }).received[0]!.from.split(':');
    media.sendTone(source[0]!, Number(source[1]), [1000], 8);
    await sleep(300);
    const heard = parseReply(await rig.send('LISTEN 600'));
    assert.ok(near(toneOf(heard), [1000], 3), `earpiece heard ${JSON.stringify(heard)}`);

    assert.match(kam.output(), /REQ ACK sip:1000@/, 'the caller\'s ACK found its way through the proxy (Record-Route)');
    media.clearReceived();
    assert.match(await rig.send('TONE 1400 800 -10'), /^OK/);
    const sent = media.analyseReceived(600);
    assert.ok(near(sent.frequencies, [1400], 3), `far end received ${JSON.stringify(sent)}`);

    assert.match(await rig.send('HOOK ON'), /^OK/);
    const code = await caller.done;
    assert.is(code, 0, `sipp caller failed:\n${caller.proc.output().slice(-2000)}`);
  } finally {
    await media.close();
    await caller.proc.stop();
  }
});

e2e('dialling from the rig reaches the gateway with the dialled number; a far-end BYE gives reorder', async () => {
  const media = new RtpPeer();
  await media.open();
  const gw = startSipp('uas_gateway.xml', ['-key', 'rtp_port', String(media.port), '-i', '127.0.0.1', '-p', String(GW), '-m', '1']);
  try {
    await sleep(300);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    const dial = parseReply(await rig.send('LISTEN 500'));
    assert.ok(near(toneOf(dial), [350, 440]), `dial tone: ${JSON.stringify(dial)}`);

    assert.match(await rig.send('DIAL 5551234#'), /^OK/);
    const ringback = parseReply(await rig.send('LISTEN 800'));
    assert.ok(near(toneOf(ringback), [440, 480]), `ringback: ${JSON.stringify(ringback)}`);

    await waitStatus(rig, 'line', 'connected', 6000);
    await waitStatus(rig, 'line', 'ended', 8000);
    const reorder = parseReply(await rig.send('LISTEN 1500'));
    assert.ok(near(toneOf(reorder), [480, 620]), `reorder: ${JSON.stringify(reorder)}`);
    assert.is(reorder['cadence'], '250/250');

    assert.match(await rig.send('HOOK ON'), /^OK/);
    assert.is(await gw.done, 0, `sipp gateway failed:\n${gw.proc.output().slice(-2000)}`);
    assert.match(gw.messages(), /INVITE sip:5551234@/);
  } finally {
    await media.close();
    await gw.proc.stop();
  }
});

e2e.run();
