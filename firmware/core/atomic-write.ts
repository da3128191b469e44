/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over
 * the target, fsync the directory. Readers see the old file or the new one, never a mix; after a
 * power cut the file is one or the other. On failure the old file is untouched and the temp file
 * is removed.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LocalError } from './errors.js';

/** Mode for files holding secrets (passwords, keys): owner read/write only. */
export const SECRET_FILE_MODE = 0o600;

export type AtomicWriteStep = 'create' | 'write' | 'sync' | 'rename' | 'sync-dir';

/** Writing `path` failed at `step`; `cause` is the underlying fs error. */
export class AtomicWriteError extends LocalError {
  constructor(path: string, step: AtomicWriteStep, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('atomic-write-failed', `cannot write ${path} (${step}): ${why}`, { cause, context: { path, step } });
  }
}

/**
 * Replace `path` with `data`. The new file gets `options.mode` if given (exactly, whatever the
 * umask), else the mode of the file it replaces, else the default (0o666 less the umask). Pass
 * SECRET_FILE_MODE for secrets. Throws AtomicWriteError.
 */
export async function writeFileAtomic(path: string, data: string | Buffer, options: { mode?: number } = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = options.mode ?? (await existingMode(path));
  let step: AtomicWriteStep = 'create';
  let handle: FileHandle | undefined;
  let renamed = false;
  try {
    // 'wx': fail rather than follow a symlink or reuse a file someone planted at the temp name.
    handle = await open(temp, 'wx', mode ?? 0o666);
    if (mode !== undefined) await handle.chmod(mode);
    step = 'write';
    await handle.writeFile(data);
    step = 'sync';
    await handle.sync();
    await handle.close();
    handle = undefined;
    step = 'rename';
    await rename(temp, path);
    renamed = true;
    step = 'sync-dir';
    await syncDirectory(dir);
  } catch (cause) {
    await handle?.close().catch(() => {});
    if (!renamed) await unlink(temp).catch(() => {});
    throw new AtomicWriteError(path, step, cause);
  }
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
}

/** Make the rename durable. Some platforms cannot open or fsync a directory: that is not an error. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (e) {
    if (isUnsupported(e)) return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    if (!isUnsupported(e)) throw e;
  } finally {
    await handle.close().catch(() => {});
  }
}

function isUnsupported(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'ENOTSUP' || code === 'EACCES';
}
