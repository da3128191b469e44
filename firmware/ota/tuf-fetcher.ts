/**
 * The fetcher tuf-js uses for metadata: our guarded GET (idle and overall timeouts on the
 * injected clock) with the byte caps tuf-js passes (endless-data attack), held in memory (metadata
 * is small: tuf-js caps it at 512 kB to 5 MB). Targets are not fetched through here (download.ts).
 */
import { writeFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Fetcher } from 'tuf-js';
import { DownloadHTTPError, DownloadLengthMismatchError } from 'tuf-js/dist/error.js';
import type { Clock } from '../core/clock.js';
import { httpGet } from './http-get.js';

export interface TufFetcherOptions {
  clock: Clock;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  /** Where downloadFile() puts its temp file (never used for targets; on disk, not tmpfs). */
  tempDir: string;
  /** Called with every URL fetched (tests check request sequences). */
  onRequest?: (url: string) => void;
}

export class TufHttpFetcher implements Fetcher {
  constructor(private readonly opts: TufFetcherOptions) {}

  async downloadBytes(url: string, maxLength: number): Promise<Buffer> {
    this.opts.onRequest?.(url);
    return httpGet(url, this.opts, async (res, guard) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) throw new DownloadHTTPError(`GET ${url}: HTTP ${status}`, status);
      const declared = Number(res.headers['content-length'] ?? NaN);
      if (declared > maxLength) throw new DownloadLengthMismatchError(`GET ${url}: ${declared} bytes declared, at most ${maxLength} allowed`);
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of res) {
        guard.activity();
        total += (chunk as Buffer).length;
        if (total > maxLength) throw new DownloadLengthMismatchError(`GET ${url}: more than ${maxLength} bytes`);
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    });
  }

  async downloadFile<T>(url: string, maxLength: number, handler: (file: string) => Promise<T>): Promise<T> {
    const bytes = await this.downloadBytes(url, maxLength);
    const file = join(this.opts.tempDir, `.fetch-${randomBytes(6).toString('hex')}`);
    await writeFile(file, bytes);
    try {
      return await handler(file);
    } finally {
      await unlink(file).catch(() => {});
    }
  }
}
