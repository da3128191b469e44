/**
 * Small typed readers that check one value each and collect every problem (rather than stopping
 * at the first). Readers always return a value of the right type (the default or a placeholder),
 * so the caller can build its result in one go and throw it away if `problems` is not empty.
 */
import type { ConfigProblem } from './errors.js';
import { didYouMean } from './suggest.js';

export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

/** Where a path is in the source: 1-based line and column. `at` = the key or its value. */
export type Locator = (path: ConfigPath, at: 'key' | 'value') => { line: number; column: number } | undefined;

/** `['lines', 0, 'account', 'user']` -> `lines[0].account.user`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

const SECRET_KEY = /pass(word)?|secret|token/i;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

function isSecret(path: ConfigPath): boolean {
  const last = path[path.length - 1];
  return typeof last === 'string' && SECRET_KEY.test(last);
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

interface Range {
  min: number;
  max: number;
}

export class Checker {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly locate?: Locator) {}

  report(path: ConfigPath, message: string, at: 'key' | 'value' = 'value'): void {
    const pos = this.locate?.(path, at);
    const problem: ConfigProblem = { path: formatPath(path), message };
    if (pos) {
      problem.line = pos.line;
      problem.column = pos.column;
    }
    this.problems.push(problem);
  }

  /** A short description of a wrong value; a secret's value is never shown. */
  describe(path: ConfigPath, v: unknown): string {
    if (v === null || v === undefined) return 'nothing';
    if (Array.isArray(v)) return 'a list';
    if (isMapping(v)) return 'a mapping';
    if (isSecret(path)) return `a ${typeof v}`;
    if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
    return `${typeof v === 'number' ? 'the number' : typeof v === 'boolean' ? 'the boolean' : typeof v} ${String(v)}`;
  }

  /**
   * A mapping with only `known` keys (each unknown key is reported, with a suggestion; the rest
   * is still returned). Absent/null -> {} when optional. Returns undefined after reporting when
   * the mapping itself is wrong (not a mapping, or required and absent), so the caller can skip
   * its keys instead of piling "is required" problems on top.
   */
  mapping(
    path: ConfigPath,
    value: unknown,
    known: readonly string[],
    required = false,
  ): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      if (!required) return {};
      this.report(path, 'is required');
      return undefined;
    }
    if (!isMapping(value)) {
      this.report(path, `must be a mapping of keys (got ${this.describe(path, value)})`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        this.report([...path, key], `unknown key${didYouMean(key, known)}; known keys: ${known.join(', ')}`, 'key');
      }
    }
    return value;
  }

  /** A list; absent/null -> [] (reported when required). */
  list(path: ConfigPath, value: unknown, required = false): unknown[] {
    if (value === undefined || value === null) {
      if (required) this.report(path, 'is required');
      return [];
    }
    if (!Array.isArray(value)) {
      this.report(path, `must be a list (got ${this.describe(path, value)})`);
      return [];
    }
    return value;
  }

  /**
   * A string. Absent/null -> `def`, or a "required" problem when `def` is undefined. Control
   * characters are refused (they would end up in SIP headers). `check` adds its own rule and
   * returns a message when the string is bad.
   */
  string(
    path: ConfigPath,
    value: unknown,
    opts: { default?: string; allowEmpty?: boolean; check?: (s: string) => string | undefined } = {},
  ): string {
    if (value === undefined || value === null) return this.missing(path, opts.default, '');
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' || typeof value === 'boolean' ? ` (put it in quotes if it is meant as text)` : '';
      this.report(path, `must be a string (got ${this.describe(path, value)})${hint}`);
      return '';
    }
    if (value === '' && !opts.allowEmpty) {
      this.report(path, 'must not be empty');
      return value;
    }
    if (CONTROL_CHARS.test(value)) {
      this.report(path, 'must not contain control characters (tabs, newlines, ...)');
      return value;
    }
    const bad = value === '' ? undefined : opts.check?.(value);
    if (bad !== undefined) this.report(path, bad);
    return value;
  }

  /** An integer in `range` (inclusive). Absent/null -> `def` or a "required" problem. */
  integer(path: ConfigPath, value: unknown, range: Range, def?: number): number {
    if (value === undefined || value === null) return this.missing(path, def, 0);
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.report(path, `must be a whole number ${range.min}..${range.max} (got ${this.describe(path, value)})`);
      return def ?? 0;
    }
    if (value < range.min || value > range.max) {
      this.report(path, `must be ${range.min}..${range.max} (got ${value})`);
    }
    return value;
  }

  boolean(path: ConfigPath, value: unknown, def?: boolean): boolean {
    if (value === undefined || value === null) return this.missing(path, def, false);
    if (typeof value !== 'boolean') {
      this.report(path, `must be true or false (got ${this.describe(path, value)})`);
      return def ?? false;
    }
    return value;
  }

  /** One of `choices` (exact spelling), with a suggestion when close to one. */
  choice<T extends string>(path: ConfigPath, value: unknown, choices: readonly T[], def?: T): T {
    if (value === undefined || value === null) return this.missing(path, def, choices[0] ?? ('' as T));
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    const suggestion = typeof value === 'string' ? didYouMean(value, choices) : '';
    const list = choices.length ? `one of: ${choices.join(', ')}` : 'a known name (none are available)';
    this.report(path, `must be ${list} (got ${this.describe(path, value)})${suggestion}`);
    return def ?? choices[0] ?? ('' as T);
  }

  private missing<T>(path: ConfigPath, def: T | undefined, placeholder: T): T {
    if (def !== undefined) return def;
    this.report(path, 'is required');
    return placeholder;
  }
}
