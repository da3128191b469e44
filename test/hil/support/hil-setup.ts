/**
 * What the HIL suite runs against, from the environment (scripts/hil.mjs sets it from its options):
 *
 *   TIPRING_HIL_RIG=/dev/ttyACM0   a rig fixture on a serial port, in front of a real board whose
 *                                  firmware registers (user 1000 / pass1000, domain lab.test) to the
 *                                  Kamailio this suite starts on TIPRING_HIL_SIP_HOST:15860
 *   (unset)                        the sim board: Kamailio + the firmware (sim board, rig on TCP)
 *                                  + socat exposing the rig on a pseudo-terminal
 *   TIPRING_HIL_FIRMWARE=arm64     with the sim board: run the cross-built firmware
 *                                  (out/linux-arm64, scripts/build-arm64.sh) under qemu-user
 *   TIPRING_HIL_BAUD               serial speed (default 115200)
 *   TIPRING_HIL_SIP_HOST           address Kamailio and SIPp bind to (default 127.0.0.1)
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { firmwareConfig, startFirmware } from '../../e2e/support/firmware.js';
import { startKamailio } from '../../e2e/support/kamailio.js';
import { repoRoot } from '../../e2e/support/paths.js';
import { spawnProc } from '../../e2e/support/processes.js';
import type { Proc } from '../../e2e/support/processes.js';
import { startPtyBridge } from './pty-bridge.js';

export const PORTS = { kamailio: 15860, firmwareSip: 15870, caller: 15881, gateway: 15890, rig: 17801, rtpMin: 28000 } as const;

export interface HilSetup {
  /** What is being tested, for the suite title. */
  description: string;
  /** The serial device of the rig. */
  rigPath: string;
  baudRate: number;
  /** Where Kamailio, SIPp and the test's RTP endpoint listen. */
  sipHost: string;
  kamailio: Proc;
  /** The firmware process when this suite started it (sim board); its log is diagnostic only. */
  firmware?: Proc;
}

function env(name: string): string | undefined {
  const v = process.env[name]?.trim();
  return v ? v : undefined;
}

/** Where scripts/build-arm64.sh leaves the arm64 tree (TIPRING_HIL_ARM64_OUT overrides). */
export function arm64OutDir(): string {
  return env('TIPRING_HIL_ARM64_OUT') ?? path.join(repoRoot(), 'out/linux-arm64');
}

/** The firmware for the sim board as a cross-built arm64 tree running under qemu-user. */
async function startArm64Firmware(): Promise<Proc> {
  const root = repoRoot();
  const out = arm64OutDir();
  if (!existsSync(path.join(out, 'dist/firmware/cli.js'))) throw new Error(`no arm64 build in ${out}: run scripts/build-arm64.sh`);
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-hil-fw-'));
  const config = path.join(dir, 'tipring.yaml');
  writeFileSync(config, firmwareConfig({ sipPort: PORTS.firmwareSip, registrarPort: PORTS.kamailio, rigBasePort: PORTS.rig, rtpMin: PORTS.rtpMin }), { mode: 0o600 });
  const proc = spawnProc('tipring-arm64', 'bash', [path.join(root, 'scripts/cross/qemu-node.sh'), '--arch', 'arm64', 'dist/firmware/cli.js', 'run', '--config', config], { cwd: out });
  await proc.waitFor(/rig listening line=1 endpoint=tcp:\/\/[\d.]+:(\d+)/, 180_000);
  return proc;
}

/**
 * Kamailio on a non-loopback address, for a real board on the LAN. (startKamailio always binds
 * 127.0.0.1 and Kamailio refuses a second LISTEN_ADDR define, hence this variant.)
 */
async function startKamailioOn(host: string): Promise<Proc> {
  const dir = path.join(repoRoot(), 'test/peers/kamailio');
  const proc = spawnProc('kamailio', 'kamailio', [
    '-f', path.join(dir, 'kamailio.cfg'),
    '-A', `DBURL="text://${path.join(dir, 'dbtext')}"`,
    '-A', `LISTEN_ADDR=udp:${host}:${PORTS.kamailio}`,
    '-A', `GATEWAY_ADDR="sip:${host}:${PORTS.gateway}"`,
    '-A', 'WITH_CALLER_AUTH',
    '-Y', mkdtempSync(path.join(tmpdir(), 'kam-')), '-DD', '-E', '-m', '64', '-M', '8',
  ]);
  await proc.waitFor(/INFO: <core> \[core\/udp_server\.c|Listening on|listening on|probe_max_receive_buffer/i, 10_000);
  return proc;
}

export interface HilOptions {
  /** A rig fixture's serial device; default TIPRING_HIL_RIG; none = the sim board. */
  rig?: string;
  /** Which firmware runs the sim board; default TIPRING_HIL_FIRMWARE (or 'host'). */
  firmware?: 'host' | 'arm64';
}

export async function startHil(o: HilOptions = {}): Promise<HilSetup> {
  const baudRate = Number(env('TIPRING_HIL_BAUD') ?? 115200);
  const sipHost = env('TIPRING_HIL_SIP_HOST') ?? '127.0.0.1';
  const kamailio = sipHost === '127.0.0.1' ? await startKamailio({ port: PORTS.kamailio, gateway: `sip:${sipHost}:${PORTS.gateway}`, callerAuth: true }) : await startKamailioOn(sipHost);
  const rig = o.rig ?? env('TIPRING_HIL_RIG');
  if (rig) {
    return { description: `real rig on ${rig}`, rigPath: rig, baudRate, sipHost, kamailio };
  }
  const arm64 = (o.firmware ?? env('TIPRING_HIL_FIRMWARE')) === 'arm64';
  let firmware: Proc;
  let rigPort: number = PORTS.rig;
  if (arm64) firmware = await startArm64Firmware();
  else {
    const fw = await startFirmware({ sipPort: PORTS.firmwareSip, registrarPort: PORTS.kamailio, rigBasePort: PORTS.rig, rtpMin: PORTS.rtpMin });
    firmware = fw.proc;
    rigPort = fw.rigPorts[0] ?? PORTS.rig;
  }
  const bridge = await startPtyBridge('127.0.0.1', rigPort);
  return {
    description: `sim board${arm64 ? ' (arm64 build under qemu-user)' : ''}, rig through a socat pty`,
    rigPath: bridge.path,
    baudRate,
    sipHost,
    kamailio,
    firmware,
  };
}
