/** Helpers shared by the country files. */
import type { ToneSpec } from '../../media/tone-spec.js';
import { parseToneString } from '../../media/tone-spec.js';

/** A named tone from an Asterisk-style tone string, each component at `levelDbm0`. */
export function tone(name: string, text: string, levelDbm0: number): ToneSpec {
  return parseToneString(text, levelDbm0, name);
}

/** `count` bursts of `freqs` (100 ms on / 100 ms off), then `then` steady (stutter dial tone). */
export function stutterString(freqs: string, count = 6, then = freqs): string {
  const burst = `!${freqs}/100,!0/100`;
  return [...Array.from({ length: count }, () => burst), then].join(',');
}

/**
 * Off-hook warning for countries whose own howler we have no reliable data for: 480+620 Hz,
 * 125/125 ms (the usual ATA default).
 */
export function genericHowler(): ToneSpec {
  return tone('howler', '480+620/125,0/125', -10);
}
