/** A device's TUF side for the tests: temp dirs, factory root from the simulator, a fetcher. */
import { writeFileSync, readlinkSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../../firmware/core/log.js';
import { TufHttpFetcher } from '../../../../firmware/ota/tuf-fetcher.js';
import { refreshTrusted } from '../../../../firmware/ota/tuf-client.js';
import type { RefreshedRepo } from '../../../../firmware/ota/tuf-client.js';
import type { RepoSim } from './repo-sim.js';
import { tempDir } from './tmp.js';

export interface TufDevice {
  root: string;
  tufDir: string;
  factoryRoot: string;
  clock: FakeClock;
  log: ReturnType<typeof memoryLogger>;
  refresh(at?: Date): Promise<RefreshedRepo>;
  /** The current generation's files, to compare before/after. */
  snapshotTrusted(): Record<string, string>;
}

export function tufDevice(sim: RepoSim, rootVersion = 1): TufDevice {
  const root = tempDir('dev-');
  const tufDir = join(root, 'tuf');
  const factoryRoot = join(root, 'factory-root.json');
  writeFileSync(factoryRoot, sim.rootFile(rootVersion));
  const clock = new FakeClock();
  const log = memoryLogger();
  const fetcher = new TufHttpFetcher({ clock, idleTimeoutMs: 5_000, totalTimeoutMs: 30_000, tempDir: root });
  return {
    root,
    tufDir,
    factoryRoot,
    clock,
    log,
    refresh: (at = sim.now) => refreshTrusted({ tufDir, factoryRoot, metadataBaseUrl: `${sim.url}/metadata`, fetcher, log }, at),
    snapshotTrusted() {
      const dir = join(tufDir, readlinkSync(join(tufDir, 'current')));
      const out: Record<string, string> = { current: readlinkSync(join(tufDir, 'current')) };
      for (const f of readdirSync(dir)) out[f] = readFileSync(join(dir, f), 'utf8');
      return out;
    },
  };
}
