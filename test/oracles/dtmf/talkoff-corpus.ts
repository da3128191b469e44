/**
 * Talk-off corpus for DTMF detectors, generated on demand and cached under `.cache/dtmf-talkoff/`
 * as raw 16-bit LE PCM at 8 kHz (never committed):
 * - speech: Debian `espeak-ng` reading the licence texts in /usr/share/common-licenses with ten
 *   voices/languages, varied speed, pitch and level, resampled to 8 kHz by `sox`;
 * - music-like: synthesised chords and melodies of harmonic-rich notes on the equal-tempered scale
 *   (several land within 0.2–3 % of DTMF frequencies), with envelopes and vibrato;
 * - sweeps: logarithmic sweeps over 200–3400 Hz, pure or with harmonics (no paired pure sweeps: two
 *   slow pure sweeps crossing a DTMF pair together are a valid DTMF signal, not talk-off);
 * - noise: pink noise at several levels, and speech mixed with pink noise.
 * About 61 minutes in total. `TALKOFF_PARTS` lists the parts; `loadPart` generates what is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dbm0ToAmplitude } from '../../../firmware/media/levels.js';
import { cacheDir } from './spandsp-oracle.js';
import { lcg } from './mitel.js';

export type PartKind = 'speech' | 'music' | 'sweep' | 'noise';

export interface TalkoffPart {
  name: string;
  kind: PartKind;
  seconds: number;
}

const VERSION = 'v1';
const SPEECH_SECONDS = 330;
const VOICES: Array<[string, number, number, number]> = [
  // voice, words per minute, pitch (0-99), peak level dBFS
  ['en+m3', 175, 50, -1],
  ['en-us+f3', 190, 60, -8],
  ['de+m1', 160, 40, -3],
  ['fr+f2', 180, 70, -12],
  ['es+m2', 200, 45, -2],
  ['it+f1', 170, 65, -6],
  ['pt+m4', 150, 35, -4],
  ['ru+f4', 185, 75, -1],
  ['hi+m5', 165, 55, -10],
  ['nl+f5', 175, 50, -3],
];

export const TALKOFF_PARTS: readonly TalkoffPart[] = Object.freeze([
  ...VOICES.map(([v]): TalkoffPart => ({ name: `speech-${v}`, kind: 'speech', seconds: SPEECH_SECONDS })),
  { name: 'music-chords', kind: 'music', seconds: 180 },
  { name: 'music-melody', kind: 'music', seconds: 120 },
  { name: 'sweeps', kind: 'sweep', seconds: 90 },
  { name: 'pink-noise', kind: 'noise', seconds: 60 },
  { name: 'speech-in-noise', kind: 'noise', seconds: 120 },
]);

/** Missing tools, or '' if the corpus can be generated. */
export function corpusUnavailable(): string {
  for (const [tool, arg] of [['espeak-ng', '--version'], ['sox', '--version']] as const) {
    const r = spawnSync(tool, [arg], { encoding: 'utf8' });
    if (r.status !== 0) return `${tool} not installed (apt-get install espeak-ng sox)`;
  }
  if (!existsSync('/usr/share/common-licenses')) return '/usr/share/common-licenses missing (speech text source)';
  return '';
}

/** The part's samples (generated and cached if missing); at most `maxSeconds` if given. */
export function loadPart(part: TalkoffPart, maxSeconds = Infinity): Int16Array {
  const file = path.join(cacheDir('dtmf-talkoff'), `${part.name}-${VERSION}.s16`);
  if (!existsSync(file)) {
    const pcm = generate(part);
    writeFileSync(file + '.tmp', Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    renameSync(file + '.tmp', file);
  }
  const buf = readFileSync(file);
  const n = Math.min(buf.length >> 1, Number.isFinite(maxSeconds) ? Math.round(maxSeconds * 8000) : Infinity);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(2 * i);
  return out;
}

function generate(part: TalkoffPart): Int16Array {
  switch (part.kind) {
    case 'speech':
      return speech(VOICES.findIndex(([v]) => `speech-${v}` === part.name), part.seconds);
    case 'music':
      return part.name === 'music-chords' ? chords(part.seconds) : melody(part.seconds);
    case 'sweep':
      return sweeps(part.seconds);
    case 'noise':
      return part.name === 'pink-noise' ? pinkNoisePart(part.seconds) : speechInNoise(part.seconds);
  }
}

let text: string | undefined;
function licenceText(): string {
  if (text === undefined) {
    const dir = '/usr/share/common-licenses';
    text = readdirSync(dir)
      .sort()
      .map((f) => {
        try {
          return readFileSync(path.join(dir, f), 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n')
      .replace(/\s+/g, ' ');
  }
  return text;
}

/** Voice i reading its own slice of the text, cut to `seconds` at 8 kHz. */
function speech(i: number, seconds: number): Int16Array {
  const [voice, wpm, pitch, peak] = VOICES[i] as [string, number, number, number];
  const all = licenceText();
  const chars = Math.ceil(seconds * (wpm / 60) * 7.5); // ~6.5 characters per word, with margin
  const start = (i * 40000) % Math.max(1, all.length - chars);
  const slice = all.slice(start, start + chars);
  const dir = cacheDir('dtmf-talkoff/tmp');
  const txt = path.join(dir, `${i}.txt`);
  const wav = path.join(dir, `${i}.wav`);
  writeFileSync(txt, slice);
  const e = spawnSync('espeak-ng', ['-v', voice, '-s', String(wpm), '-p', String(pitch), '-f', txt, '-w', wav], { encoding: 'utf8' });
  if (e.status !== 0) throw new Error(`espeak-ng failed: ${e.stderr}`);
  const s = spawnSync('sox', [wav, '-r', '8000', '-b', '16', '-e', 'signed', '-c', '1', '-t', 'raw', '-', 'norm', String(peak), 'trim', '0', String(seconds)], {
    maxBuffer: 1 << 28,
  });
  if (s.status !== 0) throw new Error(`sox failed: ${s.stderr}`);
  const b = s.stdout as Buffer;
  const out = new Int16Array(b.length >> 1);
  for (let k = 0; k < out.length; k++) out[k] = b.readInt16LE(2 * k);
  return out;
}

function clip(x: Float64Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round(x[i] as number);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** A harmonic-rich note added into `x` (harmonics 1/k^tilt up to 3.6 kHz, ADSR, optional vibrato). */
function addNote(x: Float64Array, start: number, len: number, hz: number, amp: number, tilt: number, vibrato: number, rnd: () => number): void {
  const attack = Math.min(len >> 2, 80);
  const release = Math.min(len >> 1, 800);
  const phases = Array.from({ length: 12 }, () => 2 * Math.PI * rnd());
  for (let n = 0; n < len && start + n < x.length; n++) {
    const env = n < attack ? n / attack : n > len - release ? (len - n) / release : 1 - (0.3 * (n - attack)) / len;
    const t = n / 8000;
    const f = hz * (1 + vibrato * Math.sin(2 * Math.PI * 5.5 * t));
    let v = 0;
    for (let k = 1; k <= 12 && k * hz < 3600; k++) v += Math.sin(2 * Math.PI * k * f * t + (phases[k - 1] as number)) / Math.pow(k, tilt);
    x[start + n] = (x[start + n] as number) + amp * env * v;
  }
}

const noteHz = (semitone: number): number => 440 * Math.pow(2, (semitone - 9) / 12) / 2; // 0 = C4

function chords(seconds: number): Int16Array {
  const rnd = lcg(4242);
  const x = new Float64Array(seconds * 8000);
  const shapes = [[0, 4, 7], [0, 3, 7], [0, 4, 7, 11], [0, 5, 9], [0, 7, 12, 16]];
  for (let pos = 0; pos < x.length; ) {
    const len = Math.round(8000 * (0.2 + 0.8 * rnd()));
    const root = Math.floor(rnd() * 30) - 12;
    const shape = shapes[Math.floor(rnd() * shapes.length)] as number[];
    const amp = dbm0ToAmplitude(-8 - 14 * rnd()) / shape.length;
    const tilt = 0.8 + 1.2 * rnd();
    for (const s of shape) addNote(x, pos, len, noteHz(root + s), amp, tilt, 0, rnd);
    pos += Math.round(len * (0.6 + 0.4 * rnd()));
  }
  return clip(x);
}

function melody(seconds: number): Int16Array {
  const rnd = lcg(777);
  const x = new Float64Array(seconds * 8000);
  for (const voice of [0, 1]) {
    let note = voice === 0 ? 12 : 0;
    for (let pos = 0; pos < x.length; ) {
      const len = Math.round(8000 * (0.1 + 0.5 * rnd()));
      note = Math.max(-12, Math.min(28, note + Math.floor(rnd() * 9) - 4));
      addNote(x, pos, len, noteHz(note), dbm0ToAmplitude(-10 - 10 * rnd()), 0.6 + 1.5 * rnd(), 0.004 + 0.01 * rnd(), rnd);
      pos += len;
    }
  }
  return clip(x);
}

function sweeps(seconds: number): Int16Array {
  const rnd = lcg(99);
  const x = new Float64Array(seconds * 8000);
  for (let pos = 0; pos < x.length; ) {
    const len = Math.min(x.length - pos, Math.round(8000 * (2 + 6 * rnd())));
    const harmonics = rnd() < 0.5 ? 1 : 6;
    {
      const f0 = 200 * (1 + 2 * rnd());
      const f1 = 3400 / (1 + 2 * rnd());
      const up = rnd() < 0.5;
      const a = up ? f0 : f1;
      const b = up ? f1 : f0;
      const amp = dbm0ToAmplitude(-6 - 20 * rnd());
      let phase = 0;
      for (let n = 0; n < len; n++) {
        const f = a * Math.pow(b / a, n / len);
        phase += (2 * Math.PI * f) / 8000;
        let v = 0;
        for (let h = 1; h <= harmonics && h * f < 3800; h++) v += Math.sin(h * phase) / h;
        x[pos + n] = (x[pos + n] as number) + amp * v;
      }
    }
    pos += len;
  }
  return clip(x);
}

/** Pink noise (Kellet's filter on white noise), RMS level changing every 10 s. */
function pinkNoise(seconds: number, seed: number, levelDbm0: (sec: number) => number): Float64Array {
  const rnd = lcg(seed);
  const x = new Float64Array(seconds * 8000);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (let i = 0; i < x.length; i++) {
    const w = 2 * rnd() - 1;
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    x[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  // Normalise per 10-s stretch to the requested RMS.
  for (let s = 0; s < seconds; s += 10) {
    const a = s * 8000;
    const e = Math.min(x.length, a + 80000);
    let sum = 0;
    for (let i = a; i < e; i++) sum += (x[i] as number) ** 2;
    const g = (dbm0ToAmplitude(levelDbm0(s)) / Math.SQRT2) / Math.sqrt(sum / (e - a));
    for (let i = a; i < e; i++) x[i] = (x[i] as number) * g;
  }
  return x;
}

function pinkNoisePart(seconds: number): Int16Array {
  return clip(pinkNoise(seconds, 31337, (s) => -5 - ((s / 10) % 5) * 7));
}

function speechInNoise(seconds: number): Int16Array {
  const sp = speech(0, seconds);
  const x = pinkNoise(seconds, 2718, (s) => -20 - ((s / 10) % 3) * 5);
  for (let i = 0; i < x.length && i < sp.length; i++) x[i] = (x[i] as number) + (sp[(i + 8000 * 60) % sp.length] as number);
  return clip(x);
}
