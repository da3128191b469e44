/**
 * Media guard and SRTP end to end (issue 8.4, 8.6): RTP injected from an address nobody negotiated
 * is not played; a stream at three times the negotiated rate raises the alarm within the window;
 * an SRTP (SDES) call with baresip carries audio both ways.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { analyseTone } from '../../firmware/media/tone-analyser.js';
import { startBaresip, readWav } from './support/baresip.js';
import { startKamailio } from './support/kamailio.js';
import { startFirmware } from './support/firmware.js';
import type { RunningFw } from './support/firmware.js';
import { sleep, stopAll } from './support/processes.js';
import { RtpPeer } from './support/rtp-peer.js';
import { near, parseReply, RigClient, toneOf, waitStatus } from './support/rig.js';
import { startSipp } from './support/sipp.js';

const t = suite('e2e: media guard and SRTP');
const KAM = 16060;
let fw: RunningFw;
let rig: RigClient;

t.before(async () => {
  await startKamailio({ port: KAM, callerAuth: true });
  fw = await startFirmware({ sipPort: 16070, registrarPort: KAM, rigBasePort: 18001, rtpMin: 30000 });
  rig = await RigClient.connect('127.0.0.1', fw.rigPorts[0]!);
  await waitStatus(rig, 'reg', 'registered', 15000);
});
t.after.each(async () => {
  await rig.send('HOOK ON').catch(() => {});
  await sleep(1200);
});
t.after(async () => {
  await rig?.close();
  await stopAll();
});

t('RTP injected from another address is not played; a 3x flood raises the alarm', async () => {
  const media = new RtpPeer();
  const intruder = new RtpPeer();
  await media.open();
  await intruder.open();
  const caller = startSipp('uac_call_ata.xml', [`127.0.0.1:${KAM}`, '-s', '1000', '-key', 'caller', '2000', '-key', 'rtp_port', String(media.port), '-au', '2000', '-ap', 'pass2000', '-i', '127.0.0.1', '-p', '16081', '-m', '1']);
  try {
    await rig.waitEvent(/EVT RING START/, 10000);
    await rig.send('HOOK OFF');
    const end = Date.now() + 5000;
    while (!media.firstSource && Date.now() < end) await sleep(20);
    const ata = media.firstSource!;
    assert.ok(ata, 'the ATA sends RTP');
    media.sendTone(ata.address, ata.port, [1000], 8);
    intruder.sendTone(ata.address, ata.port, [2500], 8, 0); // same port, another source
    await sleep(400);
    const heard = parseReply(await rig.send('LISTEN 800'));
    assert.ok(near(toneOf(heard), [1000]), `the earpiece hears only the negotiated stream: ${JSON.stringify(heard)}`);
    await fw.proc.waitFor(/media-foreign-source/, 5000);

    media.sendTone(ata.address, ata.port, [1000], 8, -10, 3); // three times the rate
    await fw.proc.waitFor(/media-excess-bitrate/, 9000);
    await rig.send('HOOK ON');
    assert.is(await caller.done, 0);
  } finally {
    await media.close();
    await intruder.close();
    await caller.proc.stop();
  }
});

t.run();

const srtp = suite('e2e: SRTP (SDES) with baresip');
let fw2: RunningFw;
let rig2: RigClient;
srtp.before(async () => {
  await startKamailio({ port: 16160, callerAuth: true });
  fw2 = await startFirmware({ sipPort: 16170, registrarPort: 16160, rigBasePort: 18101, rtpMin: 31000, srtp: 'required' });
  rig2 = await RigClient.connect('127.0.0.1', fw2.rigPorts[0]!);
  await waitStatus(rig2, 'reg', 'registered', 15000);
});
srtp.after(async () => {
  await rig2?.close();
  await stopAll();
});

srtp('a line with srtp: required calls baresip (mediaenc=srtp-mand): audio both ways, encrypted', async () => {
  const rig = rig2;
  const KAM = 16160;
  const bs = startBaresip({ user: '3000', password: 'pass3000', proxyPort: KAM, sipPort: 16091, toneHz: 440, seconds: 25, srtp: true });
  await bs.proc.waitFor(/200 OK.*binding/, 10000);
  await rig.send('HOOK OFF');
  await rig.send('LISTEN 300');
  await rig.send('DIAL 3000#');
  await waitStatus(rig, 'line', 'connected', 10000);
  await sleep(500);
  const heard = parseReply(await rig.send('LISTEN 800'));
  assert.ok(near(toneOf(heard), [440], 3), `tipring heard from baresip over SRTP: ${JSON.stringify(heard)}`);
  await rig.send('TONE 1000 1500 -10');
  await rig.send('HOOK ON');
  await bs.proc.stop('SIGINT');
  // with srtp: required the line refuses any call without SRTP, so a connected call was encrypted
  assert.not.match(fw2.proc.output(), /srtp-negotiation-failed/);
  const wav = bs.recordings();
  assert.ok(wav.length > 0);
  const { samples } = readWav(wav[0]!);
  let found = false;
  for (let i = 0; i + 2000 <= samples.length; i += 1000) {
    const a = analyseTone(samples.subarray(i, i + 2000), 8000);
    if (a.frequencies.some((f) => Math.abs(f - 1000) <= 5)) found = true;
  }
  assert.ok(found, 'baresip decrypted and heard the phone\'s tone');
});

srtp.run();
