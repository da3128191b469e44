import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AtomicWriteError, SECRET_FILE_MODE, writeFileAtomic } from '../../../firmware/core/atomic-write.js';

const dirs: string[] = [];
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'tipring-atomic-'));
  dirs.push(d);
  return d;
}
const modeOf = (p: string) => statSync(p).mode & 0o777;

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('creates a new file with the data, leaving no temp file behind', async () => {
  const dir = scratch();
  const target = join(dir, 'config.yaml');
  await writeFileAtomic(target, 'hello: 1\n');
  assert.is(readFileSync(target, 'utf8'), 'hello: 1\n');
  assert.equal(readdirSync(dir), ['config.yaml']);
});

test('replaces an existing file; Buffers are written byte for byte', async () => {
  const dir = scratch();
  const target = join(dir, 'blob.bin');
  writeFileSync(target, 'old contents that are longer than the new ones');
  const data = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
  await writeFileAtomic(target, data);
  assert.equal(readFileSync(target), data);
  assert.equal(readdirSync(dir), ['blob.bin']);
});

test('mode: secrets get 0o600 whatever the umask', async () => {
  const dir = scratch();
  const target = join(dir, 'secrets.yaml');
  await writeFileAtomic(target, 'password: x\n', { mode: SECRET_FILE_MODE });
  assert.is(modeOf(target), 0o600);
  // Also when replacing a file that was world-readable.
  chmodSync(target, 0o644);
  await writeFileAtomic(target, 'password: y\n', { mode: SECRET_FILE_MODE });
  assert.is(modeOf(target), 0o600);
  assert.is(readFileSync(target, 'utf8'), 'password: y\n');
});

test('without a mode, the replaced file keeps its mode', async () => {
  const dir = scratch();
  const target = join(dir, 'keep.txt');
  writeFileSync(target, 'a');
  chmodSync(target, 0o640);
  await writeFileAtomic(target, 'b');
  assert.is(modeOf(target), 0o640);
  assert.is(readFileSync(target, 'utf8'), 'b');
});

test('failure at rename: the old target is untouched and the temp file removed', async () => {
  const dir = scratch();
  // A non-empty directory cannot be renamed over: rename fails after the temp file is written.
  const target = join(dir, 'occupied');
  mkdirSync(target);
  writeFileSync(join(target, 'inside.txt'), 'precious');
  try {
    await writeFileAtomic(target, 'new data');
    assert.unreachable('should fail');
  } catch (e) {
    assert.instance(e, AtomicWriteError);
    assert.is((e as AtomicWriteError).code, 'atomic-write-failed');
    assert.is((e as AtomicWriteError).context.step, 'rename');
    assert.ok((e as AtomicWriteError).cause, 'keeps the fs error as cause');
  }
  assert.equal(readdirSync(dir), ['occupied']);
  assert.is(readFileSync(join(target, 'inside.txt'), 'utf8'), 'precious');
});

test('failure at create: a missing directory is reported, nothing is left behind', async () => {
  const dir = scratch();
  try {
    await writeFileAtomic(join(dir, 'no-such-dir', 'x.txt'), 'x');
    assert.unreachable('should fail');
  } catch (e) {
    assert.instance(e, AtomicWriteError);
    assert.is((e as AtomicWriteError).context.step, 'create');
  }
  assert.equal(readdirSync(dir), []);
});

test('concurrent writers: the file ends up as one whole version, never a mix', async () => {
  const dir = scratch();
  const target = join(dir, 'race.txt');
  const versions = Array.from({ length: 8 }, (_, i) => String(i).repeat(64 * 1024));
  await Promise.all(versions.map((v) => writeFileAtomic(target, v)));
  assert.ok(versions.includes(readFileSync(target, 'utf8')));
  assert.equal(readdirSync(dir), ['race.txt']);
});

test.run();
