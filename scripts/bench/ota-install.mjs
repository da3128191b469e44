// Update install cost for a 200 MB bundle, next to a baseline measured in the same run:
//   tipring: streaming download from a loopback HTTP server (hash as it goes, fsync) +
//            extraction into a slot (every file fsynced) + full re-verification against the manifest
//   baseline: the same bundle with `sha256sum` + `tar -xzf` (no fsync, no re-verification)
// Each runs in its own process; peak memory is that process's max RSS (python3 rusage, or
// /usr/bin/time). Nothing asserts on these numbers.
import { spawnSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, statSync, createReadStream } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => pathToFileURL(path.join(root, 'dist/firmware/ota', p)).href;
const SIZE_MB = Number(process.env.OTA_BENCH_MB ?? 200);

function makeTree(dir) {
  // Like a real bundle: a few big files plus many small ones (node_modules).
  mkdirSync(path.join(dir, 'dist/firmware'), { recursive: true });
  writeFileSync(path.join(dir, 'dist/firmware/cli.js'), 'console.log("bench")\n');
  const big = Math.floor((SIZE_MB * 0.9) / 10);
  for (let i = 0; i < 10; i++) writeFileSync(path.join(dir, `dist/blob-${i}.bin`), randomBytes(big * 1024 * 1024));
  const small = Math.floor((SIZE_MB * 0.1 * 1024 * 1024) / 4096);
  for (let i = 0; i < small; i++) {
    const d = path.join(dir, `node_modules/pkg-${i % 200}/lib`);
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, `f${i}.js`), randomBytes(4096).toString('base64').slice(0, 4096));
  }
}

/** Run a command; return wall ms and max RSS KiB of the child. */
function measure(cmd, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  let rssKiB = NaN;
  const py = spawnSync('python3', ['-c', 'import resource,subprocess,sys\nr=subprocess.run(sys.argv[1:])\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,file=sys.stderr)\nsys.exit(r.returncode)', cmd, ...args], { ...opts, encoding: 'utf8' });
  if (py.error) {
    const t = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { ...opts, encoding: 'utf8' });
    rssKiB = Number(t.stderr.trim().split('\n').pop());
    if (t.status !== 0) throw new Error(`${cmd} failed: ${t.stderr}`);
  } else {
    if (py.status !== 0) throw new Error(`${cmd} failed: ${py.stderr}`);
    rssKiB = Number(py.stderr.trim().split('\n').pop());
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, rssMB: rssKiB / 1024 };
}

export async function run() {
  const work = mkdtempSync(path.join(process.env.OTA_BENCH_DIR ?? tmpdir(), 'ota-bench-'));
  try {
    const { buildBundle } = await import(dist('bundle-build.js'));
    const tree = path.join(work, 'tree');
    makeTree(tree);
    const bundlePath = path.join(work, 'bundle.tar.gz');
    const t0 = process.hrtime.bigint();
    const built = await buildBundle(tree, { version: '9.9.9', releaseCounter: 9, hardware: ['sim'], arch: process.arch, node: '>=20', entry: 'dist/firmware/cli.js' }, bundlePath);
    const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
    rmSync(tree, { recursive: true, force: true });

    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-length': built.length });
      createReadStream(bundlePath).pipe(res);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}/bundle.tar.gz`;

    // tipring: a child process doing download + install + verify, like the device does.
    const slotRoot = path.join(work, 'device');
    const script = path.join(work, 'install.mjs');
    writeFileSync(script, `
      const { downloadOnce } = await import(${JSON.stringify(dist('download.js'))});
      const { installIntoSlot } = await import(${JSON.stringify(dist('slots.js'))});
      const { otaPaths } = await import(${JSON.stringify(dist('paths.js'))});
      const { createSystemClock } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'dist/firmware/core/system-clock.js')).href)});
      const { silentLogger } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'dist/firmware/core/log.js')).href)});
      const paths = otaPaths(process.argv[2]);
      const file = await downloadOnce({ url: process.argv[3], dir: paths.downloadDir, sha256: process.argv[4], length: Number(process.argv[5]),
        clock: createSystemClock(), log: silentLogger, idleTimeoutMs: 60000, totalTimeoutMs: 3600000 });
      await installIntoSlot({ paths, slot: 'b', bundle: file, log: silentLogger,
        expect: { version: '9.9.9', counter: 9, sha256: process.argv[4], board: 'sim', arch: process.arch } });
    `);
    // The server runs in this process: measure the child asynchronously so it can be served.
    const ours = await new Promise((resolve, reject) => {
      const t = process.hrtime.bigint();
      const child = spawn('python3', ['-c', 'import resource,subprocess,sys\nr=subprocess.run(sys.argv[1:])\nprint(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,file=sys.stderr)\nsys.exit(r.returncode)',
        process.execPath, script, slotRoot, url, built.sha256, String(built.length)], { stdio: ['ignore', 'inherit', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.on('exit', (code) => (code === 0 ? resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, rssMB: Number(err.trim().split('\n').pop()) / 1024 }) : reject(new Error(err))));
    });
    server.close();

    const base = path.join(work, 'baseline');
    mkdirSync(base);
    const sha = measure('sha256sum', [bundlePath]);
    const tar = measure('tar', ['-xzf', bundlePath, '-C', base]);
    const baseline = { ms: sha.ms + tar.ms, rssMB: Math.max(sha.rssMB, tar.rssMB) };
    const mb = (built.length / 1024 / 1024).toFixed(0);
    const files = built.manifest.files.length;

    console.log(`bundle: ${mb} MiB compressed, ${files} files (built in ${(buildMs / 1000).toFixed(1)} s)`);
    console.log('');
    console.log('| install of the same bundle                              | time    | peak RSS |');
    console.log('|---------------------------------------------------------|---------|----------|');
    console.log(`| tipring: HTTP download+hash, extract+fsync, re-verify   | ${(ours.ms / 1000).toFixed(1).padStart(5)} s | ${ours.rssMB.toFixed(0).padStart(5)} MB |`);
    console.log(`| baseline: sha256sum + tar -xzf (no fsync, no re-verify) | ${(baseline.ms / 1000).toFixed(1).padStart(5)} s | ${baseline.rssMB.toFixed(0).padStart(5)} MB |`);
    console.log(`(bench dir ${path.basename(work)} on ${process.env.OTA_BENCH_DIR ?? tmpdir()}; bundle ${statSync(bundlePath).size} bytes)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run();
