/**
 * Download one target to disk, streaming: hashed as it arrives, never more than the signed length,
 * idle and overall timeouts, memory bounded by one chunk whatever the size. An interrupted
 * download resumes with `Range: bytes=N-`, accepted only as a 206 whose Content-Range starts at N
 * and names the signed total; a 200 starts again from byte 0. The partial file is named by the
 * expected sha256 (dl/<sha256>.part), so a partial of another release is never appended to.
 * The finished file (dl/<sha256>.bundle) has been checked for length and sha256.
 */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Checkpoint } from './checkpoint.js';
import { noCheckpoint } from './checkpoint.js';
import { UpdateRejectedError } from './errors.js';
import { httpGet } from './http-get.js';

export interface DownloadProgress {
  received: number;
  total: number;
  resumedFrom: number;
}

export interface DownloadOptions {
  url: string;
  dir: string;
  sha256: string;
  length: number;
  clock: Clock;
  log: Logger;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  checkpoint?: Checkpoint;
  onProgress?: (p: DownloadProgress) => void;
}

const HEX64 = /^[0-9a-f]{64}$/;

export function partialPath(dir: string, sha256: string): string {
  return join(dir, `${sha256}.part`);
}

export function finishedPath(dir: string, sha256: string): string {
  return join(dir, `${sha256}.bundle`);
}

/** Remove every download except the one for `keep` (D3: stale partials of older releases). */
export async function discardOtherDownloads(dir: string, keep: string | undefined): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (keep && name.startsWith(`${keep}.`)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

async function hashExisting(path: string, hash: Hash): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    hash.update(chunk as Buffer);
    n += (chunk as Buffer).length;
  }
  return n;
}

async function fileHash(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  const size = await hashExisting(path, h);
  return { sha256: h.digest('hex'), size };
}

/** One attempt. Throws UpdateRejectedError; leaves a resumable partial on network trouble. */
export async function downloadOnce(o: DownloadOptions): Promise<string> {
  if (!HEX64.test(o.sha256)) throw new UpdateRejectedError('bad-metadata', `target hash '${o.sha256}' is not a sha256`);
  const checkpoint = o.checkpoint ?? noCheckpoint;
  await mkdir(o.dir, { recursive: true });
  const done = finishedPath(o.dir, o.sha256);
  const exists = await stat(done).catch(() => undefined);
  if (exists) {
    const got = await fileHash(done);
    if (got.size === o.length && got.sha256 === o.sha256) return done;
    await unlink(done);
  }
  const part = partialPath(o.dir, o.sha256);
  const hash = createHash('sha256');
  let have = 0;
  const partStat = await stat(part).catch(() => undefined);
  if (partStat && partStat.size > 0 && partStat.size < o.length) have = await hashExisting(part, hash);
  else if (partStat) await unlink(part);
  const resumedFrom = have;

  await httpGet(o.url, { clock: o.clock, idleTimeoutMs: o.idleTimeoutMs, totalTimeoutMs: o.totalTimeoutMs, headers: have > 0 ? { range: `bytes=${have}-` } : {} }, async (res, guard) => {
    const status = res.statusCode ?? 0;
    let truncate = false;
    if (have > 0 && status === 206) {
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
      if (!m || Number(m[1]) !== have || Number(m[3]) !== o.length) {
        throw new UpdateRejectedError('http', `${o.url}: 206 with Content-Range '${String(res.headers['content-range'])}' does not continue byte ${have} of ${o.length}`);
      }
    } else if (status === 200) {
      if (have > 0) o.log.info('server ignored Range: downloading again from the start', { url: o.url, had: have });
      truncate = have > 0;
      have = 0;
    } else {
      throw new UpdateRejectedError(status === 404 ? 'not-found' : 'http', `${o.url}: HTTP ${status}`);
    }
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (declared > o.length - have) throw new UpdateRejectedError('too-long', `${o.url}: server announces ${declared} bytes, only ${o.length - have} expected`);
    const fh = await open(part, truncate || have === 0 ? 'w' : 'a');
    const h = truncate || have === 0 ? createHash('sha256') : hash;
    try {
      for await (const chunk of res) {
        guard.activity();
        const buf = chunk as Buffer;
        if (have + buf.length > o.length) {
          throw new UpdateRejectedError('too-long', `${o.url}: more than the signed ${o.length} bytes`);
        }
        await fh.write(buf);
        h.update(buf);
        have += buf.length;
        o.onProgress?.({ received: have, total: o.length, resumedFrom });
        checkpoint('download:chunk');
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (have !== o.length) throw new UpdateRejectedError('network', `${o.url}: connection ended at ${have} of ${o.length} bytes`);
    const digest = h.digest('hex');
    if (digest !== o.sha256) {
      await unlink(part).catch(() => {});
      throw new UpdateRejectedError('tampered', `${o.url}: sha256 ${digest} does not match the signed ${o.sha256}`);
    }
  }).catch(async (e: unknown) => {
    // A partial that is already too long or a failed hash is useless: never resume from it.
    if (e instanceof UpdateRejectedError && (e.reason === 'too-long' || e.reason === 'tampered' || e.reason === 'http')) await unlink(part).catch(() => {});
    throw e;
  });
  await rename(part, done);
  checkpoint('download:complete');
  return done;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: (attempt: number) => number;
  sleep: (ms: number) => Promise<void>;
}

/** Sleep on the injected clock. */
export function clockSleep(clock: Clock): (ms: number) => Promise<void> {
  return (ms) => new Promise((resolve) => clock.at(clock.now() + ms, resolve));
}

/**
 * Download with bounded retries. Network trouble and timeouts resume from the partial; a hash
 * failure starts over (D4); a too-long or refused answer is final.
 */
export async function downloadTarget(o: DownloadOptions, retry: RetryPolicy): Promise<string> {
  let last: unknown;
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    try {
      return await downloadOnce(o);
    } catch (e) {
      last = e;
      const reason = e instanceof UpdateRejectedError ? e.reason : 'network';
      if (reason === 'too-long' || reason === 'not-found' || reason === 'bad-metadata') throw e;
      o.log.warn('download attempt failed', { attempt, of: retry.attempts, reason, error: e instanceof Error ? e.message : String(e) });
      if (attempt < retry.attempts) await retry.sleep(retry.backoffMs(attempt));
    }
  }
  throw last;
}
