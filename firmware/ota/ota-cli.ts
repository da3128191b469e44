#!/usr/bin/env node
/**
 * Runs the update subcommands without the main CLI (release hosts, scripts, tests):
 *   node dist/firmware/ota/ota-cli.js <keygen|bundle|release|rotate-root|refresh-timestamp|update|ota-init> [options]
 * Once wired into `tipring`, the same commands are `tipring <command>`.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { otaCommands } from './commands.js';

export async function otaCliMain(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const cmd = name ? otaCommands[name] : undefined;
  if (!cmd) {
    process.stderr.write(`usage: ota-cli <command> [options]\n${Object.entries(otaCommands).map(([n, c]) => `  ${n.padEnd(18)} ${c.summary}`).join('\n')}\n`);
    return name === undefined || name === 'help' || name === '--help' ? 0 : 2;
  }
  return cmd.run(rest);
}

function isEntry(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) {
  process.exitCode = await otaCliMain(process.argv.slice(2));
}
