/**
 * Overload and emergency (issue 8.5) through a real Kamailio that sheds load (503 + Retry-After,
 * emergency numbers exempt, see -A OVERLOADED in kamailio.cfg): after the 503 the
 * line refuses new ordinary calls locally (the user hears reorder and nothing is sent), while an
 * emergency number still goes out at once, with Resource-Priority.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio } from './support/kamailio.js';
import { startFirmware } from './support/firmware.js';
import { sleep, stopAll } from './support/processes.js';
import type { Proc } from './support/processes.js';
import { near, parseReply, RigClient, toneOf, waitStatus } from './support/rig.js';
import { startSipp } from './support/sipp.js';

const t = suite('e2e: 503 Retry-After spacing, emergency bypass');
let kam: Proc;
let rig: RigClient;

t.before(async () => {
  kam = await startKamailio({ port: 15660, gateway: 'sip:127.0.0.1:15690', callerAuth: true, extraDefines: ['OVERLOADED'] });
  const fw = await startFirmware({ sipPort: 15670, registrarPort: 15660, rigBasePort: 17601, rtpMin: 26000 });
  rig = await RigClient.connect('127.0.0.1', fw.rigPorts[0]!);
  await waitStatus(rig, 'reg', 'registered', 15000);
});
t.after(async () => {
  await rig?.close();
  await stopAll();
});

t('after a 503 Retry-After, the next ordinary call is refused locally; 911 still goes out with priority', async () => {
  const gw = startSipp('uas_gateway.xml', ['-key', 'rtp_port', '9', '-i', '127.0.0.1', '-p', '15690', '-m', '1'], 60);
  await sleep(300);
  const invitesTo = (n: string) => (kam.output().match(new RegExp(`REQ INVITE sip:${n}@`, 'g')) ?? []).length;

  assert.match(await rig.send('HOOK OFF'), /^OK/);
  await rig.send('DIAL 5551234#');
  await waitStatus(rig, 'line', 'ended', 8000);
  const first = parseReply(await rig.send('LISTEN 1000'));
  assert.ok(near(toneOf(first), [480, 620]), `after 503: ${JSON.stringify(first)}`);
  await rig.send('HOOK ON');
  const sentBefore = invitesTo('5551234');
  assert.ok(sentBefore >= 1);

  await sleep(1200); // longer than the 900 ms flash window: a real hang-up
  assert.match(await rig.send('HOOK OFF'), /^OK/);
  await rig.send('DIAL 5551234#');
  await waitStatus(rig, 'line', 'ended', 5000);
  const second = parseReply(await rig.send('LISTEN 600'));
  assert.ok(near(toneOf(second), [480, 620]), `second call: ${JSON.stringify(second)}`);
  await sleep(500);
  assert.is(invitesTo('5551234'), sentBefore, 'no INVITE may reach the overloaded provider within Retry-After');
  await rig.send('HOOK ON');

  await sleep(1200);
  assert.match(await rig.send('HOOK OFF'), /^OK/);
  await rig.send('DIAL 911#');
  // the gateway answers, holds 4 s and hangs up: wait for the end, then check it really was answered
  await waitStatus(rig, 'line', 'ended', 15000);
  assert.ok(invitesTo('911') >= 1, 'the emergency call went out despite the overload');
  await rig.send('HOOK ON');
  assert.is(await gw.done, 0, 'the gateway answered 911 (200, ACK, BYE)');
  const trace = gw.messages();
  assert.match(trace, /INVITE sip:911@/);
  assert.match(trace, /Resource-Priority: esnet\.1/);
});

t.run();
