/**
 * Build a bundle: a reproducible .tar.gz of an app tree (compiled firmware, production
 * node_modules, package.json) with manifest.json first. Same tree + same SOURCE_DATE_EPOCH = same
 * bytes, so a release can be rebuilt and compared.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { MANIFEST_NAME, manifestEntries, sha256File } from './bundle-manifest.js';
import type { BundleManifest } from './bundle-manifest.js';
import { encodeEntry, padding } from './tar-format.js';

export interface BundleInfo {
  version: string;
  releaseCounter: number;
  hardware: string[];
  arch: string;
  node: string;
  entry: string;
}

export interface BuiltBundle {
  path: string;
  sha256: string;
  length: number;
  manifest: BundleManifest;
}

/** The conventional target name of a bundle (one TUF target per release, board and arch). */
export function bundleTargetName(version: string, board: string, arch: string): string {
  return `tipring-${version}-${board}-${arch}.tar.gz`;
}

async function put(out: Writable, data: Buffer): Promise<void> {
  if (!out.write(data)) await once(out, 'drain');
}

export async function buildBundle(treeDir: string, info: BundleInfo, outPath: string, options: { mtime?: number } = {}): Promise<BuiltBundle> {
  const mtime = options.mtime ?? Number(process.env['SOURCE_DATE_EPOCH'] ?? 0);
  const files = await manifestEntries(treeDir, (rel) => rel === MANIFEST_NAME);
  const manifest: BundleManifest = { schema: 1, name: 'tipring', ...info, files };
  if (!files.some((f) => f.path === info.entry)) throw new Error(`entry script ${info.entry} is not in ${treeDir}`);
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`);

  const temp = `${outPath}.tmp`;
  const gzip = createGzip({ level: 6 });
  const file = createWriteStream(temp);
  gzip.pipe(file);
  const closed = once(file, 'close');
  try {
    for (const h of encodeEntry({ name: MANIFEST_NAME, mode: 0o644, size: manifestBytes.length, mtime, type: 'file', linkname: '' })) await put(gzip, h);
    await put(gzip, Buffer.concat([manifestBytes, Buffer.alloc(padding(manifestBytes.length))]));
    const dirsDone = new Set<string>();
    for (const f of files) {
      const parts = f.path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        if (dirsDone.has(d)) continue;
        dirsDone.add(d);
        for (const h of encodeEntry({ name: `${d}/`, mode: 0o755, size: 0, mtime, type: 'dir', linkname: '' })) await put(gzip, h);
      }
      if ('link' in f) {
        for (const h of encodeEntry({ name: f.path, mode: 0o777, size: 0, mtime, type: 'symlink', linkname: f.link })) await put(gzip, h);
        continue;
      }
      for (const h of encodeEntry({ name: f.path, mode: f.exec ? 0o755 : 0o644, size: f.size, mtime, type: 'file', linkname: '' })) await put(gzip, h);
      let written = 0;
      for await (const chunk of createReadStream(join(treeDir, f.path), { highWaterMark: 256 * 1024 })) {
        written += (chunk as Buffer).length;
        await put(gzip, chunk as Buffer);
      }
      if (written !== f.size) throw new Error(`${f.path} changed while bundling`);
      const pad = padding(f.size);
      if (pad) await put(gzip, Buffer.alloc(pad));
    }
    await put(gzip, Buffer.alloc(1024));
    gzip.end();
    await closed;
    await rename(temp, outPath);
  } catch (e) {
    gzip.destroy();
    file.destroy();
    await unlink(temp).catch(() => {});
    throw e;
  }
  const { sha256, size } = await sha256File(outPath);
  return { path: outPath, sha256, length: size, manifest };
}
