/**
 * Debian's alsa-utils `arecord`/`aplay` as the ALSA binding (no maintained ALSA addon exists on
 * npm): raw S16_LE mono at the stream's rate, with small period and buffer sizes so the capture
 * side hands over one period at a time and the playout side stays shallow. This file builds the
 * command lines and reads their error messages; pcm-alsa.ts runs them.
 */
import type { HalErrorCode } from '../errors.js';

export interface AlsaCommandOptions {
  device: string;
  sampleRate: number;
  periodSamples: number;
  /** ALSA buffer size, in periods. */
  bufferPeriods: number;
  /** Playback starts once this many periods are queued. */
  startPeriods: number;
}

function common(o: AlsaCommandOptions): string[] {
  return [
    '-D', o.device,
    '-t', 'raw',
    '-f', 'S16_LE',
    '-c', '1',
    '-r', String(o.sampleRate),
    `--period-size=${o.periodSamples}`,
    `--buffer-size=${o.periodSamples * o.bufferPeriods}`,
  ];
}

/** `arecord ... -` : captured samples on stdout, one period per write. */
export function arecordArgs(o: AlsaCommandOptions): string[] {
  return [...common(o), '-'];
}

/** `aplay ... -` : samples to play on stdin; starts playing once `startPeriods` are queued. */
export function aplayArgs(o: AlsaCommandOptions): string[] {
  const startDelayUs = Math.round((o.startPeriods * o.periodSamples * 1_000_000) / o.sampleRate);
  return [...common(o), `--start-delay=${startDelayUs}`, '-'];
}

/** Informational lines that are not errors ("Recording raw data 'stdin' : Signed 16 bit ..."). */
export function isBannerLine(line: string): boolean {
  return /^(Recording|Playing) (raw data|WAVE)/.test(line);
}

/** An xrun report: "underrun!!! (at least 12.345 ms long)" / "overrun!!! ...". */
export function xrunOf(line: string): { kind: 'underrun' | 'overrun'; ms: number } | undefined {
  const m = /(underrun|overrun)!!!(?: \(at least ([\d.]+) ms long\))?/.exec(line);
  if (!m) return undefined;
  return { kind: m[1] as 'underrun' | 'overrun', ms: m[2] ? Number(m[2]) : 0 };
}

/** The HAL code for what arecord/aplay printed before failing. */
export function alsaErrorCode(stderr: string): HalErrorCode {
  if (/Device or resource busy/i.test(stderr)) return 'busy';
  if (/No such file or directory|No such device|cannot find card|Unknown PCM|Invalid card|Invalid CTL/i.test(stderr)) return 'no-device';
  if (/non available|not available|Invalid argument|Broken configuration/i.test(stderr)) return 'unsupported';
  return 'io';
}

/** The meaningful part of arecord/aplay's stderr (banner and xrun lines removed), one line. */
export function alsaErrorText(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !isBannerLine(l) && !xrunOf(l))
    .join('; ')
    .slice(0, 400);
}
