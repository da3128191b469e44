/** Start the real firmware (`node dist/firmware/cli.js run`) with a generated config. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { spawnProc } from './processes.js';
import type { Proc } from './processes.js';

export interface FirmwareOptions {
  sipPort: number;
  registrarPort: number;
  rigBasePort: number;
  rtpMin?: number;
  lines?: Array<{ user: string; password: string }>;
  expires?: number;
  extraYaml?: string;
  srtp?: 'off' | 'optional' | 'required';
}

export interface RunningFw {
  proc: Proc;
  rigPorts: number[];
  configPath: string;
  controlSocket: string;
}

export function firmwareConfig(o: FirmwareOptions, controlSocket = '/tmp/tipring-test-control.sock'): string {
  const lines = o.lines ?? [{ user: '1000', password: 'pass1000' }];
  return [
    'board: sim',
    'log_level: debug',
    'sip:',
    '  bind: 127.0.0.1',
    `  port: ${o.sipPort}`,
    '  user_agent: tipring-test',
    'rtp:',
    `  port_min: ${o.rtpMin ?? 20000}`,
    `  port_max: ${(o.rtpMin ?? 20000) + 998}`,
    'rig:',
    '  enabled: true',
    '  host: 127.0.0.1',
    `  base_port: ${o.rigBasePort}`,
    `control_socket: ${controlSocket}`,
    'lines:',
    ...lines.flatMap((l) => [
      '  - profile: us',
      '    account:',
      `      registrar: 127.0.0.1:${o.registrarPort}`,
      '      domain: lab.test',
      `      user: "${l.user}"`,
      `      password: ${l.password}`,
      `      expires: ${o.expires ?? 300}`,
      '    dial_timeout_ms: 4000',
      ...(o.srtp ? [`    srtp: ${o.srtp}`] : []),
    ]),
    o.extraYaml ?? '',
  ].join('\n');
}

export async function startFirmware(o: FirmwareOptions): Promise<RunningFw> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-'));
  const configPath = path.join(dir, 'tipring.yaml');
  const controlSocket = path.join(dir, 'control.sock');
  writeFileSync(configPath, firmwareConfig(o, controlSocket), { mode: 0o600 });
  const proc = spawnProc('tipring', process.execPath, [path.join(repoRoot(), 'dist/firmware/cli.js'), 'run', '--config', configPath]);
  const n = (o.lines ?? [1]).length;
  const rigPorts: number[] = [];
  for (let i = 1; i <= n; i++) {
    const m = await proc.waitFor(new RegExp(`rig listening line=${i} endpoint=tcp://[\\d.]+:(\\d+)`), 15000);
    rigPorts.push(Number(m[1]));
  }
  await proc.waitFor(/control socket listening/, 15000);
  return { proc, rigPorts, configPath, controlSocket };
}
