/** One update at a time per device: an exclusive lock file holding the owner's pid (stale if dead). */
import { open, readFile, unlink } from 'node:fs/promises';
import { UpdateLocalError } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  for (let i = 0; i < 2; i++) {
    try {
      const fh = await open(path, 'wx', 0o644);
      await fh.writeFile(String(process.pid));
      await fh.close();
      try {
        return await fn();
      } finally {
        await unlink(path).catch(() => {});
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && alive(owner)) throw new UpdateLocalError('busy', `another update is running (pid ${owner})`);
      await unlink(path).catch(() => {}); // stale: its owner died (power cut, kill)
    }
  }
  throw new UpdateLocalError('busy', `cannot take the update lock ${path}`);
}
