// TUF metadata attacks against the wrapped tuf-js client (ota.md §6: T3–T6, T8, T10–T13, T17),
// plus the transactional generation swap and the injected reference time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readlinkSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateRejectedError } from '../../../firmware/ota/errors.js';
import { trustedMetadataLoads } from '../../../firmware/ota/tuf-client.js';
import { RepoSim, simKey, signEnvelope, bytesOf } from './support/repo-sim.js';
import type { Envelope } from './support/repo-sim.js';
import { tufDevice } from './support/device.js';

// A fixed past date: every expiry below is relative to it, so the real clock (years later) would
// find everything expired. Passing tests therefore also prove the reference time is injected.
const NOW = new Date(Date.UTC(2021, 5, 1));
const DAY = 86_400_000;
const sims: RepoSim[] = [];

async function repo(setup?: (s: RepoSim) => void): Promise<RepoSim> {
  const sim = new RepoSim(NOW);
  setup?.(sim);
  sim.publishRoot();
  sim.addTarget('tipring-1.0.0-sim-x64.tar.gz', { data: Buffer.from('bundle one') });
  sim.publish();
  await sim.start();
  sims.push(sim);
  return sim;
}

async function rejects(p: Promise<unknown>, reason: string, what = ''): Promise<UpdateRejectedError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, UpdateRejectedError, `${what}: ${String(e)}`);
    assert.is((e as UpdateRejectedError).reason, reason, `${what}: ${(e as Error).message}`);
    return e as UpdateRejectedError;
  }
  assert.unreachable(`${what}: accepted`);
  throw new Error('unreachable');
}

test.after(async () => {
  for (const s of sims) await s.stop();
});

test('baseline: a good repository refreshes; reference time is the injected one', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  const r = await dev.refresh();
  assert.equal(r.targetNames, ['tipring-1.0.0-sim-x64.tar.gz']);
  const info = await r.targetInfo('tipring-1.0.0-sim-x64.tar.gz');
  assert.is(info?.length, 'bundle one'.length);
  assert.is(r.rootVersion, 1);
  assert.ok((await trustedMetadataLoads(dev.tufDir)).ok);
  // Same metadata, checked years later: expired.
  await rejects(tufDevice(sim).refresh(new Date(NOW.getTime() + 400 * DAY)), 'expired', 'later');
});

test('T3 targets.json edited after signing: refused, trusted generation unchanged', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  await dev.refresh();
  const before = dev.snapshotTrusted();
  sim.addTarget('evil.tar.gz', { data: Buffer.from('evil') });
  sim.publish();
  const path = `/metadata/${sim.versions.targets}.targets.json`;
  const env = JSON.parse(sim.files.get(path)!.toString()) as Envelope;
  (env.signed['targets'] as Record<string, { length: number }>)['evil.tar.gz']!.length = 99;
  sim.files.set(path, bytesOf(env));
  await rejects(dev.refresh(), 'tampered', 'edited targets');
  assert.equal(dev.snapshotTrusted(), before);
});

test('T4 metadata signed by a key the root does not list: refused', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  await dev.refresh();
  sim.publish({ signers: { timestamp: [simKey()] } });
  await rejects(dev.refresh(), 'tampered', 'unknown timestamp key');
  sim.publish({ signers: { targets: [simKey()] } });
  await rejects(dev.refresh(), 'tampered', 'unknown targets key');
});

test('T5 threshold 2: one signature, or the same key twice, is refused', async () => {
  const k2 = simKey();
  const sim = await repo((s) => {
    s.keys.targets.push(k2);
    s.thresholds.targets = 2;
  });
  const dev = tufDevice(sim);
  await dev.refresh(); // both keys signed
  sim.publish({ signers: { targets: [sim.keys.targets[0]!] } });
  await rejects(dev.refresh(), 'tampered', 'one of two');
  sim.publish({ signers: { targets: [sim.keys.targets[0]!, sim.keys.targets[0]!] } });
  await rejects(dev.refresh(), 'tampered', 'same key twice');
  // Two different keyids for one and the same public key in the root: one key, counted once.
  const sim2 = new RepoSim(NOW);
  const k = sim2.keys.targets[0]!;
  sim2.thresholds.targets = 2;
  sim2.publishRoot((signed) => {
    const keys = signed['keys'] as Record<string, unknown>;
    keys['f'.repeat(64)] = keys[k.keyid];
    (signed['roles'] as Record<string, { keyids: string[] }>)['targets']!.keyids.push('f'.repeat(64));
  });
  sim2.versions.targets += 1;
  const t = sim2.targetsSigned();
  const env = signEnvelope(t, [k]);
  env.signatures.push({ keyid: 'f'.repeat(64), sig: env.signatures[0]!.sig });
  sim2.files.set(`/metadata/1.targets.json`, bytesOf(env));
  sim2.publishSnapshot(1);
  await sim2.start();
  sims.push(sim2);
  const dup = await rejects(tufDevice(sim2).refresh(), 'bad-metadata', 'duplicate key under two ids');
  assert.match(dup.message, /one public key under two key ids/);
});

test('T6 rollback: older timestamp, snapshot, targets version, or targets dropped', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  sim.publish();
  sim.publish();
  await dev.refresh(); // trusts timestamp 3, snapshot 3, targets 3
  const oldTimestamp = sim.files.get('/metadata/timestamp.json')!;
  sim.publish();
  await dev.refresh(); // 4
  const current = sim.files.get('/metadata/timestamp.json')!;
  sim.files.set('/metadata/timestamp.json', oldTimestamp);
  await rejects(dev.refresh(), 'rollback', 'older timestamp');
  sim.files.set('/metadata/timestamp.json', current);
  // New timestamp naming an older snapshot.
  sim.publishTimestamp(2);
  await rejects(dev.refresh(), 'rollback', 'older snapshot in timestamp');
  // New snapshot naming an older targets version.
  sim.publishSnapshot(2);
  await rejects(dev.refresh(), 'rollback', 'older targets in snapshot');
  // New snapshot without targets.json at all.
  sim.publishSnapshot(4, { mutate: { snapshot: (s) => (s['meta'] = {}) } });
  await rejects(dev.refresh(), 'rollback', 'targets dropped');
});

test('T8 freeze: each expired role, and an expired final root, are refused', async () => {
  for (const role of ['timestamp', 'snapshot', 'targets', 'root'] as const) {
    const sim = await repo((s) => (s.expires[role] = new Date(NOW.getTime() - DAY)));
    if (role === 'root') {
      // the factory root itself is expired: allowed to start from, but it is the final root
    }
    const dev = tufDevice(sim);
    await rejects(dev.refresh(), 'expired', role);
    assert.ok((await trustedMetadataLoads(dev.tufDir)).ok, 'still starts');
  }
});

test('T8 an expired intermediate root is fine when a newer one is valid', async () => {
  const sim = await repo((s) => (s.expires.root = new Date(NOW.getTime() - DAY)));
  sim.nextRoot();
  sim.expires.root = new Date(NOW.getTime() + 300 * DAY);
  sim.publishRoot();
  const r = await tufDevice(sim).refresh();
  assert.is(r.rootVersion, 2);
});

test('T10 mix-and-match: snapshot hash or version differs from the timestamp', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  await dev.refresh();
  sim.publish({ mutate: { timestamp: (t) => ((t['meta'] as Record<string, { hashes: { sha256: string } }>)['snapshot.json']!.hashes.sha256 = '0'.repeat(64)) } });
  await rejects(dev.refresh(), 'tampered', 'snapshot hash');
  // The timestamp names snapshot N+1, and N+1.snapshot.json holds (correctly hashed) version N.
  sim.publish();
  const n = sim.versions.snapshot;
  const bytes = sim.files.get(`/metadata/${n}.snapshot.json`)!;
  sim.files.set(`/metadata/${n + 1}.snapshot.json`, bytes);
  sim.versions.snapshot = n + 1;
  sim.publishTimestamp(n + 1, bytes);
  const e = await rejects(dev.refresh(), 'bad-metadata', 'snapshot version');
  assert.match(e.message, /version/i);
});

test('T11 root chain v1→v2→v3 where v3 lacks v2 threshold: v2 trusted, v3 refused', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  await dev.refresh();
  sim.nextRoot();
  sim.keys.root = [simKey()];
  sim.publishRoot();
  const v2Keys = sim.keys.root;
  sim.nextRoot();
  sim.keys.root = [simKey()];
  sim.publishRoot(undefined, sim.keys.root); // only the new key: v2's threshold not met
  await rejects(dev.refresh(), 'tampered', 'v3');
  assert.is((await trustedMetadataLoads(dev.tufDir)).rootVersion, 2);
  // The repository fixes v3 (signed by v2's key too): the device moves on.
  sim.publishRoot(undefined, [...v2Keys, ...sim.keys.root]);
  const r = await dev.refresh();
  assert.is(r.rootVersion, 3);
});

test('T12 2.root.json that says version 3 is refused', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  sim.nextRoot();
  const bytes = sim.publishRoot((s) => (s.version = 3));
  sim.files.set('/metadata/2.root.json', bytes);
  await rejects(dev.refresh(), 'bad-metadata', 'wrong version');
  assert.is((await trustedMetadataLoads(dev.tufDir)).rootVersion, 1);
});

test('T13 fast-forward recovery: timestamp key rotated, old (inflated) timestamp dropped', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  sim.versions.timestamp = 99;
  sim.publishTimestamp(); // v100, e.g. produced with a stolen timestamp key
  assert.is((await dev.refresh()).timestampVersion, 100);
  sim.nextRoot();
  sim.keys.timestamp = [simKey()];
  sim.publishRoot();
  sim.versions.timestamp = 0;
  sim.publishTimestamp();
  const r = await dev.refresh();
  assert.is(r.rootVersion, 2);
  assert.is(r.timestampVersion, 1);
});

test('T17 a timestamp larger than 16 KiB is refused while downloading', async () => {
  const sim = await repo();
  sim.publish({ mutate: { timestamp: (t) => (t['padding'] = 'x'.repeat(20_000)) } });
  await rejects(tufDevice(sim).refresh(), 'too-long', 'big timestamp');
  // An endless root is cut off too.
  const sim2 = await repo();
  sim2.files.set('/metadata/2.root.json', Buffer.alloc(600_000, 0x20));
  await rejects(tufDevice(sim2).refresh(), 'too-long', 'big root');
});

test('transactional: a torn current root falls back to the factory root; leftovers are removed', async () => {
  const sim = await repo();
  const dev = tufDevice(sim);
  await dev.refresh();
  const gen = readlinkSync(join(dev.tufDir, 'current'));
  writeFileSync(join(dev.tufDir, gen, 'root.json'), '{"signed": {"_ty'); // torn write
  mkdirSync(join(dev.tufDir, 'gen-999')); // an interrupted refresh
  const r = await dev.refresh();
  assert.is(r.rootVersion, 1);
  assert.ok(!existsSync(join(dev.tufDir, 'gen-999')));
  assert.equal(readdirSync(dev.tufDir).filter((n) => n.startsWith('gen-')).length, 1);
  assert.ok(dev.log.records.some((rec) => /factory root/.test(rec.msg)));
});

test.run();
