/**
 * The arm64 build on an emulated CPU: scripts/build-arm64.sh cross-builds the firmware (native
 * addons with Debian's aarch64 cross compiler), Debian trixie's arm64 Node.js 20 runs it under
 * qemu-user (scripts/cross/qemu-node.sh; sysroot cached in .cache/), on the sim board, and a smoke
 * call goes over the rig on a pseudo-terminal: register to Kamailio, off-hook dial tone, DIAL to
 * the SIPp gateway answered. About 3 minutes on a cold cache (build ~75 s, sysroot ~45 s, qemu boot ~30 s).
 *
 * Skipped (visibly) when qemu-user or the cross compiler is missing, when TIPRING_ARM64_SMOKE=0,
 * on a real rig, and when the whole HIL suite already runs on the arm64 build (npm run hil -- --arm64).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RigSerialClient } from '../../hal/rig/rig-serial-client.js';
import { SerialportSerial } from '../../hal/real/serial-serialport.js';
import { repoRoot } from '../e2e/support/paths.js';
import { stopAll } from '../e2e/support/processes.js';
import { checkDialTone, checkGatewayCall, checkRegistered, ok } from './support/checks.js';
import { arm64OutDir, startHil } from './support/hil-setup.js';
import type { HilSetup } from './support/hil-setup.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function skipReason(): string | undefined {
  if (process.env['TIPRING_ARM64_SMOKE'] === '0') return 'TIPRING_ARM64_SMOKE=0';
  if (process.env['TIPRING_HIL_RIG']) return 'a real rig is under test';
  if (process.env['TIPRING_HIL_FIRMWARE'] === 'arm64') return 'the whole HIL suite runs on the arm64 build in this run';
  if (!has('qemu-aarch64')) return 'qemu-aarch64 not installed (apt-get install qemu-user)';
  if (!has('aarch64-linux-gnu-g++')) return 'aarch64-linux-gnu-g++ not installed (apt-get install g++-aarch64-linux-gnu)';
  return undefined;
}

/** The arm64 tree is older than the host build (or missing). */
function stale(out: string): boolean {
  const info = path.join(out, 'BUILD-INFO.json');
  const cli = path.join(repoRoot(), 'dist/firmware/cli.js');
  if (!existsSync(info)) return true;
  return existsSync(cli) && statSync(cli).mtimeMs > statSync(info).mtimeMs;
}

const reason = skipReason();
const smoke = suite('arm64 build under qemu-user: boots on the sim board and makes a call');
if (reason) {
  smoke.skip(`arm64 smoke: ${reason}`, () => {});
  console.log(`  (skipped) arm64 smoke: ${reason}`);
} else {
  let setup: HilSetup;
  let rig: RigSerialClient;
  smoke.before(async () => {
    const out = arm64OutDir();
    if (stale(out)) {
      const t0 = Date.now();
      const r = spawnSync('bash', [path.join(repoRoot(), 'scripts/build-arm64.sh'), '--out', out], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`scripts/build-arm64.sh failed (${r.status}):\n${(r.stdout + r.stderr).slice(-4000)}`);
      console.log(`  arm64 build: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    const t1 = Date.now();
    setup = await startHil({ firmware: 'arm64' });
    console.log(`  arm64 firmware up under qemu in ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    rig = await RigSerialClient.open(new SerialportSerial(), setup.rigPath);
    await ok(rig, 'HOOK ON');
  });
  smoke.after(async () => {
    await rig?.close().catch(() => {});
    await stopAll();
  });

  smoke('the emulated arm64 firmware is really arm64 and registers with Kamailio', async () => {
    assert.match(setup.firmware?.output() ?? '', /rig listening line=1/);
    const probe = spawnSync('bash', [path.join(repoRoot(), 'scripts/cross/qemu-node.sh'), '-p', 'process.arch + " " + process.versions.modules'], { encoding: 'utf8' });
    assert.is(probe.stdout.trim(), 'arm64 115', `qemu node: ${probe.stdout}${probe.stderr}`);
    await checkRegistered(rig, setup, 90_000);
  });

  smoke('off-hook: dial tone', async () => {
    await checkDialTone(rig);
    await ok(rig, 'HOOK ON');
  });

  smoke('DTMF dial to the SIPp gateway is answered', async () => {
    await checkGatewayCall(rig, setup, 3);
  });
}
smoke.run();
