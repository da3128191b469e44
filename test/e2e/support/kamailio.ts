/** Start the lab Kamailio registrar/proxy (Debian package) on loopback for a test. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PEERS } from './paths.js';
import { spawnProc } from './processes.js';
import type { Proc } from './processes.js';

export interface KamailioOptions {
  port: number;
  gateway?: string; // e.g. sip:127.0.0.1:15090
  callerAuth?: boolean;
  extraDefines?: string[];
}

export async function startKamailio(o: KamailioOptions): Promise<Proc> {
  const dir = path.join(PEERS(), 'kamailio');
  const runDir = mkdtempSync(path.join(tmpdir(), 'kam-'));
  const args = [
    '-f', path.join(dir, 'kamailio.cfg'),
    '-A', `DBURL="text://${path.join(dir, 'dbtext')}"`,
    '-A', `LISTEN_ADDR=udp:127.0.0.1:${o.port}`,
    '-Y', runDir, '-DD', '-E', '-m', '64', '-M', '8',
  ];
  if (o.gateway) args.push('-A', `GATEWAY_ADDR="${o.gateway}"`);
  if (o.callerAuth) args.push('-A', 'WITH_CALLER_AUTH');
  for (const d of o.extraDefines ?? []) args.push('-A', d);
  const proc = spawnProc('kamailio', 'kamailio', args);
  await proc.waitFor(/INFO: <core> \[core\/udp_server\.c|Listening on|listening on/i, 10000).catch(async () => {
    await proc.waitFor(/probe_max_receive_buffer/, 5000);
  });
  return proc;
}
