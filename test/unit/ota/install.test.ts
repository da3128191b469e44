// Flashing: the release bundle script, the .deb (content, metadata, maintainer scripts run
// against a DPKG_ROOT directory), install.sh into a DESTDIR, and an SD-card image built from a
// synthetic base image without loop devices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { otaPaths } from '../../../firmware/ota/paths.js';
import { checkSlot } from '../../../firmware/ota/slots.js';
import { readState } from '../../../firmware/ota/state.js';
import { keygen, publishRelease } from '../../../firmware/ota/repo/repository.js';
import { repoRoot, tempDir } from './support/tmp.js';

const root = repoRoot();
let bundle = '';
let trustedRoot = '';

const sh = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

test.before(() => {
  const out = tempDir('release-');
  // --skip-build: the test run has just built dist/
  sh('bash', ['scripts/release/build-bundle.sh', '--counter', '1', '--version', '0.9.0', '--board', 'sim', '--out', out, '--skip-build']);
  bundle = join(out, readdirSync(out).find((f) => f.endsWith('.tar.gz'))!);
});

test('build-bundle.sh: firmware, production deps for the arch, manifest; no tests shipped', async () => {
  assert.match(bundle, new RegExp(`tipring-0\\.9\\.0-sim-${process.arch}\\.tar\\.gz$`));
  const list = sh('tar', ['-tzf', bundle]).split('\n');
  assert.is(list[0], 'manifest.json', 'manifest first');
  assert.ok(list.includes('dist/firmware/cli.js'));
  assert.ok(list.includes('dist/firmware/ota/launcher-main.js'));
  assert.ok(list.some((f) => f.startsWith('node_modules/tuf-js/')), 'production dependency present');
  assert.not.ok(list.some((f) => f.startsWith('node_modules/typescript/') || f.startsWith('node_modules/uvu/')), 'no dev dependencies');
  assert.not.ok(list.some((f) => f.startsWith('dist/test/') || f.endsWith('.test.js')), 'no tests');
  const manifest = JSON.parse(sh('tar', ['-xzOf', bundle, 'manifest.json'])) as { version: string; releaseCounter: number; hardware: string[]; arch: string; files: Array<{ path: string; sha256?: string }> };
  assert.equal([manifest.version, manifest.releaseCounter, manifest.hardware, manifest.arch], ['0.9.0', 1, ['sim'], process.arch]);
  assert.ok(manifest.files.every((f) => 'link' in f || /^[0-9a-f]{64}$/.test(f.sha256 ?? '')));
  const keys = tempDir('keys-');
  const repo = tempDir('repo-');
  await keygen(keys);
  await publishRelease(repo, [keys], bundle, 'tipring-0.9.0-sim.tar.gz', new Date());
  trustedRoot = join(repo, 'metadata/root.json');
});

function debArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : 'armhf';
}

let deb = '';

test('.deb: builds with dpkg-deb; -I and -c show the expected package', () => {
  const out = tempDir('deb-');
  deb = sh('bash', ['scripts/install/build-deb.sh', '--bundle', bundle, '--trusted-root', trustedRoot, '--repository', 'http://updates.test/tipring', '--out', out]).trim();
  assert.is(deb, join(out, `tipring_0.9.0_${debArch()}.deb`));
  const info = sh('dpkg-deb', ['-I', deb]);
  assert.match(info, /Package: tipring/);
  assert.match(info, new RegExp(`Architecture: ${debArch()}`));
  assert.match(info, /Version: 0\.9\.0/);
  assert.match(info, /Depends: nodejs \(>= 20\)/);
  for (const s of ['postinst', 'prerm', 'postrm']) assert.match(info, new RegExp(`\\b${s}\\b`));
  const contents = sh('dpkg-deb', ['-c', deb]);
  for (const f of [
    './opt/tipring/bootstrap/dist/firmware/ota/launcher-main.js',
    './opt/tipring/bootstrap/manifest.json',
    './usr/bin/tipring',
    './usr/share/tipring/bundle.tar.gz',
    './usr/share/tipring/root.json',
    './usr/share/tipring/setup-device.sh',
    './usr/share/tipring/tipring.service',
  ]) {
    assert.ok(contents.includes(f), `${f} in the package`);
  }
  assert.match(contents, /-rwxr-xr-x root\/root .* \.\/usr\/bin\/tipring/);
  assert.not.match(contents, /\.\/etc\/tipring\/tipring\.yaml/, 'no shipped config (and so no shipped password)');
});

function installDeb(): string {
  const dest = tempDir('dpkgroot-');
  sh('dpkg-deb', ['-x', deb, dest]);
  sh('dpkg-deb', ['-e', deb, join(dest, 'DEBIAN')]);
  sh('sh', [join(dest, 'DEBIAN/postinst'), 'configure'], { DPKG_ROOT: dest });
  return dest;
}

test('.deb postinst (DPKG_ROOT): slots, state, trusted root, unique config, unit', async () => {
  const dest = installDeb();
  const paths = otaPaths(join(dest, 'opt/tipring'));
  const state = await readState(paths.stateFile);
  assert.equal([state.committed.slot, state.committed.version, state.committed.counter, state.trial], ['a', '0.9.0', 1, null]);
  const slot = await checkSlot(paths, 'a', true);
  assert.ok(slot.ok, slot.why);
  assert.ok(existsSync(join(paths.tufDir, 'current/root.json')));
  const cfg = join(dest, 'etc/tipring/tipring.yaml');
  assert.is(statSync(cfg).mode & 0o777, 0o600);
  const text = readFileSync(cfg, 'utf8');
  assert.not.match(text, /@[A-Z_]+@/, 'all placeholders filled');
  const pw = /password: "([^"]+)"/.exec(text)![1]!;
  assert.ok(pw.length >= 16, 'generated password');
  const check = spawnSync(process.execPath, [join(root, 'dist/firmware/cli.js'), 'check-config', '--config', cfg], { encoding: 'utf8' });
  assert.is(check.status, 0, check.stderr);
  assert.match(readFileSync(join(dest, 'etc/tipring/update.yaml'), 'utf8'), /repository: http:\/\/updates\.test\/tipring/);
  const unit = readFileSync(join(dest, 'etc/systemd/system/tipring.service'), 'utf8');
  assert.not.match(unit, /@[A-Z]+@/);
  assert.match(unit, /Type=notify/);
  assert.match(unit, /WatchdogSec=/);
  assert.ok(existsSync(join(dest, 'etc/systemd/system/multi-user.target.wants/tipring.service')));
  // Idempotent: a second configure keeps state and password.
  sh('sh', [join(dest, 'DEBIAN/postinst'), 'configure'], { DPKG_ROOT: dest });
  assert.is(/password: "([^"]+)"/.exec(readFileSync(cfg, 'utf8'))![1], pw);
  // Another device gets another password.
  const other = installDeb();
  assert.is.not(/password: "([^"]+)"/.exec(readFileSync(join(other, 'etc/tipring/tipring.yaml'), 'utf8'))![1], pw);
  // purge removes the device data and config
  sh('sh', [join(dest, 'DEBIAN/postrm'), 'purge'], { DPKG_ROOT: dest });
  assert.not.ok(existsSync(join(dest, 'etc/tipring')));
  assert.not.ok(existsSync(paths.stateFile));
});

test('install.sh into a DESTDIR tree with passwd: user added, files owned by it, wrapper', () => {
  const dest = tempDir('destdir-');
  mkdirSync(join(dest, 'etc'), { recursive: true });
  writeFileSync(join(dest, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(join(dest, 'etc/group'), 'root:x:0:\naudio:x:29:\ngpio:x:997:pi\n');
  writeFileSync(join(dest, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n');
  sh('sh', ['scripts/install/install.sh', '--bundle', bundle, '--trusted-root', trustedRoot, '--board', 'sim', '--hw-watchdog', '--sip-user', '201', '--registrar', 'pbx.lan:5060'], { DESTDIR: dest });
  const passwd = readFileSync(join(dest, 'etc/passwd'), 'utf8');
  const m = /^tipring:x:(\d+):(\d+):.*:\/usr\/sbin\/nologin$/m.exec(passwd);
  assert.ok(m, passwd);
  assert.match(readFileSync(join(dest, 'etc/shadow'), 'utf8'), /^tipring:!:/m, 'locked: no password login');
  assert.match(readFileSync(join(dest, 'etc/group'), 'utf8'), /^gpio:x:997:pi,tipring$/m);
  assert.is(statSync(join(dest, 'opt/tipring/state/update.json')).uid, Number(m![1]));
  assert.is(statSync(join(dest, 'etc/tipring/tipring.yaml')).uid, Number(m![1]));
  assert.ok(statSync(join(dest, 'usr/local/bin/tipring')).mode & 0o111);
  assert.ok(existsSync(join(dest, 'etc/systemd/system.conf.d/tipring-watchdog.conf')));
  assert.match(readFileSync(join(dest, 'etc/systemd/system/tipring.service'), 'utf8'), /SupplementaryGroups=gpio audio/);
  assert.match(readFileSync(join(dest, 'etc/tipring/tipring.yaml'), 'utf8'), /user: "201"/);
});

const haveImageTools = ['sfdisk', 'debugfs', 'mkfs.ext4', 'mcopy', 'mformat'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

test('build-image.sh: a ready SD image without loop devices (synthetic base image)', () => {
  if (!haveImageTools) {
    console.log('  (sfdisk/debugfs/mtools missing: run npm run setup-peers; image test skipped)');
    return;
  }
  const w = tempDir('img-');
  // A miniature "Raspberry Pi OS": FAT boot partition + ext4 root holding /etc/passwd.
  const tree = join(w, 'rootfs');
  mkdirSync(join(tree, 'etc'), { recursive: true });
  mkdirSync(join(tree, 'usr/local'), { recursive: true });
  writeFileSync(join(tree, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(join(tree, 'etc/group'), 'root:x:0:\ngpio:x:997:\n');
  writeFileSync(join(tree, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n');
  const img = join(w, 'base.img');
  sh('truncate', ['-s', '96M', img]);
  sh('sh', ['-c', `printf 'label: dos\\nstart=2048, size=32768, type=c\\nstart=34816, type=83\\n' | sfdisk -q ${img}`]);
  sh('mformat', ['-i', `${img}@@${2048 * 512}`, '-T', '32768', '-h', '2', '-s', '32', '::']);
  const rootPart = join(w, 'root.ext4');
  const rootSectors = 96 * 2048 - 34816;
  sh('mkfs.ext4', ['-q', '-F', '-d', tree, '-L', 'rootfs', rootPart, `${rootSectors / 2}k`]);
  sh('dd', [`if=${rootPart}`, `of=${img}`, 'bs=512', 'seek=34816', 'conv=notrunc', 'status=none']);
  const out = join(w, 'tipring.img');
  sh('bash', ['scripts/install/build-image.sh', '--base', img, '--out', out, '--ssh', '--bundle', bundle, '--trusted-root', trustedRoot, '--board', 'sim', '--repository', 'http://updates.test/tipring']);
  // Read the result back the same way: partition 2 out of the image, debugfs.
  const part = join(w, 'out-root.ext4');
  sh('dd', [`if=${out}`, `of=${part}`, 'bs=512', 'skip=34816', `count=${rootSectors}`, 'status=none']);
  const cat = (p: string) => sh('debugfs', ['-R', `cat ${p}`, part]);
  const state = JSON.parse(cat('/opt/tipring/state/update.json')) as { committed: { version: string; slot: string } };
  assert.equal([state.committed.slot, state.committed.version], ['a', '0.9.0']);
  assert.match(cat('/etc/passwd'), /^tipring:x:\d+:/m);
  assert.match(cat('/etc/tipring/update.yaml'), /updates\.test/);
  assert.match(sh('debugfs', ['-R', 'stat /etc/tipring/tipring.yaml', part]), /Mode:\s+0600/);
  assert.match(sh('debugfs', ['-R', 'ls -l /etc/systemd/system/multi-user.target.wants', part]), /tipring\.service/);
  assert.match(sh('debugfs', ['-R', 'ls /opt/tipring/slots/a/dist/firmware/ota', part]), /launcher-main\.js/);
  assert.match(sh('dumpe2fs', ['-h', part]), /Filesystem volume name:\s+rootfs/);
  assert.match(sh('mdir', ['-i', `${out}@@${2048 * 512}`, '::']), /ssh/i);
});

test.run();
