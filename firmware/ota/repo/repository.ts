/**
 * The static update repository, as files any web server can serve:
 *
 *   <repo>/metadata/N.root.json, root.json (copy of the newest), N.targets.json, N.snapshot.json,
 *                   timestamp.json          (consistent snapshots: versioned names)
 *   <repo>/targets/<sha256>.<target name>
 *
 * and the key directory the operator keeps (root keys ideally on another, offline, medium):
 *
 *   <keys>/roles.json    {keys: {keyid: public hex}, roles: {root|targets|snapshot|timestamp: {keyids, threshold}},
 *                         expiresDays: {...}}
 *   <keys>/<keyid>.key   private keys (0600)
 *
 * Publication order keeps a client that reads mid-way consistent: target file, targets, snapshot,
 * then timestamp.json last (atomic rename).
 */
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { sha256File, parseManifest } from '../bundle-manifest.js';
import type { BundleManifest } from '../bundle-manifest.js';
import { UpdateLocalError } from '../errors.js';
import { readTarEntry } from '../tar-extract.js';
import { generateSigningKey, loadKey, saveKey } from './keys.js';
import type { SigningKey } from './keys.js';
import { addDays, envelope, ROLE_NAMES, rootSigned, serialize, snapshotSigned, targetsSigned, timestampSigned } from './metadata.js';
import type { Envelope, RoleName, RoleSpec, RootSigned, SnapshotSigned, TargetEntry, TargetsSigned, TimestampSigned } from './metadata.js';

export type Expiries = Record<RoleName, number>;
export const DEFAULT_EXPIRES_DAYS: Expiries = { root: 365, targets: 180, snapshot: 30, timestamp: 7 };

export interface RolesFile {
  keys: Record<string, string>;
  roles: Record<RoleName, RoleSpec>;
  expiresDays: Expiries;
}

export interface KeygenOptions {
  counts: Record<RoleName, number>;
  thresholds: Record<RoleName, number>;
}

export const DEFAULT_KEYGEN: KeygenOptions = {
  counts: { root: 3, targets: 2, snapshot: 1, timestamp: 1 },
  thresholds: { root: 2, targets: 1, snapshot: 1, timestamp: 1 },
};

const rolesPath = (keysDir: string) => join(keysDir, 'roles.json');

export async function readRoles(keysDir: string): Promise<RolesFile> {
  try {
    return JSON.parse(await readFile(rolesPath(keysDir), 'utf8')) as RolesFile;
  } catch (e) {
    throw new UpdateLocalError('no-roles', `cannot read ${rolesPath(keysDir)} (run keygen first): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Generate keys. With `only`, replace the keys of those roles (key rotation: the old private keys
 * stay in the directory, since the next root must still be signed by the old root keys).
 */
export async function keygen(keysDir: string, opts: KeygenOptions = DEFAULT_KEYGEN, only?: RoleName[]): Promise<RolesFile> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  let roles: RolesFile;
  if (only) roles = await readRoles(keysDir);
  else roles = { keys: {}, roles: {} as Record<RoleName, RoleSpec>, expiresDays: { ...DEFAULT_EXPIRES_DAYS } };
  for (const role of only ?? ROLE_NAMES) {
    const count = opts.counts[role];
    const threshold = opts.thresholds[role];
    if (count < 1 || threshold < 1 || threshold > count) throw new UpdateLocalError('bad-threshold', `${role}: threshold ${threshold} of ${count} keys is impossible`);
    const keyids: string[] = [];
    for (let i = 0; i < count; i++) {
      const k = generateSigningKey();
      await saveKey(join(keysDir, `${k.keyid}.key`), k);
      roles.keys[k.keyid] = k.publicHex;
      keyids.push(k.keyid);
    }
    roles.roles[role] = { keyids, threshold };
  }
  await writeFileAtomic(rolesPath(keysDir), `${JSON.stringify(roles, null, 2)}\n`, { mode: 0o600 });
  return roles;
}

/** Every private key found in the given directories, by key id. */
export async function loadKeys(dirs: string[]): Promise<Map<string, SigningKey>> {
  const out = new Map<string, SigningKey>();
  for (const dir of dirs) {
    for (const f of await readdir(dir)) {
      if (!f.endsWith('.key')) continue;
      const k = await loadKey(join(dir, f));
      out.set(k.keyid, k);
    }
  }
  return out;
}

function keysFor(role: string, spec: RoleSpec, keys: Map<string, SigningKey>): SigningKey[] {
  const found = spec.keyids.map((id) => keys.get(id)).filter((k): k is SigningKey => k !== undefined);
  if (found.length < spec.threshold) {
    throw new UpdateLocalError('missing-keys', `signing ${role} needs ${spec.threshold} of its ${spec.keyids.length} keys; ${found.length} available (pass --keys DIR for the others)`);
  }
  return found;
}

export interface RepoSnapshot {
  root: Envelope<RootSigned>;
  targets: Envelope<TargetsSigned>;
  snapshot: Envelope<SnapshotSigned>;
  timestamp: Envelope<TimestampSigned>;
}

const meta = (repo: string, name: string) => join(repo, 'metadata', name);

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function latestRootVersion(repo: string): Promise<number> {
  let max = 0;
  for (const f of await readdir(join(repo, 'metadata')).catch(() => [] as string[])) {
    const m = /^(\d+)\.root\.json$/.exec(f);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max;
}

export async function readRepo(repo: string): Promise<RepoSnapshot | undefined> {
  const rootVersion = await latestRootVersion(repo);
  if (rootVersion === 0) return undefined;
  const root = await readJson<Envelope<RootSigned>>(meta(repo, `${rootVersion}.root.json`));
  const timestamp = await readJson<Envelope<TimestampSigned>>(meta(repo, 'timestamp.json'));
  const snapshot = await readJson<Envelope<SnapshotSigned>>(meta(repo, `${timestamp.signed.meta['snapshot.json'].version}.snapshot.json`));
  const targets = await readJson<Envelope<TargetsSigned>>(meta(repo, `${snapshot.signed.meta['targets.json']!.version}.targets.json`));
  return { root, targets, snapshot, timestamp };
}

async function write(path: string, data: Buffer): Promise<void> {
  await writeFileAtomic(path, data, { mode: 0o644 });
}

async function writeRoot(repo: string, root: Envelope<RootSigned>): Promise<void> {
  const bytes = serialize(root);
  await write(meta(repo, `${root.signed.version}.root.json`), bytes);
  await write(meta(repo, 'root.json'), bytes);
}

/** Publish targets → snapshot → timestamp, each one version up, signed with the root's role keys. */
async function publishChain(repo: string, root: RootSigned, prev: RepoSnapshot | undefined, targets: Record<string, TargetEntry>, keys: Map<string, SigningKey>, now: Date, exp: Expiries): Promise<RepoSnapshot> {
  const t = envelope(targetsSigned((prev?.targets.signed.version ?? 0) + 1, addDays(now, exp.targets), targets), keysFor('targets', root.roles.targets, keys));
  await write(meta(repo, `${t.signed.version}.targets.json`), serialize(t));
  const s = envelope(snapshotSigned((prev?.snapshot.signed.version ?? 0) + 1, addDays(now, exp.snapshot), t.signed.version), keysFor('snapshot', root.roles.snapshot, keys));
  const sBytes = serialize(s);
  await write(meta(repo, `${s.signed.version}.snapshot.json`), sBytes);
  const ts = envelope(timestampSigned((prev?.timestamp.signed.version ?? 0) + 1, addDays(now, exp.timestamp), sBytes, s.signed.version), keysFor('timestamp', root.roles.timestamp, keys));
  await write(meta(repo, 'timestamp.json'), serialize(ts));
  return { root: prev?.root ?? { signatures: [], signed: root }, targets: t, snapshot: s, timestamp: ts };
}

function rootFromRoles(version: number, roles: RolesFile, now: Date): RootSigned {
  const wanted = new Set(ROLE_NAMES.flatMap((r) => roles.roles[r].keyids));
  const keys = [...wanted].map((keyid) => ({ keyid, publicHex: roles.keys[keyid]! }));
  return rootSigned({ version, expires: addDays(now, roles.expiresDays.root), keys, roles: roles.roles });
}

/** Create the repository: 1.root.json and an empty targets/snapshot/timestamp chain. */
export async function initRepo(repo: string, keysDirs: string[], now: Date): Promise<RepoSnapshot> {
  if ((await latestRootVersion(repo)) > 0) throw new UpdateLocalError('repo-exists', `${repo} already has a root`);
  await mkdir(join(repo, 'metadata'), { recursive: true });
  await mkdir(join(repo, 'targets'), { recursive: true });
  const roles = await readRoles(keysDirs[0]!);
  const keys = await loadKeys(keysDirs);
  const signed = rootFromRoles(1, roles, now);
  const root = envelope(signed, keysFor('root', signed.roles.root, keys));
  await writeRoot(repo, root);
  const chain = await publishChain(repo, signed, undefined, {}, keys, now, roles.expiresDays);
  return { ...chain, root };
}

export interface ReleaseResult {
  targetName: string;
  sha256: string;
  length: number;
  manifest: BundleManifest;
  versions: { targets: number; snapshot: number; timestamp: number };
}

/** Sign a bundle into the repository (creating the repository on first use). */
export async function publishRelease(repo: string, keysDirs: string[], bundlePath: string, targetName: string, now: Date, opts: { keepReleases?: number } = {}): Promise<ReleaseResult> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(targetName)) throw new UpdateLocalError('bad-target-name', `target name '${targetName}' must be a plain file name`);
  const manifestBytes = await readTarEntry(bundlePath, 'manifest.json');
  if (!manifestBytes) throw new UpdateLocalError('not-a-bundle', `${bundlePath} has no manifest.json`);
  const manifest = parseManifest(manifestBytes.toString('utf8'));
  const prev = (await readRepo(repo)) ?? (await initRepo(repo, keysDirs, now));
  const roles = await readRoles(keysDirs[0]!);
  const keys = await loadKeys(keysDirs);
  const { sha256, size } = await sha256File(bundlePath);
  await copyFile(bundlePath, join(repo, 'targets', `${sha256}.${targetName}`));
  const custom = {
    tipring: { version: manifest.version, releaseCounter: manifest.releaseCounter, hardware: manifest.hardware, arch: manifest.arch, node: manifest.node, minBootstrap: 1 },
  };
  let targets: Record<string, TargetEntry> = { ...prev.targets.signed.targets, [targetName]: { length: size, hashes: { sha256 }, custom } };
  if (opts.keepReleases) {
    const names = Object.keys(targets).sort((a, b) => counterOf(targets[b]!) - counterOf(targets[a]!));
    targets = Object.fromEntries(names.slice(0, opts.keepReleases).map((n) => [n, targets[n]!]));
  }
  const chain = await publishChain(repo, prev.root.signed, prev, targets, keys, now, roles.expiresDays);
  return {
    targetName,
    sha256,
    length: size,
    manifest,
    versions: { targets: chain.targets.signed.version, snapshot: chain.snapshot.signed.version, timestamp: chain.timestamp.signed.version },
  };
}

function counterOf(t: TargetEntry): number {
  const c = (t.custom?.['tipring'] as { releaseCounter?: unknown } | undefined)?.releaseCounter;
  return typeof c === 'number' ? c : -1;
}

/**
 * Write root N+1 from roles.json, signed by a threshold of root N's keys *and* of its own, then
 * re-sign targets/snapshot/timestamp (new versions) so they carry the new role keys.
 */
export async function rotateRoot(repo: string, keysDirs: string[], now: Date): Promise<{ version: number }> {
  const prev = await readRepo(repo);
  if (!prev) throw new UpdateLocalError('no-repo', `${repo} has no root yet (publish a release first)`);
  const roles = await readRoles(keysDirs[0]!);
  const keys = await loadKeys(keysDirs);
  const signed = rootFromRoles(prev.root.signed.version + 1, roles, now);
  const signers = [...keysFor('old root', prev.root.signed.roles.root, keys), ...keysFor('new root', signed.roles.root, keys)];
  const root = envelope(signed, signers);
  await writeRoot(repo, root);
  await publishChain(repo, signed, { ...prev, root }, prev.targets.signed.targets, keys, now, roles.expiresDays);
  return { version: signed.version };
}

/** New timestamp (and, with `snapshot`, a new snapshot): run on a schedule by the repository host. */
export async function refreshTimestamp(repo: string, keysDirs: string[], now: Date, opts: { snapshot?: boolean } = {}): Promise<{ timestamp: number; snapshot: number }> {
  const prev = await readRepo(repo);
  if (!prev) throw new UpdateLocalError('no-repo', `${repo} has no root yet`);
  const roles = await readRoles(keysDirs[0]!);
  const keys = await loadKeys(keysDirs);
  const root = prev.root.signed;
  let snapshot = prev.snapshot;
  let sBytes: Buffer = await readFile(meta(repo, `${snapshot.signed.version}.snapshot.json`));
  if (opts.snapshot) {
    snapshot = envelope(snapshotSigned(snapshot.signed.version + 1, addDays(now, roles.expiresDays.snapshot), prev.targets.signed.version), keysFor('snapshot', root.roles.snapshot, keys));
    sBytes = serialize(snapshot);
    await write(meta(repo, `${snapshot.signed.version}.snapshot.json`), sBytes);
  }
  const ts = envelope(timestampSigned(prev.timestamp.signed.version + 1, addDays(now, roles.expiresDays.timestamp), sBytes, snapshot.signed.version), keysFor('timestamp', root.roles.timestamp, keys));
  await write(meta(repo, 'timestamp.json'), serialize(ts));
  return { timestamp: ts.signed.version, snapshot: snapshot.signed.version };
}
