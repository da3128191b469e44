// The release tooling (keygen, release, rotate-root, refresh-timestamp) checked by the real TUF
// client (tuf-js through our wrapper), served by a plain static HTTP server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { buildBundle } from '../../../firmware/ota/bundle-build.js';
import { TufHttpFetcher } from '../../../firmware/ota/tuf-fetcher.js';
import { refreshTrusted } from '../../../firmware/ota/tuf-client.js';
import { keygen, publishRelease, refreshTimestamp, rotateRoot, readRoles } from '../../../firmware/ota/repo/repository.js';
import { UpdateLocalError } from '../../../firmware/ota/errors.js';
import { serveDir } from './support/static-server.js';
import { tempDir } from './support/tmp.js';

const NOW = new Date(Date.UTC(2026, 0, 10));

async function bundle(version: string, counter: number): Promise<string> {
  const tree = tempDir('tree-');
  mkdirSync(join(tree, 'dist/firmware'), { recursive: true });
  writeFileSync(join(tree, 'dist/firmware/cli.js'), `// ${version}\n`);
  const out = join(tempDir('b-'), `tipring-${version}-sim-x64.tar.gz`);
  await buildBundle(tree, { version, releaseCounter: counter, hardware: ['sim'], arch: 'x64', node: '>=20', entry: 'dist/firmware/cli.js' }, out);
  return out;
}

function device(repo: string, url: string) {
  const root = tempDir('dev-');
  const factoryRoot = join(root, 'root.json');
  writeFileSync(factoryRoot, readFileSync(join(repo, 'metadata/1.root.json')));
  const fetcher = new TufHttpFetcher({ clock: new FakeClock(), idleTimeoutMs: 5000, totalTimeoutMs: 30000, tempDir: root });
  return (at = NOW) => refreshTrusted({ tufDir: join(root, 'tuf'), factoryRoot, metadataBaseUrl: `${url}/metadata`, fetcher, log: memoryLogger() }, at);
}

test('keygen → release → a device verifies the release with tuf-js', async () => {
  const keys = tempDir('keys-');
  const repo = tempDir('repo-');
  const roles = await keygen(keys);
  assert.is(roles.roles.root.threshold, 2);
  assert.is(roles.roles.root.keyids.length, 3);
  assert.is(statSync(join(keys, `${roles.roles.root.keyids[0]}.key`)).mode & 0o777, 0o600);
  const b = await bundle('1.0.0', 1);
  const r = await publishRelease(repo, [keys], b, 'tipring-1.0.0-sim-x64.tar.gz', NOW);
  const server = await serveDir(repo);
  try {
    const refresh = device(repo, server.url);
    const got = await refresh();
    const info = await got.targetInfo('tipring-1.0.0-sim-x64.tar.gz');
    assert.is(info?.hashes['sha256'], r.sha256);
    assert.equal((info?.custom as { tipring: { releaseCounter: number } }).tipring.releaseCounter, 1);
    // consistent snapshot: the target is stored under its hash
    assert.ok(statSync(join(repo, 'targets', `${r.sha256}.tipring-1.0.0-sim-x64.tar.gz`)).isFile());

    // A second release, then a timestamp refresh: the device follows.
    await publishRelease(repo, [keys], await bundle('1.1.0', 2), 'tipring-1.1.0-sim-x64.tar.gz', NOW);
    const ts = await refreshTimestamp(repo, [keys], NOW, { snapshot: true });
    const again = await refresh();
    assert.is(again.timestampVersion, ts.timestamp);
    assert.equal(again.targetNames.sort(), ['tipring-1.0.0-sim-x64.tar.gz', 'tipring-1.1.0-sim-x64.tar.gz']);

    // Expired timestamp: a device months later refuses until the host refreshes it.
    const later = new Date(NOW.getTime() + 20 * 86_400_000);
    try {
      await refresh(later);
      assert.unreachable('expired timestamp accepted');
    } catch (e) {
      assert.is((e as { reason?: string }).reason, 'expired');
    }
    await refreshTimestamp(repo, [keys], later);
    await refresh(later);
  } finally {
    await server.close();
  }
});

test('rotate-root: new timestamp key and new root keys; the device walks the chain', async () => {
  const keys = tempDir('keys-');
  const repo = tempDir('repo-');
  await keygen(keys);
  await publishRelease(repo, [keys], await bundle('1.0.0', 1), 'tipring-1.0.0-sim-x64.tar.gz', NOW);
  const server = await serveDir(repo);
  try {
    const refresh = device(repo, server.url);
    await refresh();
    const oldTs = (await readRoles(keys)).roles.timestamp.keyids[0];
    await keygen(keys, { counts: { root: 3, targets: 2, snapshot: 1, timestamp: 1 }, thresholds: { root: 2, targets: 1, snapshot: 1, timestamp: 1 } }, ['timestamp']);
    assert.is((await rotateRoot(repo, [keys], NOW)).version, 2);
    await keygen(keys, { counts: { root: 2, targets: 2, snapshot: 1, timestamp: 1 }, thresholds: { root: 2, targets: 1, snapshot: 1, timestamp: 1 } }, ['root']);
    assert.is((await rotateRoot(repo, [keys], NOW)).version, 3);
    const r = await refresh();
    assert.is(r.rootVersion, 3);
    const root3 = JSON.parse(readFileSync(join(repo, 'metadata/3.root.json'), 'utf8')) as { signed: { roles: { timestamp: { keyids: string[] } } } };
    assert.not.equal(root3.signed.roles.timestamp.keyids[0], oldTs);
    // A fresh device provisioned with root 1 walks 1 → 2 → 3 too.
    const r2 = await device(repo, server.url)();
    assert.is(r2.rootVersion, 3);
  } finally {
    await server.close();
  }
});

test('signing without enough keys is refused with a clear message', async () => {
  const keys = tempDir('keys-');
  const repo = tempDir('repo-');
  await keygen(keys);
  await publishRelease(repo, [keys], await bundle('1.0.0', 1), 'tipring-1.0.0-sim-x64.tar.gz', NOW);
  // The operator keeps root keys elsewhere: a directory with only the online keys.
  const online = tempDir('online-');
  const roles = await readRoles(keys);
  for (const id of [...roles.roles.targets.keyids, ...roles.roles.snapshot.keyids, ...roles.roles.timestamp.keyids]) {
    writeFileSync(join(online, `${id}.key`), readFileSync(join(keys, `${id}.key`)));
  }
  writeFileSync(join(online, 'roles.json'), readFileSync(join(keys, 'roles.json')));
  await publishRelease(repo, [online], await bundle('1.1.0', 2), 'tipring-1.1.0-sim-x64.tar.gz', NOW);
  try {
    await rotateRoot(repo, [online], NOW);
    assert.unreachable('rotated without root keys');
  } catch (e) {
    assert.instance(e, UpdateLocalError);
    assert.match((e as Error).message, /needs 2 of its 3 keys; 0 available/);
  }
  try {
    await publishRelease(repo, [online], await bundle('1.2.0', 3), '../escape.tar.gz', NOW);
    assert.unreachable('bad name accepted');
  } catch (e) {
    assert.match((e as Error).message, /plain file name/);
  }
});

test.run();
