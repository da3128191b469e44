/**
 * manifest.json at the root of a bundle (and so of a slot): what the build is, which boards it is
 * for, and the sha256 of every file. The TUF metadata is the signature of the bundle; this manifest
 * is defence in depth and lets the device re-check a whole slot before switching to it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { UpdateRejectedError } from './errors.js';

export const MANIFEST_NAME = 'manifest.json';

export type ManifestEntry = { path: string; sha256: string; size: number; exec: boolean } | { path: string; link: string };

export interface BundleManifest {
  schema: 1;
  name: 'tipring';
  version: string;
  /** Anti-rollback counter: a device never installs a build below its floor. */
  releaseCounter: number;
  /** Board names (board/*.ts `name`) this build runs on. */
  hardware: string[];
  /** Node `process.arch` the production dependencies were installed for. */
  arch: string;
  /** Node version range the build needs (package.json engines.node). */
  node: string;
  /** Entry script, relative to the slot (what the launcher runs). */
  entry: string;
  files: ManifestEntry[];
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Every file and symlink under `dir` (relative POSIX paths, sorted); directories are implied. */
export async function listTree(dir: string, skip: (rel: string) => boolean = () => false): Promise<Array<{ rel: string; kind: 'file' | 'link' | 'other' }>> {
  const out: Array<{ rel: string; kind: 'file' | 'link' | 'other' }> = [];
  async function walk(rel: string): Promise<void> {
    const names = (await readdir(join(dir, rel))).sort();
    for (const name of names) {
      const childRel = rel ? `${rel}/${name}` : name;
      if (skip(childRel)) continue;
      const st = await lstat(join(dir, childRel));
      if (st.isDirectory()) await walk(childRel);
      else out.push({ rel: childRel, kind: st.isFile() ? 'file' : st.isSymbolicLink() ? 'link' : 'other' });
    }
  }
  await walk('');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Hash a tree into manifest entries. */
export async function manifestEntries(dir: string, skip?: (rel: string) => boolean): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  for (const { rel, kind } of await listTree(dir, skip)) {
    const abs = join(dir, rel);
    if (kind === 'link') entries.push({ path: rel, link: await readlink(abs) });
    else if (kind === 'file') {
      const { sha256, size } = await sha256File(abs);
      const exec = ((await lstat(abs)).mode & 0o111) !== 0;
      entries.push({ path: rel, sha256, size, exec });
    } else throw new Error(`${abs}: not a file, directory or symlink`);
  }
  return entries;
}

function reject(message: string): never {
  throw new UpdateRejectedError('bad-bundle', message);
}

export function parseManifest(text: string): BundleManifest {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    reject('manifest.json is not JSON');
  }
  const m = v as Partial<BundleManifest>;
  if (!m || m.schema !== 1 || m.name !== 'tipring') reject('manifest.json: not a tipring manifest');
  if (typeof m.version !== 'string' || !m.version) reject('manifest.json: version missing');
  if (!Number.isSafeInteger(m.releaseCounter) || (m.releaseCounter as number) < 0) reject('manifest.json: releaseCounter missing');
  if (!Array.isArray(m.hardware) || !m.hardware.every((h) => typeof h === 'string')) reject('manifest.json: hardware missing');
  if (typeof m.arch !== 'string' || typeof m.entry !== 'string' || typeof m.node !== 'string') reject('manifest.json: arch, node or entry missing');
  if (!Array.isArray(m.files)) reject('manifest.json: files missing');
  return m as BundleManifest;
}

export async function readManifest(slotDir: string): Promise<{ manifest: BundleManifest; sha256: string }> {
  let text: string;
  try {
    text = await readFile(join(slotDir, MANIFEST_NAME), 'utf8');
  } catch {
    return reject(`${slotDir}: manifest.json missing`);
  }
  return { manifest: parseManifest(text), sha256: sha256Hex(text) };
}

/**
 * Re-hash a slot and compare it with its manifest: same set of files and links, same hashes,
 * sizes and link targets, links staying inside the tree, the entry script present.
 */
export async function verifyTree(slotDir: string): Promise<{ manifest: BundleManifest; sha256: string }> {
  const { manifest, sha256 } = await readManifest(slotDir);
  const expected = new Map(manifest.files.map((f) => [f.path, f]));
  if (expected.size !== manifest.files.length) reject('manifest lists a file twice');
  if (!expected.has(manifest.entry)) reject(`manifest entry script ${manifest.entry} not in the file list`);
  const actual = await listTree(slotDir, (rel) => rel === MANIFEST_NAME);
  if (actual.length !== expected.size) reject(`slot has ${actual.length} files, manifest lists ${expected.size}`);
  for (const { rel, kind } of actual) {
    const want = expected.get(rel);
    if (!want) reject(`unexpected file ${rel}`);
    const abs = join(slotDir, rel);
    if ('link' in want) {
      if (kind !== 'link') reject(`${rel} should be a symlink`);
      const target = await readlink(abs);
      const resolved = posix.normalize(posix.join(posix.dirname(rel), target));
      if (target !== want.link || target.startsWith('/') || resolved === '..' || resolved.startsWith('../')) reject(`symlink ${rel} changed or escapes`);
    } else {
      if (kind !== 'file') reject(`${rel} should be a regular file`);
      const got = await sha256File(abs);
      if (got.size !== want.size || got.sha256 !== want.sha256) reject(`${rel} does not match the manifest`);
    }
  }
  return { manifest, sha256 };
}
