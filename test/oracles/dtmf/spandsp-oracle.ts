/**
 * spandsp's DTMF receiver/generator as a test-time oracle: compiles spandsp-dtmf.c on demand into
 * the git-ignored `.cache/oracles/dtmf/` (a `.cache/.gitignore` of `*` keeps it out of git) and
 * runs it on raw 16-bit LE PCM through stdin/stdout.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Detection {
  digit: string;
  /** Sample count fed to the detector when it reported the digit. */
  sample: number;
}

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** `<repo>/.cache/<sub>`, created, with the whole .cache ignored by git. */
export function cacheDir(sub: string): string {
  const root = path.join(repoRoot(), '.cache');
  mkdirSync(path.join(root, sub), { recursive: true });
  const ignore = path.join(root, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '*\n');
  return path.join(root, sub);
}

let built: string | null | undefined;

/** Path of the compiled oracle, building it if needed; null (with the reason) if spandsp is absent. */
export function spandspBinary(): { path: string | null; reason: string } {
  if (built) return { path: built, reason: '' };
  const cflags = spawnSync('pkg-config', ['--cflags', '--libs', 'spandsp'], { encoding: 'utf8' });
  if (cflags.status !== 0) return { path: null, reason: 'pkg-config spandsp failed (apt-get install libspandsp-dev pkg-config)' };
  const src = path.join(repoRoot(), 'test/oracles/dtmf/spandsp-dtmf.c');
  const bin = path.join(cacheDir('oracles/dtmf'), 'spandsp-dtmf');
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs) {
    const cc = spawnSync('cc', ['-O2', '-o', bin, src, ...cflags.stdout.trim().split(/\s+/).filter(Boolean)], { encoding: 'utf8' });
    if (cc.status !== 0) return { path: null, reason: `cc failed: ${cc.stderr || cc.error}` };
  }
  built = bin;
  return { path: bin, reason: '' };
}

function toBytes(pcm: Int16Array): Buffer {
  const b = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) b.writeInt16LE(pcm[i] as number, 2 * i);
  return b;
}

/** Run spandsp's dtmf_rx over the PCM. */
export function spandspDetect(pcm: Int16Array): Detection[] {
  const bin = spandspBinary();
  if (!bin.path) throw new Error(bin.reason);
  const r = spawnSync(bin.path, ['rx'], { input: toBytes(pcm), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`spandsp-dtmf rx exited ${r.status}: ${r.stderr}`);
  const out: Detection[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(\S) (\d+)$/.exec(line);
    if (m) out.push({ digit: m[1] as string, sample: Number(m[2]) });
  }
  return out;
}

/** spandsp's generator: digits at `levelDbm0` per tone (its own level convention), on/off ms. */
export function spandspGenerate(digits: string, levelDbm0 = -10, twistDb = 0, onMs = 50, offMs = 50): Int16Array {
  const bin = spandspBinary();
  if (!bin.path) throw new Error(bin.reason);
  const r = spawnSync(bin.path, ['tx', digits, String(levelDbm0), String(twistDb), String(onMs), String(offMs)], { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`spandsp-dtmf tx exited ${r.status}`);
  const b = r.stdout as Buffer;
  const out = new Int16Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(2 * i);
  return out;
}
