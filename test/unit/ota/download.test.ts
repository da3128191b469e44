// The streaming target download: T1, T2, T16 and D1–D4 of ota.md §6.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { downloadTarget, downloadOnce, discardOtherDownloads, partialPath } from '../../../firmware/ota/download.js';
import type { DownloadOptions } from '../../../firmware/ota/download.js';
import { UpdateRejectedError } from '../../../firmware/ota/errors.js';
import { RepoSim } from './support/repo-sim.js';
import { tempDir } from './support/tmp.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const DATA = randomBytes(300_000);
let sim: RepoSim;
const NAME = 'tipring-2.0.0-sim-x64.tar.gz';
const PATH = `/targets/${sha(DATA)}.${NAME}`;

test.before(async () => {
  sim = new RepoSim(new Date());
  sim.addTarget(NAME, { data: DATA });
  await sim.start();
});
test.after(async () => sim.stop());
test.before.each(() => {
  sim.behaviours.clear();
  sim.requests.length = 0;
});

function opts(dir: string, clock = new FakeClock(), extra: Partial<DownloadOptions> = {}): DownloadOptions {
  return { url: `${sim.url}${PATH}`, dir, sha256: sha(DATA), length: DATA.length, clock, log: memoryLogger(), idleTimeoutMs: 1000, totalTimeoutMs: 60_000, ...extra };
}
const sleeps: number[] = [];
const retry = (attempts = 3) => ({ attempts, backoffMs: (n: number) => 1000 * 2 ** n, sleep: async (ms: number) => void sleeps.push(ms) });

async function rejects(p: Promise<unknown>, reason: string): Promise<UpdateRejectedError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, UpdateRejectedError, String(e));
    assert.is((e as UpdateRejectedError).reason, reason, (e as Error).message);
    return e as UpdateRejectedError;
  }
  assert.unreachable(`expected ${reason}, got success`);
  throw new Error('unreachable');
}

test('plain download: complete, hashed, named by sha256', async () => {
  const dir = tempDir();
  const out = await downloadOnce(opts(dir));
  assert.ok(readFileSync(out).equals(DATA));
  assert.equal(readdirSync(dir), [`${sha(DATA)}.bundle`]);
});

test('T1 same-length tampered target: hash mismatch, partial deleted', async () => {
  const evil = Buffer.from(DATA);
  evil[1234] ^= 0x01;
  sim.behaviours.set(PATH, { body: evil });
  const dir = tempDir();
  await rejects(downloadOnce(opts(dir)), 'tampered');
  assert.equal(readdirSync(dir), []);
});

test('T2 longer target: refused on the declared length, or at length+1 bytes without one', async () => {
  const longer = Buffer.concat([DATA, Buffer.from('more')]);
  sim.behaviours.set(PATH, { body: longer });
  const dir = tempDir();
  await rejects(downloadOnce(opts(dir)), 'too-long');
  sim.behaviours.set(PATH, { body: longer, noLength: true });
  await rejects(downloadOnce(opts(dir)), 'too-long');
  assert.equal(readdirSync(dir), [], 'nothing kept');
});

test('T16 slow retrieval: idle timeout, back off, later retry resumes', async () => {
  const clock = new FakeClock();
  const dir = tempDir();
  sim.behaviours.set(PATH, { stallAfter: 10_000, times: 1 });
  let first = true;
  sleeps.length = 0;
  const o = opts(dir, clock, {
    onProgress: (p) => {
      if (first && p.received >= 10_000) {
        first = false;
        setImmediate(() => clock.advance(1001)); // no byte for longer than the idle timeout
      }
    },
  });
  const out = await downloadTarget(o, retry());
  assert.ok(readFileSync(out).equals(DATA));
  assert.is(sleeps.length, 1, 'backed off once');
  assert.equal(sim.requests.map((r) => r.range ?? ''), ['', 'bytes=10000-']);
});

test('T16 overall deadline: a trickle that keeps the idle timer happy still ends', async () => {
  const clock = new FakeClock();
  const dir = tempDir();
  sim.behaviours.set(PATH, { stallAfter: 5_000 });
  const o = opts(dir, clock, { idleTimeoutMs: 1e9, totalTimeoutMs: 60_000, onProgress: () => setImmediate(() => clock.advance(60_001)) });
  const e = await rejects(downloadOnce(o), 'slow-retrieval');
  assert.match(e.message, /not finished within/);
  assert.ok(existsSync(partialPath(dir, sha(DATA))), 'partial kept for resuming');
});

test('D1 cut at 50%: resumed with Range, 206 accepted, full hash passes', async () => {
  const dir = tempDir();
  sim.behaviours.set(PATH, { cutAfter: DATA.length / 2, times: 1 });
  const out = await downloadTarget(opts(dir), retry());
  assert.ok(readFileSync(out).equals(DATA));
  assert.is(sim.requests.length, 2);
  assert.is(sim.requests[0]!.range, undefined);
  // The resume starts where the partial ended (the cut connection may lose data in flight).
  const from = Number(/^bytes=(\d+)-$/.exec(sim.requests[1]!.range ?? '')?.[1]);
  assert.ok(from > 0 && from <= DATA.length / 2, `resumed from ${from}`);
});

test('D2 server ignores Range (200): restart from 0, no appended garbage', async () => {
  const dir = tempDir();
  writeFileSync(partialPath(dir, sha(DATA)), DATA.subarray(0, 1000));
  sim.behaviours.set(PATH, { ignoreRange: true });
  const out = await downloadOnce(opts(dir));
  assert.is(readFileSync(out).length, DATA.length);
  assert.ok(readFileSync(out).equals(DATA));
  assert.is(sim.requests[0]!.range, 'bytes=1000-');
});

test('D2b a 206 that does not continue where we stopped is refused', async () => {
  const dir = tempDir();
  writeFileSync(partialPath(dir, sha(DATA)), DATA.subarray(0, 1000));
  // the server answers a different range than asked
  sim.behaviours.set(PATH, { body: DATA.subarray(1) });
  await rejects(downloadOnce(opts(dir)), 'http');
  assert.ok(!existsSync(partialPath(dir, sha(DATA))), 'bad partial dropped');
});

test('D3 a partial of another release is discarded, the current one kept', async () => {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  const stale = `${'e'.repeat(64)}.part`;
  writeFileSync(join(dir, stale), 'old');
  writeFileSync(partialPath(dir, sha(DATA)), DATA.subarray(0, 10));
  const removed = await discardOtherDownloads(dir, sha(DATA));
  assert.equal(removed, [stale]);
  assert.ok(existsSync(partialPath(dir, sha(DATA))));
});

test('D4 bit flip in the partial: hash fails, partial deleted, fresh retry succeeds', async () => {
  const dir = tempDir();
  const flipped = Buffer.from(DATA.subarray(0, 100_000));
  flipped[500] ^= 0x80;
  writeFileSync(partialPath(dir, sha(DATA)), flipped);
  const out = await downloadTarget(opts(dir), retry());
  assert.ok(readFileSync(out).equals(DATA));
  assert.equal(sim.requests.map((r) => r.range ?? ''), ['bytes=100000-', '']);
});

test('D4 retries are bounded: a server that always corrupts is given up on', async () => {
  const dir = tempDir();
  const evil = Buffer.from(DATA);
  evil[0] ^= 1;
  sim.behaviours.set(PATH, { body: evil });
  await rejects(downloadTarget(opts(dir), retry(3)), 'tampered');
  assert.is(sim.requests.length, 3);
});

test('404 is final (no retries)', async () => {
  const dir = tempDir();
  await rejects(downloadTarget({ ...opts(dir), url: `${sim.url}/targets/nope` }, retry(3)), 'not-found');
  assert.is(sim.requests.length, 1);
});

test.run();
