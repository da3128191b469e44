/**
 * The telephone features at the handset, end to end on the simulated board against a real
 * Kamailio and real SIPp peers, driven through the rig: immediate dial of an emergency number
 * (digit map), pulse dialling, star codes for DND and forwarding (the caller gets 486 / 302),
 * a hotline (line 2), call waiting with flash swap / hold / reminder ring, a blind transfer
 * (the held party receives a REFER naming the dialled number), an attended transfer (REFER with
 * Replaces), a three-way call mixed in the
 * adapter (the third party hears the first caller), and distinctive ringing from Alert-Info.
 */
import { writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio } from './support/kamailio.js';
import { startFirmware } from './support/firmware.js';
import type { RunningFw } from './support/firmware.js';
import { sleep, stopAll } from './support/processes.js';
import { RtpPeer } from './support/rtp-peer.js';
import { near, parseReply, RigClient, toneOf, waitStatus } from './support/rig.js';
import { startSipp } from './support/sipp.js';
import type { SippRun } from './support/sipp.js';

const KAM = 16060;
const FW_SIP = 16070;
const GW = 16090;
const RIG = 17101;
const HOTLINE = '4444';

const e2e = suite('e2e: telephone features at the handset');
let fw: RunningFw;
let rig: RigClient;
let rig2: RigClient;
const peers: RtpPeer[] = [];

async function rtpPeer(): Promise<RtpPeer> {
  const p = new RtpPeer();
  await p.open();
  peers.push(p);
  return p;
}

/** A SIPp caller (user 2000) calling line 1 (user 1000) through the proxy. */
async function caller(scenario: string, port: number): Promise<SippRun> {
  return (await callerWithMedia(scenario, port)).run;
}

async function callerWithMedia(scenario: string, port: number): Promise<{ run: SippRun; media: RtpPeer }> {
  const media = await rtpPeer();
  const run = startSipp(scenario, [
    `127.0.0.1:${KAM}`, '-s', '1000', '-key', 'caller', '2000', '-key', 'rtp_port', String(media.port),
    '-au', '2000', '-ap', 'pass2000', '-i', '127.0.0.1', '-p', String(port), '-m', '1',
  ], 60);
  return { run, media };
}

function gateway(scenario: string, media?: RtpPeer): SippRun {
  return startSipp(scenario, ['-key', 'rtp_port', String(media?.port ?? 9), '-i', '127.0.0.1', '-p', String(GW), '-m', '1'], 60);
}

/** Put the handset down for good: on-hook shorter than the flash window (900 ms, US) is a flash. */
async function hangUp(r: RigClient): Promise<void> {
  assert.match(await r.send('HOOK ON'), /^OK/);
  await sleep(1100);
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
  return Date.now() - start;
}

async function finished(run: SippRun, what: string): Promise<void> {
  const code = await run.done;
  assert.is(code, 0, `${what} failed (exit ${code}):\n${run.messages().slice(-3000)}\n${run.proc.output().slice(-1500)}`);
}

e2e.before(async () => {
  try {
    await setUp();
  } catch (e) {
    // uvu does not report a failing before hook: say why every test is skipped
    console.error('features e2e set-up failed:', e);
    throw e;
  }
});

async function setUp(): Promise<void> {
  await startKamailio({ port: KAM, gateway: `sip:127.0.0.1:${GW}`, callerAuth: true });
  fw = await startFirmware({
    sipPort: FW_SIP,
    registrarPort: KAM,
    rigBasePort: RIG,
    rtpMin: 21000,
    lines: [
      { user: '1000', password: 'pass1000' },
      { user: '3000', password: 'pass3000' },
    ],
    // appended to the last line (line 2): a hotline
    extraYaml: ['    features:', `      hotline: "${HOTLINE}"`].join('\n'),
  });
  rig = await RigClient.connect('127.0.0.1', fw.rigPorts[0]!);
  rig2 = await RigClient.connect('127.0.0.1', fw.rigPorts[1]!);
  await waitStatus(rig, 'reg', 'registered', 15000);
  await waitStatus(rig2, 'reg', 'registered', 15000);
}

e2e.after.each(async () => {
  // whatever happened, leave both phones on-hook for the next test
  await rig?.send('HOOK ON').catch(() => '');
  await rig2?.send('HOOK ON').catch(() => '');
  // on-hook for less than the flash window (900 ms on the US profile) would be a hook flash
  await sleep(1200);
});

e2e.after(async () => {
  if (process.env['TIPRING_E2E_FW_LOG']) writeFileSync(process.env['TIPRING_E2E_FW_LOG'], fw?.proc.output() ?? '');
  await rig?.close();
  await rig2?.close();
  for (const p of peers) {
    try {
      await p.close();
    } catch {
      // already closed
    }
  }
  await stopAll();
});

e2e('digit map: 911 goes to the gateway at once, without waiting for the inter-digit timer', async () => {
  const gw = gateway('uas_ring_cancel.xml');
  try {
    await sleep(300);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    assert.match(await rig.send('DIAL 911'), /^OK/);
    const ms = await until('INVITE 911 at the gateway', () => /INVITE sip:911@/.test(gw.messages()), 4000);
    assert.ok(ms < 1500, `911 took ${ms} ms after the last digit (the inter-digit timer is 4000 ms)`);
    await waitStatus(rig, 'line', 'calling', 2000);
    assert.match(await rig.send('HOOK ON'), /^OK/);
    await finished(gw, 'gateway (ring, cancel)');
  } finally {
    await gw.proc.stop();
  }
});

e2e('pulse dialling: PULSE 5551234 reaches the gateway as 5551234', async () => {
  const gw = gateway('uas_ring_cancel.xml');
  try {
    await sleep(300);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    await sleep(500);
    assert.match(await rig.send('PULSE 5551234 10 50', 20000), /^OK pulsed=5551234/);
    await until('INVITE 5551234 at the gateway', () => /INVITE sip:5551234@/.test(gw.messages()), 8000);
    assert.match(await rig.send('HOOK ON'), /^OK/);
    await finished(gw, 'gateway (ring, cancel)');
  } finally {
    await gw.proc.stop();
  }
});

e2e('DND: *78 switches it on (confirmation, stutter dial tone); a caller gets 486 and the phone does not ring; *79 off', async () => {
  assert.match(await rig.send('HOOK OFF'), /^OK/);
  assert.match(await rig.send('DIAL *78'), /^OK/);
  await waitStatus(rig, 'dnd', '1', 3000);
  await waitStatus(rig, 'line', 'dialtone', 4000);
  const stutter = parseReply(await rig.send('LISTEN 600'));
  assert.ok(near(toneOf(stutter), [350, 440]), `stutter dial tone: ${JSON.stringify(stutter)}`);
  assert.ok(stutter['cadence'], `the dial tone should stutter while DND is on: ${JSON.stringify(stutter)}`);
  await hangUp(rig);

  const c = await caller('uac_call_rejected.xml', 16081);
  await finished(c, 'caller');
  assert.match(c.messages(), /SIP\/2.0 486 /);
  assert.is(parseReply(await rig.send('RING?'))['ringing'], '0');

  assert.match(await rig.send('HOOK OFF'), /^OK/);
  assert.match(await rig.send('DIAL *79'), /^OK/);
  await waitStatus(rig, 'dnd', '0', 3000);
  assert.match(await rig.send('HOOK ON'), /^OK/);
});

e2e('forwarding: *72 5550000 # forwards every call (the caller gets 302 to 5550000); *73 cancels', async () => {
  assert.match(await rig.send('HOOK OFF'), /^OK/);
  assert.match(await rig.send('DIAL *725550000#'), /^OK/);
  await waitStatus(rig, 'fwd', '5550000', 3000);
  await hangUp(rig);

  const c = await caller('uac_call_rejected.xml', 16082);
  await finished(c, 'caller');
  const log = c.messages();
  assert.match(log, /SIP\/2.0 302 /);
  assert.match(log, /Contact: <sip:5550000@/);
  assert.is(parseReply(await rig.send('RING?'))['ringing'], '0');

  assert.match(await rig.send('HOOK OFF'), /^OK/);
  assert.match(await rig.send('DIAL *73'), /^OK/);
  await waitStatus(rig, 'fwd', '-', 3000);
  assert.match(await rig.send('HOOK ON'), /^OK/);
});

e2e('hotline (line 2): lifting the handset dials the hotline number at once', async () => {
  const gw = gateway('uas_ring_cancel.xml');
  try {
    await sleep(300);
    assert.match(await rig2.send('HOOK OFF'), /^OK/);
    const ms = await until(`INVITE ${HOTLINE} at the gateway`, () => new RegExp(`INVITE sip:${HOTLINE}@`).test(gw.messages()), 3000);
    assert.ok(ms < 2000, `hotline took ${ms} ms`);
    assert.match(await rig2.send('HOOK ON'), /^OK/);
    await finished(gw, 'gateway (ring, cancel)');
  } finally {
    await gw.proc.stop();
  }
});

e2e('call waiting: a second caller gives the call-waiting tone; FLASH holds the first (sendonly) and answers; on-hook rings back; off-hook resumes', async () => {
  const a = await caller('uac_call_ata_hold.xml', 16083);
  let b: SippRun | undefined;
  try {
    await rig.waitEvent(/EVT RING START/, 10000);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    await waitStatus(rig, 'line', 'connected', 3000);
    await sleep(300);

    b = await caller('uac_call_ata.xml', 16084);
    // the US call-waiting tone is one 300 ms burst of 440 Hz (then 10 s quiet): listen in short windows
    let heard: Record<string, string> = {};
    const end = Date.now() + 8000;
    while (Date.now() < end && !near(toneOf(heard), [440])) heard = parseReply(await rig.send('LISTEN 100'));
    assert.ok(near(toneOf(heard), [440]), `call-waiting tone (440 Hz): ${JSON.stringify(heard)}`);
    assert.is(parseReply(await rig.send('RING?'))['ringing'], '0', 'the bell does not ring for a waiting call');

    assert.match(await rig.send('FLASH'), /^OK/);
    await until('the hold re-INVITE (sendonly)', () => /a=sendonly/.test(a.messages()), 5000);
    await waitStatus(rig, 'held', '1', 3000);

    await hangUp(rig);
    await finished(b, 'second caller (answered, then BYE from the ATA)');
    await rig.waitEvent(/EVT RING START/, 5000);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    await until('the resume re-INVITE (sendrecv)', () => /a=sendrecv[\s\S]*a=sendrecv[\s\S]*a=sendrecv/.test(a.messages()), 5000);
    await waitStatus(rig, 'line', 'connected', 3000);
    assert.match(await rig.send('HOOK ON'), /^OK/);
    await finished(a, 'first caller (held, resumed, BYE)');
    const log = a.messages();
    assert.ok(log.indexOf('a=sendonly') < log.lastIndexOf('a=sendrecv'), 'held before resumed');
  } finally {
    await a.proc.stop();
    await b?.proc.stop();
  }
});

e2e('blind transfer: FLASH, dial a number, hang up while it rings: the held party gets REFER to that number', async () => {
  const gw = gateway('uas_ring_cancel.xml');
  const a = await caller('uac_call_ata_refer.xml', 16085);
  try {
    await rig.waitEvent(/EVT RING START/, 10000);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    await waitStatus(rig, 'line', 'connected', 3000);
    await sleep(300);
    assert.match(await rig.send('FLASH'), /^OK/);
    await until('the hold re-INVITE (sendonly)', () => /a=sendonly/.test(a.messages()), 5000);
    const dial = parseReply(await rig.send('LISTEN 400'));
    assert.ok(near(toneOf(dial), [350, 440]), `consultation dial tone: ${JSON.stringify(dial)}`);
    assert.match(await rig.send('DIAL 5551234#'), /^OK/);
    await until('the consultation call at the gateway', () => /SIP\/2.0 180 Ringing/.test(gw.messages()), 5000);
    assert.match(await rig.send('HOOK ON'), /^OK/);
    await finished(a, 'transferee (REFER, NOTIFY, BYE)');
    assert.match(a.messages(), /Refer-To: *<?sip:5551234@/i);
    await finished(gw, 'gateway (consultation call cancelled)');
  } finally {
    await a.proc.stop();
    await gw.proc.stop();
  }
});

e2e('attended transfer: FLASH, dial, the third party answers, hang up: REFER with Replaces to the held party', async () => {
  const gwMedia = await rtpPeer();
  const gw = gateway('uas_gateway.xml', gwMedia);
  const a = await caller('uac_call_ata_refer.xml', 16088);
  try {
    await rig.waitEvent(/EVT RING START/, 10000);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    await waitStatus(rig, 'line', 'connected', 3000);
    await sleep(300);
    assert.match(await rig.send('FLASH'), /^OK/);
    await until('the hold re-INVITE (sendonly)', () => /a=sendonly/.test(a.messages()), 5000);
    assert.match(await rig.send('DIAL 5551234#'), /^OK/);
    await waitStatus(rig, 'line', 'connected', 6000); // the third party answered
    assert.match(await rig.send('HOOK ON'), /^OK/);
    await finished(a, 'transferee (REFER with Replaces, NOTIFY, BYE)');
    assert.match(a.messages(), /Refer-To: *<?sip:5551234@[^\r\n]*Replaces=/i);
    await finished(gw, 'gateway (answered, then BYE)');
  } finally {
    await a.proc.stop();
    await gw.proc.stop();
  }
});

e2e('distinctive ring: Alert-Info Bellcore-dr2 rings long-long (800 ms on, 400 ms off)', async () => {
  const media = await rtpPeer();
  const c = startSipp('uac_call_ata_alert.xml', [
    `127.0.0.1:${KAM}`, '-s', '1000', '-key', 'caller', '2000', '-key', 'rtp_port', String(media.port), '-key', 'alert', '<http://127.0.0.1/Bellcore-dr2>',
    '-au', '2000', '-ap', 'pass2000', '-i', '127.0.0.1', '-p', '16087', '-m', '1',
  ], 60);
  try {
    await rig.waitEvent(/EVT RING START/, 10000);
    await rig.waitEvent(/EVT RING STOP/, 3000);
    await rig.waitEvent(/EVT RING START/, 3000);
    const ring = parseReply(await rig.send('RING?'));
    const [on, off] = (ring['cadence'] ?? '0/0').split('/').map(Number);
    assert.ok(Math.abs(on! - 800) <= 60 && Math.abs(off! - 400) <= 60, `cadence ${ring['cadence']}`);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    await waitStatus(rig, 'line', 'connected', 3000);
    assert.match(await rig.send('HOOK ON'), /^OK/);
    await finished(c, 'caller with Alert-Info');
  } finally {
    await c.proc.stop();
  }
});

e2e('three-way: FLASH, dial, the third party answers, FLASH again: both far ends are mixed locally', async () => {
  const gwMedia = await rtpPeer();
  const gw = gateway('uas_gateway.xml', gwMedia);
  // the first caller is held (sendonly) for the consultation, resumed (sendrecv) in the conference
  const { run: a, media: aMedia } = await callerWithMedia('uac_call_ata_hold.xml', 16086);
  try {
    await rig.waitEvent(/EVT RING START/, 10000);
    assert.match(await rig.send('HOOK OFF'), /^OK/);
    await waitStatus(rig, 'line', 'connected', 3000);
    await until('RTP from the ATA to the first caller', () => aMedia.packetsReceived > 0, 3000);
    assert.match(await rig.send('FLASH'), /^OK/);
    await until('the hold re-INVITE (sendonly)', () => /a=sendonly/.test(a.messages()), 5000);
    assert.match(await rig.send('DIAL 5551234#'), /^OK/);
    await waitStatus(rig, 'line', 'connected', 6000); // the gateway answered the consultation call
    assert.match(await rig.send('FLASH'), /^OK/);
    await waitStatus(rig, 'line', 'conference', 3000);
    await waitStatus(rig, 'streams', '2', 3000);
    // the first caller speaks (1 kHz): the third party must hear it through the adapter's mixer
    const source = (aMedia as unknown as { received: Array<{ from: string }> }).received[0]!.from.split(':');
    aMedia.sendTone(source[0]!, Number(source[1]), [1000], 8);
    gwMedia.clearReceived();
    await sleep(700);
    const heard = gwMedia.analyseReceived(500);
    aMedia.stopSending();
    assert.ok(near(heard.frequencies, [1000], 5), `the third party should hear the first caller: ${JSON.stringify(heard)}`);
    // the gateway hangs up after 4 s: the conference falls back to a two-party call
    await finished(gw, 'gateway (answered, then BYE)');
    await waitStatus(rig, 'line', 'connected', 3000);
    assert.match(await rig.send('HOOK ON'), /^OK/);
    await finished(a, 'first caller (held, resumed in the conference, BYE)');
  } finally {
    await a.proc.stop();
    await gw.proc.stop();
  }
});

e2e.run();
