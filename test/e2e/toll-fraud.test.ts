/**
 * Toll-fraud guard end to end (issue 8.3): a premium-rate number dialled from the handset is
 * refused before any INVITE leaves and alerted; the device-wide hourly limit refuses the call
 * over the limit; an emergency number still goes out, past every limit.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startKamailio } from './support/kamailio.js';
import { startFirmware } from './support/firmware.js';
import type { RunningFw } from './support/firmware.js';
import { sleep, stopAll } from './support/processes.js';
import type { Proc } from './support/processes.js';
import { near, parseReply, RigClient, toneOf, waitStatus } from './support/rig.js';

const t = suite('e2e: toll-fraud guard');
let kam: Proc;
let fw: RunningFw;
let rig: RigClient;

t.before(async () => {
  kam = await startKamailio({ port: 15960, callerAuth: true });
  fw = await startFirmware({
    sipPort: 15970, registrarPort: 15960, rigBasePort: 17901, rtpMin: 29000,
    extraYaml: 'security:\n  rate_limits:\n    max_calls_per_hour: 2\n',
  });
  rig = await RigClient.connect('127.0.0.1', fw.rigPorts[0]!);
  await waitStatus(rig, 'reg', 'registered', 15000);
});
t.after(async () => {
  await rig?.close();
  await stopAll();
});

const invitesTo = (n: string) => (kam.output().match(new RegExp(`REQ INVITE sip:${n}@`, 'g')) ?? []).length;

async function dial(number: string): Promise<void> {
  assert.match(await rig.send('HOOK OFF'), /^OK/);
  const dt = parseReply(await rig.send('LISTEN 300'));
  assert.ok(near(toneOf(dt), [350, 440]), `dial tone: ${JSON.stringify(dt)}`);
  assert.match(await rig.send(`DIAL ${number}`), /^OK/);
  await waitStatus(rig, 'line', 'ended', 8000);
}

async function hangUp(): Promise<void> {
  await rig.send('HOOK ON');
  await sleep(1200);
}

t('a premium-rate number is refused at the device: reorder, no INVITE, an alert', async () => {
  await dial('19005551234');
  const tone = parseReply(await rig.send('LISTEN 600'));
  assert.ok(near(toneOf(tone), [480, 620]), `reorder: ${JSON.stringify(tone)}`);
  await hangUp();
  assert.is(invitesTo('19005551234'), 0, 'nothing was sent to the provider');
  await fw.proc.waitFor(/toll-fraud-blocked.*19005551234/, 2000);
});

t('the hourly limit refuses the third call; 911 still goes out', async () => {
  for (let i = 0; i < 2; i++) {
    await dial('2125551234'); // an ordinary national number: Kamailio answers 404, the call counts
    await hangUp();
  }
  assert.ok(invitesTo('2125551234') >= 2);
  const before = invitesTo('2125551234');
  await dial('2125551234');
  await hangUp();
  assert.is(invitesTo('2125551234'), before, 'the call over the limit was not sent');
  await fw.proc.waitFor(/rate-limit/, 2000);

  assert.match(await rig.send('HOOK OFF'), /^OK/);
  await rig.send('LISTEN 300');
  await rig.send('DIAL 911');
  await sleep(1500);
  assert.ok(invitesTo('911') >= 1, 'the emergency call went out past the limit');
  await hangUp();
});

t.run();
