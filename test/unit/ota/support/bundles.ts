/**
 * Small real bundles for the tests. Their "firmware" (dist/firmware/cli.js) is a stub that uses
 * the real health reporter from this repository's dist/ and behaves as told: healthy, crash at
 * start, registration failure, hang, or no network.
 */
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash, randomBytes } from 'node:crypto';
import { buildBundle, bundleTargetName } from '../../../../firmware/ota/bundle-build.js';
import { repoRoot, tempDir } from './tmp.js';

export type StubBehaviour = 'healthy' | 'crash' | 'no-register' | 'hang' | 'offline';

export interface TestBundle {
  path: string;
  name: string;
  data: Buffer;
  sha256: string;
  version: string;
  counter: number;
}

function stubScript(version: string, behaviour: StubBehaviour): string {
  const dist = (p: string) => pathToFileURL(join(repoRoot(), 'dist/firmware', p)).href;
  return `// stub firmware ${version} (${behaviour})
import { createHealthReporter } from ${JSON.stringify(dist('ota/health.js'))};
import { createSystemClock } from ${JSON.stringify(dist('core/system-clock.js'))};
import { createLogger, lineSink } from ${JSON.stringify(dist('core/log.js'))};
const behaviour = ${JSON.stringify(behaviour)};
let health;
process.on('SIGTERM', () => { health?.stop(); process.exit(0); });
const log = createLogger(lineSink(), 'info', { fw: ${JSON.stringify(version)} });
log.info('stub firmware started', { version: ${JSON.stringify(version)}, slot: process.env.TIPRING_SLOT, role: process.env.TIPRING_SLOT_ROLE });
if (behaviour === 'crash') { log.error('crash at start'); process.exit(1); }
const timings = JSON.parse(process.env.STUB_TIMINGS ?? '{"settleMs":50,"windowMs":400,"offlineWindowMs":900}');
health = createHealthReporter({ clock: createSystemClock(), log, timings, onRestartRequested: (why) => { log.warn('restart requested', { why }); process.exit(75); } });
health.markConfigLoaded();
health.markHalUp();
if (behaviour === 'hang') { log.info('hanging'); for (;;) {} }
if (behaviour === 'healthy') health.markRegistered();
if (behaviour === 'no-register') health.markRegistrationFailed('403 Forbidden from registrar');
if (behaviour === 'offline') health.markNetworkUnreachable();
const verdict = await health.settled;
log.info('health verdict', { verdict: JSON.stringify(verdict ?? null) });
setInterval(() => {}, 60_000);
`;
}

export async function makeBundle(opts: { version: string; counter: number; behaviour?: StubBehaviour; hardware?: string[]; arch?: string; board?: string; padBytes?: number }): Promise<TestBundle> {
  const tree = tempDir('tree-');
  mkdirSync(join(tree, 'dist/firmware'), { recursive: true });
  writeFileSync(join(tree, 'dist/firmware/cli.js'), stubScript(opts.version, opts.behaviour ?? 'healthy'));
  writeFileSync(join(tree, 'package.json'), JSON.stringify({ name: 'tipring', version: opts.version, type: 'module' }));
  if (opts.padBytes) writeFileSync(join(tree, 'dist/pad.bin'), randomBytes(opts.padBytes));
  const arch = opts.arch ?? process.arch;
  const name = bundleTargetName(opts.version, opts.board ?? 'sim', arch);
  const path = join(tempDir('bundle-'), name);
  await buildBundle(tree, { version: opts.version, releaseCounter: opts.counter, hardware: opts.hardware ?? ['sim'], arch, node: '>=20', entry: 'dist/firmware/cli.js' }, path);
  const data = readFileSync(path);
  return { path, name, data, sha256: createHash('sha256').update(data).digest('hex'), version: opts.version, counter: opts.counter };
}

export function customOf(b: TestBundle, override: Record<string, unknown> = {}): Record<string, unknown> {
  return { tipring: { version: b.version, releaseCounter: b.counter, hardware: ['sim'], arch: process.arch, node: '>=20', minBootstrap: 1, ...override } };
}
