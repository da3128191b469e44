/**
 * HIL checks shared by the HIL suite (rig.test.ts) and the arm64 smoke test: each one drives the
 * phone through the rig only, and leaves it on-hook.
 */
import * as assert from 'uvu/assert';
import type { RigLineClient } from '../../../hal/rig/rig-line-client.js';
import { sleep } from '../../e2e/support/processes.js';
import { near, parseReply, toneOf } from '../../e2e/support/rig.js';
import { RtpPeer } from '../../e2e/support/rtp-peer.js';
import { startSipp } from '../../e2e/support/sipp.js';
import { PORTS } from './hil-setup.js';
import type { HilSetup } from './hil-setup.js';

export async function ok(rig: RigLineClient, cmd: string): Promise<Record<string, string>> {
  const reply = await rig.send(cmd);
  assert.match(reply, /^OK/, `${cmd} -> ${reply}`);
  return parseReply(reply);
}

/** Poll STATUS until `key` = `value`. */
export async function untilStatus(rig: RigLineClient, key: string, value: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: Record<string, string> = {};
  while (Date.now() < end) {
    last = await ok(rig, 'STATUS');
    if (last[key] === value) return;
    await sleep(200);
  }
  assert.unreachable(`STATUS ${key} never became ${value}; last: ${JSON.stringify(last)}`);
}

/** Registration: the firmware's own state when the rig reports it (sim board), else Kamailio's log. */
export async function checkRegistered(rig: RigLineClient, setup: HilSetup, timeoutMs: number): Promise<void> {
  const status = await ok(rig, 'STATUS');
  if ('reg' in status) await untilStatus(rig, 'reg', 'registered', timeoutMs);
  else {
    // a hardware rig does not know the firmware's state: Kamailio's log shows the REGISTER and its retry
    const end = Date.now() + timeoutMs;
    while ((setup.kamailio.output().match(/REQ REGISTER/g) ?? []).length < 2 && Date.now() < end) await sleep(200);
  }
  const registers = setup.kamailio.output().match(/REQ REGISTER/g) ?? [];
  assert.ok(registers.length >= 2, `a challenged REGISTER and its retry reached Kamailio (saw ${registers.length})`);
}

/** Off-hook: US dial tone at a sane level. Leaves the phone off-hook. */
export async function checkDialTone(rig: RigLineClient): Promise<void> {
  assert.is((await ok(rig, 'HOOK OFF'))['hook'], 'off');
  const dial = await ok(rig, 'LISTEN 600');
  assert.ok(near(toneOf(dial), [350, 440]), `dial tone: ${JSON.stringify(dial)}`);
  const level = Number(dial['level']);
  assert.ok(level > -25 && level < -5, `dial tone level ${level} dBm0`);
}

/**
 * Dial 5551234# from the keypad to the SIPp gateway behind Kamailio: ringback, then the answer
 * (the ATA's RTP reaches the far end, and the far end's 1 kHz tone reaches the earpiece), and
 * the gateway saw the dialled number. `slow` scales the waits (emulated CPUs).
 */
export async function checkGatewayCall(rig: RigLineClient, setup: HilSetup, slow = 1): Promise<void> {
  const media = new RtpPeer();
  await media.open();
  const gw = startSipp('uas_gateway.xml', ['-key', 'rtp_port', String(media.port), '-key', 'hold_ms', String(4000 * slow), '-i', setup.sipHost, '-p', String(PORTS.gateway), '-m', '1']);
  try {
    await sleep(300);
    await checkDialTone(rig);
    assert.is((await ok(rig, 'DIAL 5551234#'))['dialed'], '5551234#');
    const ringback = await ok(rig, 'LISTEN 800');
    assert.ok(near(toneOf(ringback), [440, 480]), `ringback: ${JSON.stringify(ringback)}`);
    if (setup.sipHost === '127.0.0.1') {
      const end = Date.now() + 6000 * slow;
      while (media.packetsReceived === 0 && Date.now() < end) await sleep(20);
      assert.ok(media.packetsReceived > 0, 'the ATA sends RTP once the gateway answered');
      const from = (media as unknown as { received: Array<{ from: string }> }).received[0]!.from.split(':');
      media.sendTone(from[0]!, Number(from[1]), [1000], 0);
      await sleep(300);
      const heard = await ok(rig, 'LISTEN 600');
      assert.ok(near(toneOf(heard), [1000], 3), `the earpiece hears the gateway: ${JSON.stringify(heard)}`);
    } else {
      // A board on the LAN cannot reach the test's RTP endpoint (it binds loopback): the answer
      // shows as the end of ringback (the gateway answers 1.5 s after ringing).
      await sleep(1500 * slow);
      const after = await ok(rig, 'LISTEN 600');
      assert.not.ok(near(toneOf(after), [440, 480]), `ringback stopped after the answer: ${JSON.stringify(after)}`);
    }
    await ok(rig, 'HOOK ON');
    assert.is(await gw.done, 0, `sipp gateway failed:\n${gw.proc.output().slice(-2000)}`);
    assert.match(gw.messages(), /INVITE sip:5551234@/);
  } finally {
    await media.close();
    await gw.proc.stop();
    await rig.send('HOOK ON').catch(() => {});
  }
}
