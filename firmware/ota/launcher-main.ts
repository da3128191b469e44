#!/usr/bin/env node
/**
 * systemd's ExecStart for tipring:
 *
 *   node /opt/tipring/bootstrap/dist/firmware/ota/launcher-main.js [--root /opt/tipring]
 *        [--config /etc/tipring/tipring.yaml] [-- extra firmware args]
 *
 * Runs `node <slot>/<entry> run --config FILE` from the slot the update state selects (see
 * launcher.ts) and exits with the firmware's status; systemd restarts it (Restart=always).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, lineSink } from '../core/log.js';
import { createSystemClock } from '../core/system-clock.js';
import { checkpointFromEnv } from './checkpoint.js';
import { runLauncher } from './launcher.js';
import { otaPaths } from './paths.js';

const USAGE = 'usage: launcher-main.js [--root /opt/tipring] [--config /etc/tipring/tipring.yaml] [--node PATH] [-- firmware args]\n';

export async function launcherMain(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { root: { type: 'string' }, config: { type: 'string' }, node: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
  } catch (e) {
    process.stderr.write(`tipring-launcher: ${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const root = values.root ?? process.env['TIPRING_OTA_ROOT'] ?? '/opt/tipring';
  const config = values.config ?? '/etc/tipring/tipring.yaml';
  const node = values.node ?? process.execPath;
  const log = createLogger(lineSink(), 'info', { part: 'launcher' });
  try {
    return await runLauncher({
      paths: otaPaths(root),
      clock: createSystemClock(),
      log,
      checkpoint: checkpointFromEnv(process.env, 'launcher'),
      command: (slotDir, plan) => ({ cmd: node, args: [join(slotDir, plan.entry), 'run', '--config', config, ...positionals] }),
    });
  } catch (e) {
    log.error('launcher failed', { error: e instanceof Error ? e.message : String(e) });
    return 1;
  }
}

function isEntry(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  process.exitCode = await launcherMain(process.argv.slice(2));
}
