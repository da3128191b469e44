/**
 * tuf-js, wrapped so that trusted metadata is transactional and time is injected.
 *
 * tuf-js persists each verified file with a plain writeFileSync into its metadata directory, so a
 * power cut can leave a torn root.json after which it never starts again. Here every refresh runs
 * in a fresh generation directory (tuf/gen-<n>, a copy of the current one); only when the whole
 * refresh has succeeded are its files fsynced and `tuf/current` swapped to it (new symlink +
 * rename + directory fsync). A failed or interrupted refresh leaves `current` untouched; leftover
 * generations are deleted on the next run. If `current` is unusable anyway, the read-only factory
 * root starts a new chain (newer roots are simply fetched again).
 *
 * tuf-js takes its reference time from `new Date()` in its metadata store's constructor; we set
 * that field right after constructing the Updater, before anything is checked against it (the
 * version is pinned in package.json and a test fails if the field moves).
 */
import { copyFile, mkdir, open, readdir, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Updater } from 'tuf-js';
import type { Fetcher, TargetFile } from 'tuf-js';
import type { Logger } from '../core/log.js';
import type { Checkpoint } from './checkpoint.js';
import { noCheckpoint } from './checkpoint.js';
import { UpdateLocalError, UpdateRejectedError } from './errors.js';
import type { RejectReason } from './errors.js';

export const METADATA_FILES = ['root.json', 'timestamp.json', 'snapshot.json', 'targets.json'] as const;

export interface TrustedRepoOptions {
  tufDir: string;
  factoryRoot: string;
  metadataBaseUrl: string;
  fetcher: Fetcher;
  log: Logger;
  checkpoint?: Checkpoint;
}

export interface RefreshedRepo {
  /** The generation directory now trusted. */
  dir: string;
  rootVersion: number;
  timestampVersion: number;
  /** Names of all targets in the verified targets metadata. */
  targetNames: string[];
  /** Verified info for one target (length, hashes, custom), or undefined. */
  targetInfo(name: string): Promise<TargetFile | undefined>;
}

interface StoreInternals {
  trustedSet?: { referenceTime?: unknown; root?: { signed: { version: number } }; timestamp?: { signed: { version: number } } };
  persistMetadata?: (name: string, bytes: Buffer) => void;
}

const genName = (n: number) => `gen-${n}`;
const current = (tufDir: string) => join(tufDir, 'current');

async function generations(tufDir: string): Promise<number[]> {
  const names = await readdir(tufDir).catch(() => [] as string[]);
  return names.map((n) => /^gen-(\d+)$/.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
}

/** True if `dir/root.json` parses as JSON with a signed root (what tuf-js needs to start). */
async function rootParses(dir: string): Promise<boolean> {
  try {
    const root = JSON.parse(await readFile(join(dir, 'root.json'), 'utf8')) as { signed?: { _type?: unknown } };
    return root.signed?._type === 'root';
  } catch {
    return false;
  }
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch {
    // some filesystems refuse directory fsync
  } finally {
    await fh.close();
  }
}

/** Point `tuf/current` at `gen` atomically (temp symlink + rename + dir fsync). */
async function swapCurrent(tufDir: string, gen: string): Promise<void> {
  const temp = join(tufDir, `.current-${randomBytes(4).toString('hex')}`);
  await symlink(gen, temp);
  await rename(temp, current(tufDir));
  await fsyncPath(tufDir);
}

/**
 * The trusted generation directory, recovering if needed: a missing or unparseable `current`
 * is replaced by a new generation seeded from the factory root. Leftover generations and temp
 * links are removed.
 */
export async function openTrustedDir(tufDir: string, factoryRoot: string, log: Logger): Promise<string> {
  await mkdir(tufDir, { recursive: true });
  let target: string | undefined;
  try {
    target = await readlink(current(tufDir));
  } catch {
    target = undefined;
  }
  if (target === undefined || !/^gen-\d+$/.test(target) || !(await rootParses(join(tufDir, target)))) {
    if (target !== undefined) log.warn('trusted TUF metadata unusable: starting again from the factory root', { current: target });
    const n = Math.max(0, ...(await generations(tufDir))) + 1;
    const dir = join(tufDir, genName(n));
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await copyFile(factoryRoot, join(dir, 'root.json'));
    await fsyncPath(join(dir, 'root.json'));
    await fsyncPath(dir);
    await swapCurrent(tufDir, genName(n));
    target = genName(n);
  }
  for (const name of await readdir(tufDir)) {
    if ((name.startsWith('gen-') && name !== target) || name.startsWith('.current-')) await rm(join(tufDir, name), { recursive: true, force: true });
  }
  return join(tufDir, target);
}

/**
 * Thresholds count keys, and tuf-js counts key *ids*: a root listing one public key under two ids
 * would let one stolen key meet a threshold of two. Refuse such a root (before it is persisted).
 */
export function checkRootKeysUnique(rootText: string): void {
  let keys: Record<string, { keyval?: { public?: unknown } }> = {};
  try {
    keys = (JSON.parse(rootText) as { signed?: { keys?: typeof keys } }).signed?.keys ?? {};
  } catch {
    return; // unparseable roots are tuf-js's to refuse
  }
  const seen = new Map<string, string>();
  for (const [id, k] of Object.entries(keys)) {
    const pub = String(k.keyval?.public ?? '').toLowerCase();
    const other = seen.get(pub);
    if (other !== undefined) throw new UpdateRejectedError('bad-metadata', `root lists one public key under two key ids (${other.slice(0, 8)}…, ${id.slice(0, 8)}…)`);
    seen.set(pub, id);
  }
}

/** Map a tuf-js failure to a reason a person can act on. */
export function classifyTufError(e: unknown): UpdateRejectedError {
  if (e instanceof UpdateRejectedError) return e;
  const name = e instanceof Error ? e.constructor.name : '';
  const text = e instanceof Error ? e.message : String(e);
  const all = `${name} ${text}`;
  let reason: RejectReason = 'bad-metadata';
  if (/Expired|is expired/i.test(all)) reason = 'expired';
  else if (/DownloadLengthMismatch|Max length reached|more than \d+ bytes|bytes declared/.test(all)) reason = 'too-long';
  else if (/less than current version|Missing file .* in new snapshot/.test(all)) reason = 'rollback';
  else if (/slow-retrieval|no data for|not finished within/.test(all)) reason = 'slow-retrieval';
  else if (/UnsignedMetadata|was signed by|multiple signatures|LengthOrHashMismatch|Expected hash|Expected length/.test(all)) reason = 'tampered';
  else if (/DownloadHTTPError|HTTP \d{3}/.test(all)) reason = 'http';
  else if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ECONNRESET|socket hang up/.test(all)) reason = 'network';
  return new UpdateRejectedError(reason, `TUF refresh refused: ${text}`, { cause: e });
}

/**
 * Run one TUF refresh (spec §5.1–5.6) against the repository, transactionally, with
 * `referenceTime` as the time every expiry is checked against.
 */
export async function refreshTrusted(opts: TrustedRepoOptions, referenceTime: Date): Promise<RefreshedRepo> {
  const checkpoint = opts.checkpoint ?? noCheckpoint;
  const base = await openTrustedDir(opts.tufDir, opts.factoryRoot, opts.log);
  const n = Math.max(0, ...(await generations(opts.tufDir))) + 1;
  const work = join(opts.tufDir, genName(n));
  await mkdir(work);
  try {
    for (const f of METADATA_FILES) await copyFile(join(base, f), join(work, f)).catch(() => {});
    checkRootKeysUnique(await readFile(join(work, 'root.json'), 'utf8'));
    let updater: Updater;
    try {
      updater = new Updater({ metadataDir: work, metadataBaseUrl: opts.metadataBaseUrl, fetcher: opts.fetcher, config: { fetchRetries: 0 } });
    } catch (e) {
      throw new UpdateRejectedError('bad-metadata', `trusted root does not load: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const internals = updater as unknown as StoreInternals;
    if (!internals.trustedSet || !(internals.trustedSet.referenceTime instanceof Date) || typeof internals.persistMetadata !== 'function') {
      throw new UpdateLocalError('tuf-internals', 'tuf-js internals changed (trustedSet.referenceTime / persistMetadata): cannot inject the reference time');
    }
    internals.trustedSet.referenceTime = referenceTime;
    const persist = internals.persistMetadata.bind(updater);
    internals.persistMetadata = (name: string, bytes: Buffer) => {
      if (name === 'root') checkRootKeysUnique(bytes.toString('utf8'));
      checkpoint(`tuf:persist:${name}`, () => writeFileSync(join(work, `${name}.json`), bytes.subarray(0, bytes.length >> 1)));
      persist(name, bytes);
      checkpoint(`tuf:persisted:${name}`);
    };
    try {
      await updater.refresh();
    } catch (e) {
      throw classifyTufError(e);
    }
    for (const f of await readdir(work)) await fsyncPath(join(work, f));
    await fsyncPath(work);
    checkpoint('tuf:before-swap');
    await swapCurrent(opts.tufDir, genName(n));
    checkpoint('tuf:after-swap');
    for (const name of await readdir(opts.tufDir)) {
      if (name.startsWith('gen-') && name !== genName(n)) await rm(join(opts.tufDir, name), { recursive: true, force: true });
    }
    const targetsDoc = JSON.parse(await readFile(join(work, 'targets.json'), 'utf8')) as { signed: { targets?: Record<string, unknown> } };
    const set = internals.trustedSet;
    return {
      dir: work,
      rootVersion: set.root?.signed.version ?? 0,
      timestampVersion: set.timestamp?.signed.version ?? 0,
      targetNames: Object.keys(targetsDoc.signed.targets ?? {}),
      targetInfo: async (name) => {
        try {
          return await updater.getTargetInfo(name);
        } catch (e) {
          throw classifyTufError(e);
        }
      },
    };
  } catch (e) {
    // Only delete the work dir if it did not become current.
    const now = await readlink(current(opts.tufDir)).catch(() => '');
    if (now !== genName(n)) {
      await keepRootProgress(opts.tufDir, base, work, n + 1, checkpoint).catch((k: unknown) => opts.log.warn('could not keep the newer root', { error: k }));
      await rm(work, { recursive: true, force: true });
    }
    throw e;
  }
}

async function rootVersionIn(dir: string): Promise<number> {
  try {
    const v = (JSON.parse(await readFile(join(dir, 'root.json'), 'utf8')) as { signed?: { version?: unknown } }).signed?.version;
    return typeof v === 'number' ? v : 0;
  } catch {
    return 0;
  }
}

/**
 * A refresh that failed after tuf-js verified newer roots (e.g. root N+1 fine, N+2 bad) keeps
 * those roots: a new generation with the old files and the newest verified root.json. Only
 * root.json is taken from the failed run; tuf-js re-checks the other local files against it.
 */
async function keepRootProgress(tufDir: string, base: string, work: string, n: number, checkpoint: Checkpoint): Promise<void> {
  const workVersion = await rootVersionIn(work);
  if (workVersion <= (await rootVersionIn(base)) || !(await rootParses(work))) return;
  const dir = join(tufDir, genName(n));
  await mkdir(dir);
  for (const f of METADATA_FILES) {
    if (f === 'root.json') continue;
    await copyFile(join(base, f), join(dir, f)).catch(() => {});
  }
  await copyFile(join(work, 'root.json'), join(dir, 'root.json'));
  for (const f of await readdir(dir)) await fsyncPath(join(dir, f));
  await fsyncPath(dir);
  checkpoint('tuf:before-swap');
  await swapCurrent(tufDir, genName(n));
  for (const name of await readdir(tufDir)) {
    if (name.startsWith('gen-') && name !== genName(n) && join(tufDir, name) !== work) await rm(join(tufDir, name), { recursive: true, force: true });
  }
}

/** For tests and diagnostics: does the trusted metadata load (tuf-js would start)? */
export async function trustedMetadataLoads(tufDir: string): Promise<{ ok: boolean; rootVersion?: number; why?: string }> {
  try {
    const dir = join(tufDir, await readlink(current(tufDir)));
    const updater = new Updater({ metadataDir: dir, metadataBaseUrl: 'http://127.0.0.1:9/' });
    const set = (updater as unknown as StoreInternals).trustedSet;
    return { ok: true, rootVersion: set?.root?.signed.version ?? 0 };
  } catch (e) {
    return { ok: false, why: e instanceof Error ? e.message : String(e) };
  }
}
