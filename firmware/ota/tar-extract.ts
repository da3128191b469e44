/**
 * Streaming, bounded-memory extraction of a .tar.gz bundle into an empty directory. Refuses what a
 * bundle never needs and an attacker would: absolute names, `..`, hard links, devices, duplicate
 * entries, symlinks pointing outside the tree and entries below a symlink. Before returning, the
 * filesystem is synced (syncfs via `sync -f`, else an fsync per file and directory), so a slot
 * marked complete afterwards is on disk.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, open, symlink, lstat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { posix, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Checkpoint } from './checkpoint.js';
import { noCheckpoint } from './checkpoint.js';
import { UpdateRejectedError } from './errors.js';
import { BLOCK, decodeHeader, decodePax, padding } from './tar-format.js';
import type { TarHeader } from './tar-format.js';

export interface ExtractLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxMetaBytes: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxEntries: 200_000, maxTotalBytes: 4 * 1024 ** 3, maxMetaBytes: 1024 * 1024 };

export interface ExtractResult {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
}

function bad(message: string): never {
  throw new UpdateRejectedError('bad-bundle', message);
}

/** Normalise an entry name; refuse anything that could leave the destination. */
export function safeEntryName(raw: string): string {
  let name = raw.replace(/\/+$/, '');
  while (name.startsWith('./')) name = name.slice(2);
  if (name === '' || name === '.') return '';
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0')) bad(`unsafe entry name '${raw}'`);
  const parts = name.split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '')) bad(`unsafe entry name '${raw}'`);
  return name;
}

/** Pulls exact byte counts out of an async chunk stream (one chunk buffered at most). */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }

  async exact(n: number): Promise<Buffer> {
    while (this.buf.length < n) if (!(await this.fill())) bad('bundle ends in the middle of an entry');
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Hand `n` bytes to `sink` in pieces, without gathering them. */
  async stream(n: number, sink: (piece: Buffer) => Promise<void>): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill())) bad('bundle ends in the middle of a file');
      const take = Math.min(left, this.buf.length);
      const piece = this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
      await sink(piece);
    }
  }

  async skip(n: number): Promise<void> {
    await this.stream(n, async () => {});
  }
}

export async function extractTarGz(
  archive: string,
  dest: string,
  options: { limits?: Partial<ExtractLimits>; checkpoint?: Checkpoint } = {},
): Promise<ExtractResult> {
  const limits = { ...DEFAULT_EXTRACT_LIMITS, ...options.limits };
  const checkpoint = options.checkpoint ?? noCheckpoint;
  const input = createReadStream(archive, { highWaterMark: 256 * 1024 }).pipe(createGunzip({ chunkSize: 64 * 1024 }));
  const reader = new ByteReader(input[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const result: ExtractResult = { files: 0, dirs: 0, symlinks: 0, bytes: 0 };
  const seen = new Set<string>();
  const links: Array<{ name: string; target: string }> = [];
  const dirs = new Set<string>(['']);
  const written: string[] = [];
  let pax: Record<string, string> = {};
  let gnuName: string | undefined;
  let gnuLink: string | undefined;
  let entries = 0;
  try {
    for (;;) {
      const header = decodeOrReject(await reader.exact(BLOCK));
      if (!header) break;
      if (++entries > limits.maxEntries) bad(`more than ${limits.maxEntries} entries`);
      if (header.type === 'pax' || header.type === 'pax-global' || header.type === 'gnu-longname' || header.type === 'gnu-longlink') {
        if (header.size > limits.maxMetaBytes) bad('oversized extended header');
        const data = await reader.exact(header.size);
        await reader.skip(padding(header.size));
        if (header.type === 'pax') pax = decodePax(data);
        else if (header.type === 'gnu-longname') gnuName = data.toString('utf8').replace(/\0+$/, '');
        else if (header.type === 'gnu-longlink') gnuLink = data.toString('utf8').replace(/\0+$/, '');
        continue;
      }
      const rawName = pax['path'] ?? gnuName ?? header.name;
      const linkname = pax['linkpath'] ?? gnuLink ?? header.linkname;
      const size = pax['size'] !== undefined ? Number(pax['size']) : header.size;
      pax = {};
      gnuName = undefined;
      gnuLink = undefined;
      const name = safeEntryName(rawName);
      if (name !== '' && seen.has(name)) bad(`duplicate entry '${name}'`);
      seen.add(name);
      for (const l of links) if (name.startsWith(`${l.name}/`)) bad(`entry '${name}' lies below symlink '${l.name}'`);
      if (header.type === 'dir') {
        if (name !== '') {
          await mkdir(join(dest, name), { recursive: true, mode: 0o755 });
          dirs.add(name);
          result.dirs++;
        }
        await reader.skip(size + padding(size));
      } else if (header.type === 'file') {
        if (name === '') bad('file entry without a name');
        result.bytes += size;
        if (result.bytes > limits.maxTotalBytes) bad(`bundle expands to more than ${limits.maxTotalBytes} bytes`);
        await ensureParent(dest, name, dirs);
        await writeEntry(join(dest, name), header, size, reader);
        written.push(join(dest, name));
        await reader.skip(padding(size));
        result.files++;
        checkpoint('install:extract-file');
      } else if (header.type === 'symlink') {
        if (name === '') bad('symlink entry without a name');
        const resolved = posix.normalize(posix.join(posix.dirname(name), linkname));
        if (linkname.startsWith('/') || resolved === '..' || resolved.startsWith('../')) bad(`symlink '${name}' points outside the bundle`);
        links.push({ name, target: linkname });
        await reader.skip(size + padding(size));
      } else {
        bad(`entry '${name}' has an unsupported type (only files, directories and symlinks)`);
      }
    }
    for (const l of links) {
      await ensureParent(dest, l.name, dirs);
      await symlink(l.target, join(dest, l.name));
      result.symlinks++;
    }
    // Durability: one syncfs(2) of the filesystem (`sync -f`) instead of thousands of fsyncs;
    // where that is unavailable, fsync every file and directory.
    if (!(await syncFilesystem(dest))) {
      for (const f of written) await syncFile(f);
      for (const d of [...dirs].sort((x, y) => y.length - x.length)) await syncDir(join(dest, d));
    }
  } finally {
    input.destroy();
  }
  return result;
}

function decodeOrReject(block: Buffer): TarHeader | undefined {
  try {
    return decodeHeader(block);
  } catch (e) {
    return bad(`corrupt tar header: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function ensureParent(dest: string, name: string, dirs: Set<string>): Promise<void> {
  const parent = posix.dirname(name);
  if (parent === '.' || dirs.has(parent)) return;
  await mkdir(join(dest, parent), { recursive: true, mode: 0o755 });
  for (let p = parent; p !== '.' && !dirs.has(p); p = posix.dirname(p)) dirs.add(p);
}

async function writeEntry(path: string, header: TarHeader, size: number, reader: ByteReader): Promise<void> {
  const mode = header.mode & 0o111 ? 0o755 : 0o644;
  let fh: FileHandle;
  try {
    fh = await open(path, 'wx', mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') bad(`entry '${path}' exists twice`);
    throw e;
  }
  try {
    await reader.stream(size, async (piece) => {
      await fh.write(piece);
    });
  } finally {
    await fh.close();
  }
}

/** syncfs(2) through coreutils `sync -f`: flushes every dirty page of the filesystem holding `path`. */
function syncFilesystem(path: string): Promise<boolean> {
  // Asynchronous: the firmware's event loop (audio, SIP, watchdog pings) keeps running meanwhile.
  return new Promise((resolve) => {
    const child = spawn('sync', ['-f', path], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(path: string): Promise<void> {
  try {
    if (!(await lstat(path)).isDirectory()) return;
    const fh = await open(path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // directory fsync is best effort on filesystems that refuse it
  }
}

/** Read one small entry (e.g. manifest.json) from a .tar.gz without extracting the rest. */
export async function readTarEntry(archive: string, wanted: string, maxBytes = 16 * 1024 * 1024): Promise<Buffer | undefined> {
  const input = createReadStream(archive).pipe(createGunzip());
  const reader = new ByteReader(input[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  let pax: Record<string, string> = {};
  try {
    for (;;) {
      const header = decodeOrReject(await reader.exact(BLOCK));
      if (!header) return undefined;
      if (header.type === 'pax') {
        pax = decodePax(await reader.exact(header.size));
        await reader.skip(padding(header.size));
        continue;
      }
      const name = (pax['path'] ?? header.name).replace(/^\.\//, '');
      pax = {};
      if (header.type === 'file' && name === wanted) {
        if (header.size > maxBytes) bad(`${wanted} is larger than ${maxBytes} bytes`);
        return Buffer.from(await reader.exact(header.size));
      }
      await reader.skip(header.size + padding(header.size));
    }
  } finally {
    input.destroy();
  }
}
