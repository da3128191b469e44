/**
 * Digit maps: when is a dialled number complete, and what is sent for it. Pure and sans-IO: the
 * line hands in the digits collected so far (and whether its inter-digit timer has expired) and
 * gets back complete / partial (which timer to run) / blocked / no-match.
 *
 * Syntax (Cisco SPA / MGCP RFC 3435 §2.1.5 style), e.g.
 *   (911S0|[2-9]xx[2-9]xxxxxxS0|1[2-9]xx[2-9]xxxxxxS0|011x.T|*xx|x.T)
 * - Outer parentheses are optional; alternatives are separated by `|`; blanks are ignored.
 * - `0`-`9`, `*`, `#`: that key. `x` (or `X`): any digit 0-9. `[...]`: one key of a set, with
 *   ranges: `[2-9]`, `[135]`, `[#*]`, `[1-35-7*]`.
 * - `.` after an element: that element zero or more times (`x.` = any number of digits).
 * - `T` at the end: the pattern completes only when the short inter-digit timer expires.
 * - `S0` at the end (Cisco's "short timer = 0"): dial at once when the pattern is matched, even
 *   if a longer pattern could still match. This is the immediate-dial marker.
 * - `<a:b>` rewriting: the keys `a` (literal, may be empty) are dialled but `b` (literal, may be
 *   empty, may contain `+`) is sent instead. `<:1>` inserts, `<9:>` removes, `<0:011>` replaces.
 *   `<a=b>` is accepted as a synonym.
 * - `!` before (or, as on Cisco SPA, after) a pattern blocks it: a number it matches is refused.
 *
 * Matching rules (`match`):
 * - blocked: a blocked pattern matches the digits completely (blocking beats everything).
 * - complete: an allowed pattern matched with `S0`; or one matched (without `T`) and no pattern
 *   at all could take another digit. The number sent is that pattern's rewritten digits.
 * - partial 'short': some pattern has matched but has `T` or could be extended: run the short
 *   timer; when it expires call `match(digits, { timedOut: true })`.
 * - partial 'long': some pattern could still match with more digits: run the long timer.
 * - no-match: nothing can match (reorder).
 * When several patterns match, the one with the most literally matched keys wins, then the
 * earlier one. A match needs at least one key.
 * `#` sends: a `#` that no pattern accepts as a key ends collection as if the timer had expired
 * (the `#` itself is not sent).
 */
import { LocalError } from '../core/errors.js';

export type DigitMapResult =
  | { kind: 'complete'; number: string; pattern?: string }
  | { kind: 'partial'; timeoutMs: 'short' | 'long' }
  | { kind: 'blocked'; pattern: string }
  | { kind: 'no-match' };

export interface MatchOptions {
  /** The inter-digit timer (short or long) expired: complete with whatever has matched. */
  timedOut?: boolean;
}

/** Anything that decides on collected digits: a compiled map, or the 484 collector. */
export interface DigitMatcher {
  match(digits: string, options?: MatchOptions): DigitMapResult;
}

/** Suggested timer values; the short one is the line's `dial_timeout_ms`. */
export interface DigitTimers {
  shortMs: number;
  longMs: number;
}

export const DEFAULT_DIGIT_TIMERS: DigitTimers = Object.freeze({ shortMs: 4000, longMs: 10000 });

/** Milliseconds of the timer a partial result asks for. */
export function timerMs(which: 'short' | 'long', timers: DigitTimers = DEFAULT_DIGIT_TIMERS): number {
  return which === 'short' ? timers.shortMs : timers.longMs;
}

export type DigitMapSyntaxReason =
  | 'unexpected-character'
  | 'unbalanced-parenthesis'
  | 'empty-pattern'
  | 'bad-set'
  | 'bad-range'
  | 'bad-repeat'
  | 'bad-rewrite'
  | 'misplaced-marker'
  | 'unsupported-timer';

/** A digit map that does not parse; `position` is the 0-based offset in the text. */
export class DigitMapSyntaxError extends LocalError {
  readonly position: number;
  readonly reason: DigitMapSyntaxReason;
  constructor(reason: DigitMapSyntaxReason, position: number, text: string, detail: string) {
    super('bad-digit-map', `digit map: ${detail} at position ${position}`, { context: { reason, position, text } });
    this.position = position;
    this.reason = reason;
  }
}

type Token =
  /** Consumes one key from `chars`; `send` false inside a rewrite's dialled part. */
  | { kind: 'key'; chars: string; repeat: boolean; send: boolean }
  /** Consumes nothing, sends `text`. */
  | { kind: 'emit'; text: string };

interface Pattern {
  source: string;
  tokens: Token[];
  timer: boolean;
  immediate: boolean;
  blocked: boolean;
}

const DIGITS = '0123456789';
const KEYS = DIGITS + '*#';

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  private fail(reason: DigitMapSyntaxReason, detail: string, at = this.i): never {
    throw new DigitMapSyntaxError(reason, at, this.text, detail);
  }

  private skipWs(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }

  parse(): Pattern[] {
    this.skipWs();
    const open = this.text[this.i] === '(';
    const openAt = this.i;
    if (open) this.i++;
    const patterns: Pattern[] = [this.pattern()];
    while (this.text[this.i] === '|') {
      this.i++;
      patterns.push(this.pattern());
    }
    if (open) {
      if (this.text[this.i] !== ')') this.fail('unbalanced-parenthesis', `'(' at ${openAt} is not closed`);
      this.i++;
      this.skipWs();
    }
    if (this.i < this.text.length) {
      const c = this.text[this.i]!;
      this.fail(c === ')' ? 'unbalanced-parenthesis' : 'unexpected-character', `unexpected '${c}'`);
    }
    return patterns;
  }

  private pattern(): Pattern {
    const tokens: Token[] = [];
    let blocked = false;
    let timer = false;
    let immediate = false;
    let ended = false; // after T / S0 / trailing !
    this.skipWs();
    const start = this.i;
    for (;;) {
      this.skipWs();
      const at = this.i;
      const c = this.text[at];
      if (c === undefined || c === '|' || c === ')') break;
      if (c === '!') {
        if (blocked) this.fail('misplaced-marker', "'!' given twice");
        blocked = true;
        if (tokens.length > 0) ended = true;
        this.i++;
        continue;
      }
      if (c === 'T' || c === 't') {
        if (timer || immediate || ended) this.fail('misplaced-marker', "'T' must end the pattern");
        timer = true;
        this.i++;
        continue;
      }
      if (c === 'S' || c === 's') {
        if (immediate || timer || ended) this.fail('misplaced-marker', "'S0' must end the pattern (and excludes 'T')");
        const after = this.text[at + 2];
        if (this.text[at + 1] !== '0' || (after !== undefined && (DIGITS.includes(after) || after === '.'))) {
          this.fail('unsupported-timer', "only 'S0' (dial at once) is supported");
        }
        immediate = true;
        this.i += 2;
        continue;
      }
      if (timer || immediate || ended) this.fail('misplaced-marker', `'${c}' after the end marker`);
      if (KEYS.includes(c)) {
        tokens.push({ kind: 'key', chars: c, repeat: false, send: true });
        this.i++;
      } else if (c === 'x' || c === 'X') {
        tokens.push({ kind: 'key', chars: DIGITS, repeat: false, send: true });
        this.i++;
      } else if (c === '[') {
        tokens.push({ kind: 'key', chars: this.set(), repeat: false, send: true });
      } else if (c === '.') {
        const prev = tokens[tokens.length - 1];
        if (!prev || prev.kind !== 'key' || prev.repeat || !prev.send) {
          this.fail('bad-repeat', "'.' must follow a key, 'x' or a set");
        }
        prev.repeat = true;
        this.i++;
      } else if (c === '<') {
        this.rewrite(tokens);
      } else if (c === 'L' || c === 'l') {
        this.fail('unsupported-timer', "timer overrides other than 'S0' are not supported");
      } else {
        this.fail('unexpected-character', `unexpected '${c}'`);
      }
    }
    if (!tokens.some((t) => t.kind === 'key')) this.fail('empty-pattern', 'a pattern must contain at least one key', start);
    const source = this.text.slice(start, this.i).replace(/\s+/g, '');
    return { source, tokens, timer, immediate, blocked };
  }

  private set(): string {
    const open = this.i;
    this.i++;
    let chars = '';
    for (;;) {
      this.skipWs();
      const c = this.text[this.i];
      if (c === undefined || c === '|' || c === ')') this.fail('bad-set', "'[' is not closed", open);
      if (c === ']') break;
      if (!KEYS.includes(c)) this.fail('bad-set', `'${c}' in a set`);
      if (this.text[this.i + 1] === '-') {
        const hi = this.text[this.i + 2];
        if (!DIGITS.includes(c) || hi === undefined || !DIGITS.includes(hi) || hi < c) this.fail('bad-range', `bad range '${c}-${hi ?? ''}'`);
        for (let d = c.charCodeAt(0); d <= hi.charCodeAt(0); d++) chars += String.fromCharCode(d);
        this.i += 3;
      } else {
        chars += c;
        this.i++;
      }
    }
    this.i++;
    if (chars === '') this.fail('bad-set', 'empty set', open);
    return [...new Set(chars)].join('');
  }

  private rewrite(tokens: Token[]): void {
    const open = this.i;
    this.i++;
    let dialled = '';
    let sent = '';
    let side = 0;
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined || c === '|' || c === ')') this.fail('bad-rewrite', "'<' is not closed", open);
      this.i++;
      if (c === '>') break;
      if (/\s/.test(c)) continue;
      if (c === ':' || c === '=') {
        if (side === 1) this.fail('bad-rewrite', `second '${c}' in a rewrite`, this.i - 1);
        side = 1;
      } else if (side === 0 && KEYS.includes(c)) dialled += c;
      else if (side === 1 && (KEYS.includes(c) || c === '+')) sent += c;
      else this.fail('bad-rewrite', `'${c}' in a rewrite (only literal keys)`, this.i - 1);
    }
    if (side === 0) this.fail('bad-rewrite', "a rewrite needs ':' as in <dialled:sent>", open);
    if (dialled === '' && sent === '') this.fail('bad-rewrite', 'empty rewrite', open);
    for (const d of dialled) tokens.push({ kind: 'key', chars: d, repeat: false, send: false });
    if (sent !== '') tokens.push({ kind: 'emit', text: sent });
  }
}

interface PatternState {
  alive: boolean;
  /** Every element matched: the pattern is complete with the digits so far. */
  ends: boolean;
  /** Another key could still be accepted. */
  extends: boolean;
}

/** The NFA positions after consuming `digits` (with empty moves), or undefined when dead. */
function stateOf(p: Pattern, digits: string): PatternState {
  const n = p.tokens.length;
  let cur = new Uint8Array(n + 1);
  cur[0] = 1;
  close(p, cur);
  for (const ch of digits) {
    const next = new Uint8Array(n + 1);
    let any = false;
    for (let i = 0; i < n; i++) {
      const t = p.tokens[i]!;
      if (!cur[i] || t.kind !== 'key' || !t.chars.includes(ch)) continue;
      next[t.repeat ? i : i + 1] = 1;
      any = true;
    }
    if (!any) return { alive: false, ends: false, extends: false };
    close(p, next);
    cur = next;
  }
  let ext = false;
  for (let i = 0; i < n; i++) if (cur[i] && p.tokens[i]!.kind === 'key') ext = true;
  return { alive: true, ends: cur[n] === 1, extends: ext };
}

function close(p: Pattern, s: Uint8Array): void {
  for (let i = 0; i < p.tokens.length; i++) {
    const t = p.tokens[i]!;
    if (s[i] && (t.kind === 'emit' || t.repeat)) s[i + 1] = 1;
  }
}

interface Path {
  literal: number;
  out: string;
}

/** The best way (most literally matched keys) for `p` to match all of `digits`, with its output. */
function bestPath(p: Pattern, digits: string): Path | undefined {
  const n = p.tokens.length;
  const memo = new Map<number, Path | null>();
  const walk = (ti: number, ci: number): Path | null => {
    const key = ti * (digits.length + 1) + ci;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let best: Path | null = null;
    const consider = (r: Path | null, literal: number, out: string) => {
      if (r && (!best || r.literal + literal > best.literal)) best = { literal: r.literal + literal, out: out + r.out };
    };
    if (ti === n) best = ci === digits.length ? { literal: 0, out: '' } : null;
    else {
      const t = p.tokens[ti]!;
      if (t.kind === 'emit') consider(walk(ti + 1, ci), 0, t.text);
      else {
        const ch = digits[ci];
        if (ch !== undefined && t.chars.includes(ch)) {
          consider(walk(t.repeat ? ti : ti + 1, ci + 1), t.chars.length === 1 ? 1 : 0, t.send ? ch : '');
        }
        if (t.repeat) consider(walk(ti + 1, ci), 0, '');
      }
    }
    memo.set(key, best);
    return best;
  };
  return walk(0, 0) ?? undefined;
}

export class DigitMap implements DigitMatcher {
  /** The map as given. */
  readonly text: string;
  private readonly list: Pattern[];

  constructor(text: string) {
    this.text = text;
    this.list = new Parser(text).parse();
  }

  /** The patterns, without blanks, in order (blocked ones keep their `!`). */
  get patterns(): string[] {
    return this.list.map((p) => p.source);
  }

  match(digits: string, options: MatchOptions = {}): DigitMapResult {
    const r = this.evaluate(digits, options.timedOut === true);
    if (r.kind === 'no-match' && digits.endsWith('#')) return this.evaluate(digits.slice(0, -1), true);
    return r;
  }

  /**
   * After a 484 (Address Incomplete) for the number `dialled` (sent as `sent`, after rewriting):
   * a matcher that keeps collecting. The map is set aside: every further key restarts the short
   * timer, and the timer or `#` sends `sent` + the extra keys (overlap-style re-dial, RFC 3578).
   */
  onAddressIncomplete(dialled: string, sent: string = dialled): DigitMatcher {
    return addressIncompleteMatcher(this, dialled, sent);
  }

  private evaluate(digits: string, timedOut: boolean): DigitMapResult {
    if (digits === '') return timedOut ? { kind: 'no-match' } : { kind: 'partial', timeoutMs: 'long' };
    const states = this.list.map((p) => stateOf(p, digits));
    const blocked = this.list.find((p, i) => p.blocked && states[i]!.ends);
    if (blocked) return { kind: 'blocked', pattern: blocked.source };
    const ended = (want: (p: Pattern) => boolean) => this.best(digits, states, want);
    if (timedOut) return ended(() => true) ?? { kind: 'no-match' };
    const now = ended((p) => p.immediate);
    if (now) return now;
    const anyExtends = states.some((s) => s.extends);
    if (!anyExtends) {
      const done = ended((p) => !p.timer);
      if (done) return done;
    }
    if (this.list.some((p, i) => !p.blocked && states[i]!.ends)) return { kind: 'partial', timeoutMs: 'short' };
    if (states.some((s) => s.alive)) return { kind: 'partial', timeoutMs: 'long' };
    return { kind: 'no-match' };
  }

  private best(digits: string, states: PatternState[], want: (p: Pattern) => boolean): DigitMapResult | undefined {
    let winner: { path: Path; p: Pattern } | undefined;
    this.list.forEach((p, i) => {
      if (p.blocked || !states[i]!.ends || !want(p)) return;
      const path = bestPath(p, digits);
      if (path && (!winner || path.literal > winner.path.literal)) winner = { path, p };
    });
    return winner ? { kind: 'complete', number: winner.path.out, pattern: winner.p.source } : undefined;
  }
}

function addressIncompleteMatcher(map: DigitMap, dialled: string, sent: string): DigitMatcher {
  return {
    match(digits: string, options: MatchOptions = {}): DigitMapResult {
      if (!digits.startsWith(dialled)) return map.match(digits, options);
      let extra = digits.slice(dialled.length);
      const hash = extra.endsWith('#');
      if (hash) extra = extra.slice(0, -1);
      if (/[^0-9*#]/.test(extra) || extra.includes('#')) return { kind: 'no-match' };
      if (hash || options.timedOut) return extra === '' ? { kind: 'no-match' } : { kind: 'complete', number: sent + extra };
      return { kind: 'partial', timeoutMs: extra === '' ? 'long' : 'short' };
    },
  };
}

/** Parse a digit map; throws `DigitMapSyntaxError` (code 'bad-digit-map', with `position`). */
export function compileDigitMap(text: string): DigitMap {
  return new DigitMap(text);
}
