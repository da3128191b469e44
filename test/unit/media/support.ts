/** Shared helpers for the media unit tests (not a test file itself). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { alawDecode, alawEncode, ulawDecode, ulawEncode } from '../../../firmware/media/g711.js';

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

/** A fixture file of 16-bit little-endian words. */
export function readWords(relative: string): Int16Array {
  const buf = readFileSync(path.join(repoRoot(), 'test/fixtures', relative));
  const out = new Int16Array(buf.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(2 * i);
  return out;
}

/** Encode and decode through G.711 ('u' = µ-law, 'a' = A-law). */
export function throughG711(pcm: Int16Array, law: 'u' | 'a'): Int16Array {
  const codes = new Uint8Array(pcm.length);
  const out = new Int16Array(pcm.length);
  if (law === 'u') {
    ulawEncode(pcm, codes);
    ulawDecode(codes, out);
  } else {
    alawEncode(pcm, codes);
    alawDecode(codes, out);
  }
  return out;
}

/**
 * An independent synthesiser for analyser tests: hard-edged sums of sines (Math.sin, no ramps),
 * `segments` as [frequencies, ms] with [] for silence; `phase` offsets every component.
 */
export function synth(segments: Array<[number[], number]>, amp: number, sampleRate = 8000, phase = 0.3): Int16Array {
  const total = segments.reduce((t, [, ms]) => t + Math.round((ms * sampleRate) / 1000), 0);
  const out = new Int16Array(total);
  let n = 0;
  for (const [freqs, ms] of segments) {
    const len = Math.round((ms * sampleRate) / 1000);
    for (let i = 0; i < len; i++, n++) {
      let v = 0;
      for (const f of freqs) v += amp * Math.sin((2 * Math.PI * f * n) / sampleRate + phase);
      out[n] = Math.round(v);
    }
  }
  return out;
}

/** Mean square of a range. */
export function meanSquare(x: ArrayLike<number>, start = 0, end = x.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += (x[i] as number) * (x[i] as number);
  return end > start ? s / (end - start) : 0;
}

/** A small deterministic PRNG (LCG) for reproducible noise. */
export function lcg(seed = 1): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
