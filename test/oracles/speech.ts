/**
 * Test speech for benchmarks: synthesised by Debian's espeak-ng, resampled to 8 kHz 16-bit mono
 * with sox, in a temporary folder. Returns undefined (with the reason) when either is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BENCH_TEXT =
  'The quick brown fox jumps over the lazy dog. Please call Stella and ask her to bring these things with her from the store: ' +
  'six spoons of fresh snow peas, five thick slabs of blue cheese, and maybe a snack for her brother Bob. ' +
  'We also need a small plastic snake and a big toy frog for the kids. She can scoop these things into three red bags, ' +
  'and we will go meet her Wednesday at the train station.';

export function espeakSpeech(text = BENCH_TEXT, voice = 'en-us'): { pcm: Int16Array } | { error: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-speech-'));
  try {
    const wav = path.join(dir, 'speech.wav');
    const raw = path.join(dir, 'speech.raw');
    const say = spawnSync('espeak-ng', ['-v', voice, '-s', '150', '-w', wav, text], { encoding: 'utf8' });
    if (say.status !== 0) return { error: `espeak-ng failed: ${say.stderr || say.error}` };
    const sox = spawnSync('sox', [wav, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', '--endian', 'little', raw], { encoding: 'utf8' });
    if (sox.status !== 0) return { error: `sox failed: ${sox.stderr || sox.error}` };
    const buf = readFileSync(raw);
    const pcm = new Int16Array(buf.length / 2);
    for (let i = 0; i < pcm.length; i++) pcm[i] = buf.readInt16LE(2 * i);
    return { pcm };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A 16-bit little-endian PCM file of the repository, e.g. test/fixtures/vectors/g711-plc/f2.le. */
export function readPcm(file: string): Int16Array {
  const buf = readFileSync(file);
  const pcm = new Int16Array(buf.length / 2);
  for (let i = 0; i < pcm.length; i++) pcm[i] = buf.readInt16LE(2 * i);
  return pcm;
}
