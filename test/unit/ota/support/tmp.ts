import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const made: string[] = [];

/** A fresh temp directory, removed at process exit. */
export function tempDir(prefix = 'ota-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

process.on('exit', () => {
  if (process.env['OTA_KEEP_TMP']) return;
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** The repository root (the folder holding package.json), from source or from dist/. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found');
    dir = up;
  }
  return dir;
}
