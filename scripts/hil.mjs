#!/usr/bin/env node
// Runs the hardware-in-the-loop suite (test/hil/rig.test.ts, compiled to dist/test/hil).
//
//   npm run hil                          sim board: Kamailio + the firmware on the sim board + socat
//                                        exposing its rig on a pseudo-terminal (all started by the suite)
//   npm run hil -- --rig /dev/ttyACM0    a rig fixture on a serial port in front of a real board
//        [--baud 115200] [--sip-host 192.168.1.10]
//                                        Kamailio/SIPp bind --sip-host (the board registers there)
//   npm run hil -- --arm64               sim board, with the firmware cross-built for arm64
//                                        (scripts/build-arm64.sh, rebuilt when stale) under qemu-user
// Prints uvu's report; the exit code is uvu's.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const env = { ...process.env };
const usage = () => {
  console.error('usage: node scripts/hil.mjs [--rig DEVICE [--baud N] [--sip-host ADDR]] [--arm64]');
  process.exit(2);
};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => args[++i] ?? usage();
  if (a === '--rig') env.TIPRING_HIL_RIG = value();
  else if (a === '--baud') env.TIPRING_HIL_BAUD = value();
  else if (a === '--sip-host') env.TIPRING_HIL_SIP_HOST = value();
  else if (a === '--arm64') env.TIPRING_HIL_FIRMWARE = 'arm64';
  else if (a === '-h' || a === '--help') usage();
  else usage();
}
if (env.TIPRING_HIL_RIG && env.TIPRING_HIL_FIRMWARE === 'arm64') {
  console.error('hil: --arm64 runs the sim board; it cannot be combined with --rig');
  process.exit(2);
}
if (env.TIPRING_HIL_RIG && !existsSync(env.TIPRING_HIL_RIG)) {
  console.error(`hil: ${env.TIPRING_HIL_RIG} does not exist (is the fixture plugged in? ls /dev/serial/by-id)`);
  process.exit(2);
}
if (!existsSync(path.join(root, 'dist/test/hil/rig.test.js'))) {
  console.error('hil: dist/test/hil/rig.test.js missing: build first (npm run build)');
  process.exit(2);
}
if (env.TIPRING_HIL_FIRMWARE === 'arm64') {
  const out = env.TIPRING_HIL_ARM64_OUT ?? path.join(root, 'out/linux-arm64');
  const info = path.join(out, 'BUILD-INFO.json');
  const cli = path.join(root, 'dist/firmware/cli.js');
  if (!existsSync(info) || statSync(cli).mtimeMs > statSync(info).mtimeMs) {
    console.log('hil: building the arm64 tree (scripts/build-arm64.sh)');
    const r = spawnSync('bash', [path.join(root, 'scripts/build-arm64.sh'), '--out', out], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
const uvu = path.join(root, 'node_modules/uvu/bin.js');
const child = spawn(process.execPath, [uvu, 'dist/test/hil', 'rig\\.test\\.js$'], { cwd: root, env, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
