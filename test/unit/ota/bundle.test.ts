import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, symlinkSync, chmodSync, readFileSync, statSync, appendFileSync, createWriteStream, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import { buildBundle, bundleTargetName } from '../../../firmware/ota/bundle-build.js';
import { verifyTree, sha256File } from '../../../firmware/ota/bundle-manifest.js';
import { extractTarGz, safeEntryName } from '../../../firmware/ota/tar-extract.js';
import { encodeEntry, padding } from '../../../firmware/ota/tar-format.js';
import type { TarHeader } from '../../../firmware/ota/tar-format.js';
import { UpdateRejectedError } from '../../../firmware/ota/errors.js';
import { tempDir } from './support/tmp.js';

const INFO = { version: '1.2.3', releaseCounter: 7, hardware: ['sim'], arch: 'x64', node: '>=20', entry: 'dist/firmware/cli.js' };
const LONG = 'node_modules/' + 'a-very-long-package-name-'.repeat(6) + '/lib/' + 'deeply-nested-file-name-'.repeat(5) + '.js';

function makeTree(): string {
  const dir = tempDir('tree-');
  mkdirSync(join(dir, 'dist/firmware'), { recursive: true });
  writeFileSync(join(dir, 'dist/firmware/cli.js'), 'console.log("hi")\n');
  writeFileSync(join(dir, 'package.json'), '{"name":"tipring"}\n');
  mkdirSync(join(dir, LONG, '..'), { recursive: true });
  writeFileSync(join(dir, LONG), 'x'.repeat(70_000));
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/tool.js'), '#!/usr/bin/env node\n');
  chmodSync(join(dir, 'node_modules/tool.js'), 0o755);
  symlinkSync('../tool.js', join(dir, 'node_modules/.bin/tool'));
  return dir;
}

async function rawTarGz(entries: Array<{ h: TarHeader; data?: Buffer }>): Promise<string> {
  const path = join(tempDir('raw-'), 'x.tar.gz');
  const gz = createGzip();
  const out = createWriteStream(path);
  gz.pipe(out);
  for (const { h, data } of entries) {
    for (const b of encodeEntry(h)) gz.write(b);
    if (data) gz.write(Buffer.concat([data, Buffer.alloc(padding(data.length))]));
  }
  gz.end(Buffer.alloc(1024));
  await once(out, 'close');
  return path;
}

const file = (name: string, body = 'x'): { h: TarHeader; data: Buffer } => ({
  h: { name, mode: 0o644, size: Buffer.byteLength(body), mtime: 0, type: 'file', linkname: '' },
  data: Buffer.from(body),
});

test('bundle round trip: build, extract, verify (long names, symlinks, exec bits)', async () => {
  const tree = makeTree();
  const out = join(tempDir('out-'), bundleTargetName('1.2.3', 'sim', 'x64'));
  const built = await buildBundle(tree, INFO, out);
  assert.is(built.sha256, (await sha256File(out)).sha256);
  assert.is(built.length, statSync(out).size);
  assert.ok(built.manifest.files.some((f) => f.path === LONG));
  const dest = tempDir('slot-');
  const r = await extractTarGz(out, dest);
  assert.is(r.files, 5, 'manifest.json and the four files');
  assert.is(r.symlinks, 1);
  const { manifest } = await verifyTree(dest);
  assert.is(manifest.releaseCounter, 7);
  assert.is(readFileSync(join(dest, LONG), 'utf8').length, 70_000);
  assert.ok(statSync(join(dest, 'node_modules/tool.js')).mode & 0o100);
  assert.is(readlinkSync(join(dest, 'node_modules/.bin/tool')), '../tool.js');
});

test('GNU tar reads our bundles (interop)', async () => {
  const out = join(tempDir('out-'), 'b.tar.gz');
  await buildBundle(makeTree(), INFO, out);
  const list = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).split('\n');
  assert.ok(list.includes(LONG), 'long pax name understood by GNU tar');
  assert.ok(list.includes('manifest.json'));
});

test('same tree, same bytes (reproducible)', async () => {
  const tree = makeTree();
  const a = await buildBundle(tree, INFO, join(tempDir(), 'a.tar.gz'));
  const b = await buildBundle(tree, INFO, join(tempDir(), 'b.tar.gz'));
  assert.is(a.sha256, b.sha256);
});

test('verifyTree catches a changed, an added and a removed file', async () => {
  const out = join(tempDir(), 'b.tar.gz');
  await buildBundle(makeTree(), INFO, out);
  for (const damage of [
    (d: string) => appendFileSync(join(d, 'package.json'), ' '),
    (d: string) => writeFileSync(join(d, 'dist/extra.js'), ''),
    (d: string) => execFileSync('rm', [join(d, 'node_modules/tool.js')]),
  ]) {
    const dest = tempDir('slot-');
    await extractTarGz(out, dest);
    damage(dest);
    try {
      await verifyTree(dest);
      assert.unreachable('damage not detected');
    } catch (e) {
      assert.instance(e, UpdateRejectedError);
      assert.is((e as UpdateRejectedError).reason, 'bad-bundle');
    }
  }
});

test('safeEntryName refuses traversal and absolute names', () => {
  assert.is(safeEntryName('./a/b/'), 'a/b');
  for (const n of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a/./b', 'a\\b']) {
    assert.throws(() => safeEntryName(n), (e: unknown) => e instanceof UpdateRejectedError, n);
  }
});

test('malicious archives are refused', async () => {
  const cases: Array<[string, Array<{ h: TarHeader; data?: Buffer }>]> = [
    ['traversal', [file('../evil')]],
    ['absolute', [file('/tmp/evil')]],
    ['pax traversal', [file('../' + 'x'.repeat(200))]],
    ['symlink escape', [{ h: { name: 'l', mode: 0o777, size: 0, mtime: 0, type: 'symlink', linkname: '../../etc' } }]],
    ['write below symlink', [{ h: { name: 'l', mode: 0o777, size: 0, mtime: 0, type: 'symlink', linkname: 'd' } }, file('l/x')]],
    ['duplicate', [file('a'), file('a')]],
    ['hard link', [{ h: { name: 'h', mode: 0o644, size: 0, mtime: 0, type: 'other', linkname: 'a', flag: '1' } }]],
    ['device', [{ h: { name: 'dev', mode: 0o644, size: 0, mtime: 0, type: 'other', linkname: '', flag: '3' } }]],
  ];
  for (const [what, entries] of cases) {
    const archive = await rawTarGz(entries);
    const dest = tempDir('slot-');
    try {
      await extractTarGz(archive, dest);
      assert.unreachable(`${what} accepted`);
    } catch (e) {
      assert.instance(e, UpdateRejectedError, what);
    }
  }
});

test('truncated and corrupt archives are refused', async () => {
  const out = join(tempDir(), 'b.tar.gz');
  await buildBundle(makeTree(), INFO, out);
  const bytes = readFileSync(out);
  const cut = join(tempDir(), 'cut.tar.gz');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  let failed = false;
  try {
    await extractTarGz(cut, tempDir('slot-'));
  } catch {
    failed = true;
  }
  assert.ok(failed, 'truncated archive must fail');
});

test('expansion limit (zip bomb) stops extraction', async () => {
  const out = join(tempDir(), 'b.tar.gz');
  await buildBundle(makeTree(), INFO, out);
  try {
    await extractTarGz(out, tempDir('slot-'), { limits: { maxTotalBytes: 1000 } });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /more than 1000 bytes/);
  }
});

test.run();
