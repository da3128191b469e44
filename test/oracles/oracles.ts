/**
 * Reference implementations used as oracles by tests and benchmarks: small C harnesses in this
 * folder, compiled on demand against the Debian libraries (libspeexdsp-dev, libspandsp-dev) into
 * node_modules/.cache/tipring-oracles/ (git-ignored). Nothing here is shipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrivalOrder } from '../../firmware/media/jitter/sim/network-model.js';
import type { Trace } from '../../firmware/media/jitter/sim/network-model.js';

export type OracleName = 'speex-jitter' | 'spandsp-plc';

const LIBS: Record<OracleName, string> = { 'speex-jitter': 'speexdsp', 'spandsp-plc': 'spandsp' };

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found');
    dir = up;
  }
  return dir;
}

/**
 * Build (if missing or older than its source) and return the path of an oracle binary, or an
 * error string saying why it cannot be built (no compiler, library not installed).
 */
export function buildOracle(name: OracleName): { path: string } | { error: string } {
  const root = repoRoot();
  const src = path.join(root, 'test/oracles', `${name}.c`);
  const dir = path.join(root, 'node_modules/.cache/tipring-oracles');
  const bin = path.join(dir, name);
  if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(src).mtimeMs) return { path: bin };
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', LIBS[name]], { encoding: 'utf8' });
  if (flags.status !== 0) return { error: `pkg-config ${LIBS[name]} failed (install lib${LIBS[name]}-dev): ${flags.stderr ?? flags.error}` };
  mkdirSync(dir, { recursive: true });
  const cc = spawnSync('cc', ['-O2', '-o', bin, src, ...flags.stdout.trim().split(/\s+/).filter(Boolean)], { encoding: 'utf8' });
  if (cc.status !== 0) return { error: `cc failed: ${cc.stderr ?? cc.error}` };
  return { path: bin };
}

/**
 * Replay `trace` through the speexdsp jitter buffer: one tick per packet time (at the trace's
 * pull phase), packets put when they have arrived by the tick, then `jitter_buffer_get` and
 * `jitter_buffer_tick`. Returns each packet's playout time (its tick), NaN if never returned.
 */
export function speexPlayout(trace: Trace, bin: string): Float64Array {
  const n = trace.packets.length;
  const span = trace.span;
  const tick = trace.ptimeMs;
  const order = arrivalOrder(trace);
  const ts0 = trace.packets[0]?.timestamp ?? 0;
  const last = Math.max(order.length ? order[order.length - 1].arrivalMs : 0, n ? trace.packets[n - 1].sendMs : 0);
  const ticks = Math.ceil((last + 2000) / tick);
  const lines: string[] = [`I ${span}`];
  let next = 0;
  for (let k = 0; k < ticks; k++) {
    const t = trace.pullPhaseMs + k * tick;
    while (next < order.length && order[next].arrivalMs <= t) {
      const p = order[next++];
      lines.push(`P ${(p.timestamp - ts0) >>> 0} ${span} ${p.sequence}`);
    }
    lines.push(`G ${span}`);
  }
  const run = spawnSync(bin, [], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`speex-jitter exited with ${run.status}: ${run.stderr}`);
  const playAt = new Float64Array(n).fill(NaN);
  const out = run.stdout.split('\n');
  for (let k = 0; k < ticks && k < out.length; k++) {
    const [status, ts] = out[k].split(' ');
    if (status !== '0') continue;
    const i = Math.round(Number(ts) / span);
    if (i >= 0 && i < n && Number.isNaN(playAt[i])) playAt[i] = trace.pullPhaseMs + k * tick;
  }
  return playAt;
}

/**
 * spandsp `plc_rx`/`plc_fillin` over `pcm` in packets of `packetSamples`, with `lost[k]` for
 * packet k. Returns the concealed signal (whole packets).
 */
export function spandspConceal(pcm: Int16Array, packetSamples: number, lost: ArrayLike<boolean | number>, bin: string): Int16Array {
  const packets = Math.floor(pcm.length / packetSamples);
  let mask = '';
  for (let k = 0; k < packets; k++) mask += lost[k] ? '1' : '0';
  const input = Buffer.alloc(packets * packetSamples * 2);
  for (let i = 0; i < packets * packetSamples; i++) input.writeInt16LE(pcm[i], 2 * i);
  const run = spawnSync(bin, [String(packetSamples), mask], { input, maxBuffer: 256 << 20 });
  if (run.status !== 0) throw new Error(`spandsp-plc exited with ${run.status}: ${run.stderr}`);
  const buf = run.stdout as Buffer;
  const out = new Int16Array(buf.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(2 * i);
  return out;
}
