/** Start baresip (Debian `baresip-core`) as a registered, auto-answering far end with real audio. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PEERS } from './paths.js';
import { spawnProc } from './processes.js';
import type { Proc } from './processes.js';

export interface Baresip {
  proc: Proc;
  dir: string;
  /** The WAV files baresip's aufile player wrote (what it heard). */
  recordings(): string[];
}

export function startBaresip(o: { user: string; password: string; proxyPort: number; sipPort: number; toneHz?: number; commands?: string[]; seconds?: number; srtp?: boolean }): Baresip {
  const dir = mkdtempSync(path.join(tmpdir(), 'baresip-'));
  const config = readFileSync(path.join(PEERS(), 'baresip', 'config'), 'utf8')
    .replace(/sip_listen\s+\S+/, `sip_listen\t\t127.0.0.1:${o.sipPort}`)
    .replace(/audio_source\s+\S+/, `audio_source\t\tausine,${o.toneHz ?? 440}`)
    .replace(/rtp_ports\s+\S+/, `rtp_ports\t\t${o.sipPort + 1000}-${o.sipPort + 1100}`)
    // sndfile dumps the decoded far-end audio (what baresip hears) as WAV files into snd_path
    .concat(`\nmodule\t\t\tsndfile.so\nsnd_path\t\t${dir}\n${o.srtp ? 'module\t\t\tsrtp.so\n' : ''}`);
  writeFileSync(path.join(dir, 'config'), config);
  writeFileSync(
    path.join(dir, 'accounts'),
    `<sip:${o.user}@lab.test>;auth_pass=${o.password};outbound="sip:127.0.0.1:${o.proxyPort}";regint=300;answermode=auto;audio_codecs=PCMU,PCMA${o.srtp ? ';mediaenc=srtp-mand' : ''}\n`,
  );
  writeFileSync(path.join(dir, 'contacts'), '');
  const args = ['-f', dir, '-t', String(o.seconds ?? 30)];
  for (const c of o.commands ?? []) args.push('-e', c);
  const proc = spawnProc(`baresip:${o.user}`, 'baresip', args, { cwd: dir });
  return {
    proc,
    dir,
    recordings: () => readdirSync(dir).filter((f) => f.endsWith('-dec.wav') || f.endsWith('.wav')).sort((a, b) => Number(b.endsWith('-dec.wav')) - Number(a.endsWith('-dec.wav'))).map((f) => path.join(dir, f)),
  };
}

/** Read a 16-bit PCM WAV file: samples of the first channel and the sample rate. */
export function readWav(file: string): { samples: Int16Array; sampleRate: number } {
  const b = readFileSync(file);
  let off = 12;
  let sampleRate = 8000;
  let channels = 1;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    let size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(off + 10);
      sampleRate = b.readUInt32LE(off + 12);
    } else if (id === 'data') {
      if (size === 0 || off + 8 + size > b.length) size = b.length - off - 8; // still being written
      const n = Math.floor(size / 2 / channels);
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = b.readInt16LE(off + 8 + i * 2 * channels);
      return { samples: out, sampleRate };
    }
    off += 8 + size + (size & 1);
  }
  return { samples: new Int16Array(0), sampleRate };
}
