/**
 * Dial patterns, in the style of PBX dial plans, for numbering tables and the allow/block lists:
 *   digits, '*', '#', '+'   themselves
 *   X  any digit 0-9    Z  1-9    N  2-9    [1-5,7] one digit from a set (ranges allowed)
 *   a trailing '.'   one or more further characters
 *   a trailing '!'   zero or more further characters (so "0900!" means "starts with 0900")
 * Without a trailing '.' or '!' the whole number must match. Spaces and dashes outside brackets
 * are ignored ("1-900-NXX-XXXX"). Letters are case-insensitive.
 */
import { LocalError } from '../core/errors.js';

export class DialPatternError extends LocalError {
  constructor(pattern: string, why: string) {
    super('bad-dial-pattern', `bad dial pattern '${pattern}': ${why}`, { context: { pattern } });
  }
}

export interface DialPattern {
  source: string;
  regex: RegExp;
  /** Literal digits before the first wildcard (for specificity and quick rejection). */
  prefix: string;
}

export function compileDialPattern(source: string): DialPattern {
  const text = source.trim();
  if (!text) throw new DialPatternError(source, 'empty');
  let re = '^';
  let prefix = '';
  let literal = true;
  let i = 0;
  const body = text.replace(/[ \-](?![^[]*\])/g, '');
  while (i < body.length) {
    const c = body[i] as string;
    const last = i === body.length - 1;
    if (/[0-9*#+]/.test(c)) {
      re += c === '*' || c === '+' ? '\\' + c : c;
      if (literal) prefix += c;
    } else if (/[xX]/.test(c)) {
      re += '[0-9]';
      literal = false;
    } else if (/[zZ]/.test(c)) {
      re += '[1-9]';
      literal = false;
    } else if (/[nN]/.test(c)) {
      re += '[2-9]';
      literal = false;
    } else if (c === '[') {
      const end = body.indexOf(']', i);
      if (end < 0) throw new DialPatternError(source, 'unclosed [');
      const set = body.slice(i + 1, end).replace(/,/g, '');
      if (!/^(\d(-\d)?)+$/.test(set)) throw new DialPatternError(source, `bad digit set [${set}]`);
      re += `[${set}]`;
      literal = false;
      i = end;
    } else if ((c === '.' || c === '!') && last) {
      re += c === '.' ? '.+' : '.*';
      literal = false;
    } else {
      throw new DialPatternError(source, `unexpected '${c}'`);
    }
    i++;
  }
  return { source, regex: new RegExp(re + '$'), prefix };
}

export function matchesPattern(p: DialPattern, number: string): boolean {
  return number.startsWith(p.prefix) && p.regex.test(number);
}

/** Compile a list, reporting every bad entry at once. */
export function compileDialPatterns(sources: readonly string[]): DialPattern[] {
  const out: DialPattern[] = [];
  const bad: string[] = [];
  for (const s of sources) {
    try {
      out.push(compileDialPattern(s));
    } catch (e) {
      if (e instanceof DialPatternError) bad.push(e.message);
      else throw e;
    }
  }
  if (bad.length) throw new LocalError('bad-dial-pattern', bad.join('; '), { context: { patterns: sources } });
  return out;
}
