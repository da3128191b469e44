/**
 * Secure by default, against real attack tools and peers on loopback: SIPVicious finds nothing,
 * an INVITE flood from many addresses never rings the phone, a foreign registration of our
 * account is alerted, and "authenticate incoming INVITE" works with a provider that answers the
 * challenge (Kamailio uac_auth), with a self-test telling a user whether theirs does.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { startKamailio } from './support/kamailio.js';
import { startFirmware } from './support/firmware.js';
import type { RunningFw } from './support/firmware.js';
import { repoRoot } from './support/paths.js';
import { runToEnd, sleep, stopAll } from './support/processes.js';
import type { Proc } from './support/processes.js';
import { parseReply, RigClient, waitStatus } from './support/rig.js';
import { startSipp } from './support/sipp.js';

const cli = () => path.join(repoRoot(), 'dist/firmware/cli.js');

// ---------------------------------------------------------------- default policy
const def = suite('e2e security: default policy');
let kam: Proc;
let fw: RunningFw;
let rig: RigClient;
const KAM = 15260;
const FW = 15270;

def.before(async () => {
  kam = await startKamailio({ port: KAM, callerAuth: true });
  fw = await startFirmware({ sipPort: FW, registrarPort: KAM, rigBasePort: 17201, rtpMin: 22000, expires: 40 });
  rig = await RigClient.connect('127.0.0.1', fw.rigPorts[0]!);
  await waitStatus(rig, 'reg', 'registered', 15000);
});
def.after(async () => {
  await rig?.close();
  await stopAll();
});

def('svmap finds the proxy but not the ATA', async () => {
  const control = await runToEnd('svmap', 'svmap', ['127.0.0.1', '-p', String(KAM)], 30000);
  assert.match(control.output, new RegExp(`127\\.0\\.0\\.1:${KAM}`), `svmap should find Kamailio (control):\n${control.output}`);
  const scan = await runToEnd('svmap', 'svmap', ['127.0.0.1', '-p', String(FW)], 30000);
  assert.not.match(scan.output, new RegExp(`127\\.0\\.0\\.1:${FW}`), `svmap found the ATA:\n${scan.output}`);
  assert.ok(Number(parseReply(await rig.send('STATUS'))['dropped']) > 0, 'the probe was dropped by the policy');
});

def('svwar enumerates nothing on the ATA (OPTIONS and INVITE)', async () => {
  for (const method of ['OPTIONS', 'INVITE']) {
    const scan = await runToEnd('svwar', 'svwar', ['--force', '-e', '999-1001', '-m', method, '127.0.0.1', '-p', String(FW)], 60000);
    assert.not.match(scan.output, /\|\s*1000\s*\|/, `svwar enumerated the ATA with ${method}:\n${scan.output}`);
  }
  const ring = parseReply(await rig.send('RING?'));
  assert.is(ring['ringing'], '0');
});

def('an INVITE flood from many source addresses never rings the phone, and the line stays usable', async () => {
  const before = Number(parseReply(await rig.send('STATUS'))['dropped']);
  let rang = false;
  const events = rig.waitEvent(/EVT RING START/, 9000).then(() => (rang = true), () => {});
  const floods = [2, 3, 4, 5, 6].map((n) =>
    startSipp('attacker_invite.xml', [`127.0.0.1:${FW}`, '-s', '1000', '-i', `127.0.0.${n}`, '-p', String(15280 + n), '-m', '10', '-r', '20', '-max_retrans', '2'], 60),
  );
  const codes = await Promise.all(floods.map((f) => f.done));
  await events;
  assert.not.ok(rang, 'the phone rang during the flood');
  assert.equal(codes, [0, 0, 0, 0, 0], 'every attacker INVITE was refused or ignored');
  const after = Number(parseReply(await rig.send('STATUS'))['dropped']);
  assert.ok(after - before >= 50, `dropped ${after - before} requests`);

  const caller = startSipp('uac_call_ata.xml', [`127.0.0.1:${KAM}`, '-s', '1000', '-key', 'caller', '2000', '-key', 'rtp_port', '9', '-au', '2000', '-ap', 'pass2000', '-i', '127.0.0.1', '-p', '15289', '-m', '1']);
  await rig.waitEvent(/EVT RING START/, 10000);
  assert.match(await rig.send('HOOK OFF'), /^OK/);
  await sleep(500);
  assert.match(await rig.send('HOOK ON'), /^OK/);
  assert.is(await caller.done, 0, caller.proc.output().slice(-1500));
});

def('a second registration of our account from another address is alerted within one refresh', async () => {
  const thief = startSipp('uac_register_auth.xml', [`127.0.0.1:${KAM}`, '-s', '1000', '-au', '1000', '-ap', 'pass1000', '-key', 'contact_port', '5099', '-key', 'expires', '600', '-i', '127.0.0.1', '-p', '15299', '-m', '1']);
  assert.is(await thief.done, 0, thief.proc.output().slice(-1500));
  // our registration (expires 40 s) refreshes within 20 s and sees the foreign binding
  await fw.proc.waitFor(/ALERT foreign-registration.*sip:1000@127\.0\.0\.1:5099/, 25000);
  assert.ok(Number(parseReply(await rig.send('STATUS'))['alerts']) >= 1);
});

def('self-test: the provider answers challenged INVITEs (Kamailio uac_auth) → PASS, and the phone never rings', async () => {
  let rang = false;
  const ringWatch = rig.waitEvent(/EVT RING START/, 8000).then(() => (rang = true), () => {});
  const r = await runToEnd('selftest', process.execPath, [cli(), 'selftest-invite-auth', '--config', fw.configPath], 60000);
  assert.is(r.code, 0, r.output);
  assert.match(r.output, /^PASS/m);
  assert.match(kam.output(), /answering 401 from UA with credentials/);
  await ringWatch;
  assert.not.ok(rang);
});

// ---------------------------------------------------------------- auth_incoming_invite on
const auth = suite('e2e security: authenticate incoming INVITE');
let fw2: RunningFw;
let rig2: RigClient;
const KAM2 = 15360;

auth.before(async () => {
  await startKamailio({ port: KAM2, callerAuth: true });
  fw2 = await startFirmware({
    sipPort: 15370, registrarPort: KAM2, rigBasePort: 17301, rtpMin: 23000,
    extraYaml: 'security:\n  auth_incoming_invite: true\n  trusted: ["127.0.0.1:15398"]\n',
  });
  rig2 = await RigClient.connect('127.0.0.1', fw2.rigPorts[0]!);
  await waitStatus(rig2, 'reg', 'registered', 15000);
});
auth.after(async () => {
  await rig2?.close();
  await stopAll();
});

auth('Kamailio answers the line\'s 401 and the call rings', async () => {
  const caller = startSipp('uac_call_ata.xml', [`127.0.0.1:${KAM2}`, '-s', '1000', '-key', 'caller', '2000', '-key', 'rtp_port', '9', '-au', '2000', '-ap', 'pass2000', '-i', '127.0.0.1', '-p', '15389', '-m', '1']);
  await rig2.waitEvent(/EVT RING START/, 10000);
  assert.match(await rig2.send('HOOK OFF'), /^OK/);
  await sleep(300);
  assert.match(await rig2.send('HOOK ON'), /^OK/);
  assert.is(await caller.done, 0, caller.proc.output().slice(-1500));
});

auth('the same INVITE without credentials (even from a trusted source) is challenged and never rings', async () => {
  let rang = false;
  const ringWatch = rig2.waitEvent(/EVT RING START/, 5000).then(() => (rang = true), () => {});
  const direct = startSipp('attacker_invite.xml', ['127.0.0.1:15370', '-s', '1000', '-i', '127.0.0.1', '-p', '15398', '-m', '1', '-max_retrans', '2']);
  assert.is(await direct.done, 0, direct.proc.output().slice(-1500));
  assert.match(direct.messages(), /SIP\/2\.0 401/);
  await ringWatch;
  assert.not.ok(rang);
});

// ---------------------------------------------------------------- a provider that cannot answer
const noauth = suite('e2e security: self-test with a provider that cannot answer challenges');
let fw3: RunningFw;

noauth.before(async () => {
  await startKamailio({ port: 15460, callerAuth: true, extraDefines: ['NO_UAC_AUTH'] });
  fw3 = await startFirmware({ sipPort: 15470, registrarPort: 15460, rigBasePort: 17401, rtpMin: 24000 });
  const r = await RigClient.connect('127.0.0.1', fw3.rigPorts[0]!);
  await waitStatus(r, 'reg', 'registered', 15000);
  await r.close();
});
noauth.after(stopAll);

noauth('self-test reports FAIL so the user keeps auth_incoming_invite off', async () => {
  const r = await runToEnd('selftest', process.execPath, [cli(), 'selftest-invite-auth', '--config', fw3.configPath], 60000);
  assert.is(r.code, 1, r.output);
  assert.match(r.output, /^FAIL/m);
});

// ---------------------------------------------------------------- control: protections off
const open = suite('e2e security: control — the same ATA with accept_from: any is enumerable');

open.before(async () => {
  await startKamailio({ port: 15560, callerAuth: true });
  const f = await startFirmware({ sipPort: 15570, registrarPort: 15560, rigBasePort: 17501, rtpMin: 25000, extraYaml: 'security:\n  accept_from: any\n' });
  const r = await RigClient.connect('127.0.0.1', f.rigPorts[0]!);
  await waitStatus(r, 'reg', 'registered', 15000);
  await r.close();
});
open.after(stopAll);

open('svwar with OPTIONS finds extension 1000 (so the tool works, and the default policy is what hides it)', async () => {
  const scan = await runToEnd('svwar', 'svwar', ['--force', '-e', '999-1001', '-m', 'OPTIONS', '127.0.0.1', '-p', '15570'], 60000);
  assert.match(scan.output, /\|\s*1000\s*\|/, `svwar should enumerate the unprotected ATA:\n${scan.output}`);
  assert.not.match(scan.output, /\|\s*999\s*\|/);
});

def.run();
open.run();
auth.run();
noauth.run();
