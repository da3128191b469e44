/**
 * Call-progress tone descriptions and a parser for the Asterisk `indications.conf` tone-list
 * syntax that ATA users already know:
 *
 *   tonelist = element[,element]*
 *   element  = [!]freq[+freq]*[/duration]   sum of frequencies ("350+440")
 *            | [!]freq*freq[/duration]      first modulated by second ("425*16"; AM, 90 % depth)
 *   an element (or a frequency) prefixed with M gives MIDI note numbers ("M69+81" = 440+880 Hz)
 *   freq 0 is silence; no duration means "forever"; `!` marks an element played once.
 * If every element has `!`, the list plays once; otherwise it repeats from the first element
 * without `!` (so `!350+440/100,!0/100,350+440` plays two stutters and then steady tone).
 * Extension: a frequency may carry its own level, `350@-13+440@-13` (dBm0).
 */
import { LocalError } from '../core/errors.js';

export interface ToneComponent {
  frequencyHz: number;
  /** Level of this component, dBm0 (for a modulated segment: the power of the whole AM signal). */
  levelDbm0: number;
}

export interface ToneSegment {
  /** Empty for a silent gap. */
  components: ToneComponent[];
  /** Length in ms; 0 = forever. */
  durationMs: number;
  /** AM: the components are modulated by this frequency (e.g. JP ringback 400 mod 16). */
  modulationHz?: number;
  /** AM depth, 0..1 (default 0.9, as Asterisk). */
  modulationDepth?: number;
}

export interface ToneSpec {
  name: string;
  segments: ToneSegment[];
  /** Repeat the segments (from `repeatFrom`) when the last one ends. */
  repeat: boolean;
  /** Index of the first repeated segment (default 0); earlier segments play once. */
  repeatFrom?: number;
}

export const DEFAULT_TONE_LEVEL_DBM0 = -13;
export const DEFAULT_MODULATION_DEPTH = 0.9;

/** A tone string could not be parsed. */
export class ToneSyntaxError extends LocalError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('bad-tone-string', message, { context });
  }
}

const NUMBER = /^\d+(\.\d+)?$/;
const LEVEL = /^[+-]?\d+(\.\d+)?$/;

/** Parse an Asterisk-style tone list. `levelDbm0` is the level of each component (default −13). */
export function parseToneString(s: string, levelDbm0: number = DEFAULT_TONE_LEVEL_DBM0, name = s): ToneSpec {
  const text = s.trim();
  if (text === '') throw new ToneSyntaxError('empty tone string');
  const segments: ToneSegment[] = [];
  let repeatFrom = -1;
  for (const raw of text.split(',')) {
    let el = raw.trim();
    if (el === '') throw new ToneSyntaxError(`empty element in '${s}'`, { tone: s });
    let once = false;
    if (el.startsWith('!')) {
      once = true;
      el = el.slice(1).trim();
    }
    if (!once && repeatFrom < 0) repeatFrom = segments.length;
    segments.push(parseElement(el, levelDbm0, s));
  }
  const spec: ToneSpec = { name, segments, repeat: repeatFrom >= 0 };
  if (repeatFrom > 0) spec.repeatFrom = repeatFrom;
  return spec;
}

function parseElement(el: string, levelDbm0: number, whole: string): ToneSegment {
  let body = el;
  let durationMs = 0;
  const slash = body.indexOf('/');
  if (slash >= 0) {
    const d = body.slice(slash + 1).trim();
    if (!NUMBER.test(d)) throw new ToneSyntaxError(`bad duration '${d}' in '${whole}'`, { tone: whole });
    durationMs = Number(d);
    body = body.slice(0, slash).trim();
  }
  let midi = false;
  if (/^m/i.test(body)) {
    midi = true;
    body = body.slice(1).trim();
  }
  const freq = (t: string): ToneComponent => {
    const parts = t.split('@').map((x) => x.trim());
    let f = parts[0];
    const lvl = parts[1];
    if (parts.length > 2) throw new ToneSyntaxError(`bad level '${t}' in '${whole}'`, { tone: whole });
    let note = midi;
    if (f !== undefined && /^m/i.test(f)) {
      note = true;
      f = f.slice(1).trim();
    }
    if (f === undefined || !NUMBER.test(f)) throw new ToneSyntaxError(`bad frequency '${t}' in '${whole}'`, { tone: whole });
    if (lvl !== undefined && !LEVEL.test(lvl)) throw new ToneSyntaxError(`bad level '${t}' in '${whole}'`, { tone: whole });
    const n = Number(f);
    const hz = note ? (n === 0 ? 0 : 440 * Math.pow(2, (n - 69) / 12)) : n;
    return { frequencyHz: hz, levelDbm0: lvl === undefined ? levelDbm0 : Number(lvl) };
  };
  if (body.includes('*')) {
    const parts = body.split('*');
    if (parts.length !== 2) throw new ToneSyntaxError(`bad modulation '${body}' in '${whole}'`, { tone: whole });
    const carrier = freq(parts[0] as string);
    const mod = freq(parts[1] as string);
    if (carrier.frequencyHz === 0) return { components: [], durationMs };
    return { components: [carrier], durationMs, modulationHz: mod.frequencyHz };
  }
  const comps = body.split('+').map(freq).filter((c) => c.frequencyHz > 0);
  return { components: comps, durationMs };
}

/** Write a spec back as a tone string (levels as `@` suffixes when they differ from `levelDbm0`). */
export function formatToneSpec(spec: ToneSpec, levelDbm0: number = DEFAULT_TONE_LEVEL_DBM0): string {
  const from = spec.repeat ? spec.repeatFrom ?? 0 : spec.segments.length;
  return spec.segments
    .map((seg, i) => {
      const f = (c: ToneComponent) => `${c.frequencyHz}${c.levelDbm0 === levelDbm0 ? '' : `@${c.levelDbm0}`}`;
      let body = seg.components.length === 0 ? '0' : seg.components.map(f).join('+');
      if (seg.modulationHz && seg.components.length === 1) body += `*${seg.modulationHz}`;
      return `${i < from ? '!' : ''}${body}${seg.durationMs ? `/${seg.durationMs}` : ''}`;
    })
    .join(',');
}

/** Total length of one pass through the segments in ms, or Infinity if a segment lasts forever. */
export function toneCycleMs(spec: ToneSpec): number {
  let t = 0;
  for (const s of spec.segments) {
    if (s.durationMs <= 0) return Infinity;
    t += s.durationMs;
  }
  return t;
}
