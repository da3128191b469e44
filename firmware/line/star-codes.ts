/**
 * Star codes (vertical service codes) handled by the adapter itself: a configurable table and a
 * pure parser over the digits collected after dial tone. Codes not in the table are not ours:
 * `parseStarCode` returns undefined and the digits go through the digit map (and so to the
 * provider, which may implement them).
 *
 * Arguments:
 * - 'none': the code alone (`*73`); recognised as soon as it is dialled.
 * - 'number': the code, then a number the feature keeps (`*72` + forward-to number); complete
 *   when the collection ends (inter-digit timer, or `#`).
 * - 'dial': a per-call prefix (`*67` + the number to call); recognised as soon as the code is
 *   dialled, with the keys after it (possibly none yet) as `argument`: the line applies the
 *   modifier and goes on collecting the number through the digit map. On its own (the timer or
 *   `#` right after it) it applies to the next call.
 */
import { LocalError } from '../core/errors.js';

export type StarCodeAction =
  | 'forward-all-on'
  | 'forward-all-off'
  | 'forward-busy-on'
  | 'forward-busy-off'
  | 'forward-no-answer-on'
  | 'forward-no-answer-off'
  | 'dnd-on'
  | 'dnd-off'
  | 'anonymous-next-call'
  | 'show-number-next-call'
  | 'cancel-call-waiting-next-call'
  | 'call-return'
  | 'repeat-dial';

export type StarCodeArgument = 'none' | 'number' | 'dial';

export interface StarCodeEntry {
  code: string;
  action: StarCodeAction;
  argument: StarCodeArgument;
  description: string;
}

export type StarCodeTable = readonly StarCodeEntry[];

export type StarCodeResult =
  | { kind: 'feature'; action: StarCodeAction; code: string; argument?: string }
  | { kind: 'partial'; timeoutMs: 'short' | 'long' }
  /** A code of the table, dialled wrongly: play reorder. */
  | { kind: 'invalid'; code: string; reason: 'missing-argument' | 'bad-argument' | 'unexpected-digits' };

function entry(code: string, action: StarCodeAction, argument: StarCodeArgument, description: string): StarCodeEntry {
  return Object.freeze({ code, action, argument, description });
}

/** The North American (Bellcore / NANP) vertical service codes, used as the default everywhere. */
export const DEFAULT_STAR_CODES: StarCodeTable = Object.freeze([
  entry('*72', 'forward-all-on', 'number', 'Forward all calls to the number dialled after the code'),
  entry('*73', 'forward-all-off', 'none', 'Stop forwarding all calls'),
  entry('*90', 'forward-busy-on', 'number', 'Forward calls while busy to the number dialled after the code'),
  entry('*91', 'forward-busy-off', 'none', 'Stop forwarding calls while busy'),
  entry('*92', 'forward-no-answer-on', 'number', 'Forward unanswered calls to the number dialled after the code'),
  entry('*93', 'forward-no-answer-off', 'none', 'Stop forwarding unanswered calls'),
  entry('*78', 'dnd-on', 'none', 'Do not disturb on: callers get busy, the phone does not ring'),
  entry('*79', 'dnd-off', 'none', 'Do not disturb off'),
  entry('*67', 'anonymous-next-call', 'dial', 'Hide your number on the next call (RFC 3323 privacy)'),
  entry('*82', 'show-number-next-call', 'dial', 'Show your number on the next call'),
  entry('*70', 'cancel-call-waiting-next-call', 'dial', 'No call waiting during the next call'),
  entry('*69', 'call-return', 'none', 'Call back the last caller'),
  entry('*66', 'repeat-dial', 'none', 'Dial the last number again'),
]);

const CODE = /^[*#][0-9]{1,4}$/;

/** Checks codes are `*` or `#` then 1-4 digits, unique, and none is a prefix of another. */
export function validateStarCodeTable(table: StarCodeTable): void {
  const actions = new Set<StarCodeAction>();
  for (const e of table) {
    if (!CODE.test(e.code)) {
      throw new LocalError('bad-star-code', `star code '${e.code}' for ${e.action}: must be '*' or '#' then 1-4 digits`, {
        context: { code: e.code, action: e.action },
      });
    }
    if (actions.has(e.action)) throw new LocalError('star-code-conflict', `two codes for ${e.action}`, { context: { action: e.action } });
    actions.add(e.action);
  }
  for (const a of table) {
    for (const b of table) {
      if (a !== b && b.code.startsWith(a.code)) {
        throw new LocalError('star-code-conflict', `star code '${a.code}' (${a.action}) is a prefix of '${b.code}' (${b.action})`, {
          context: { code: a.code, other: b.code },
        });
      }
    }
  }
}

/**
 * The table with some codes changed (a string) or removed (null), checked with
 * `validateStarCodeTable`. Unknown actions are a LocalError 'bad-star-code'.
 */
export function buildStarCodeTable(
  overrides: Partial<Record<StarCodeAction, string | null>> = {},
  base: StarCodeTable = DEFAULT_STAR_CODES,
): StarCodeTable {
  const known = new Set(base.map((e) => e.action));
  for (const action of Object.keys(overrides)) {
    if (!known.has(action as StarCodeAction)) {
      throw new LocalError('bad-star-code', `unknown star-code action '${action}'`, { context: { action, known: [...known] } });
    }
  }
  const out: StarCodeEntry[] = [];
  for (const e of base) {
    const o = overrides[e.action];
    if (o === null) continue;
    out.push(o === undefined ? e : entry(o.trim(), e.action, e.argument, e.description));
  }
  validateStarCodeTable(out);
  return Object.freeze(out);
}

/**
 * What the digits collected so far mean for the star-code table.
 * - undefined: not one of our codes (use the digit map);
 * - partial: a code is being dialled (long timer), or its number argument (short timer);
 * - feature / invalid: as documented above.
 * `final` says the collection has ended (inter-digit timer expired); a trailing `#` means the same.
 */
export function parseStarCode(digits: string, table: StarCodeTable, options: { final?: boolean } = {}): StarCodeResult | undefined {
  let final = options.final === true;
  let keys = digits;
  if (keys.endsWith('#') && keys.length > 1) {
    keys = keys.slice(0, -1);
    final = true;
  }
  if (keys === '') return undefined;
  const hit = table.find((e) => keys.startsWith(e.code));
  if (!hit) {
    if (!final && table.some((e) => e.code.startsWith(keys))) return { kind: 'partial', timeoutMs: 'long' };
    return undefined;
  }
  const rest = keys.slice(hit.code.length);
  switch (hit.argument) {
    case 'none':
      if (rest !== '') return { kind: 'invalid', code: hit.code, reason: 'unexpected-digits' };
      return { kind: 'feature', action: hit.action, code: hit.code };
    case 'dial':
      return { kind: 'feature', action: hit.action, code: hit.code, argument: rest };
    case 'number':
      if (/[^0-9]/.test(rest)) return { kind: 'invalid', code: hit.code, reason: 'bad-argument' };
      if (!final) return { kind: 'partial', timeoutMs: rest === '' ? 'long' : 'short' };
      if (rest === '') return { kind: 'invalid', code: hit.code, reason: 'missing-argument' };
      return { kind: 'feature', action: hit.action, code: hit.code, argument: rest };
  }
}

/**
 * Rotary (pulse) phones have no `*` key. The prefix pulsed in its place, per profile: `11` in
 * North America (the NANP convention: 1169 = *69), none elsewhere (there `11x` numbers such as
 * 110/112 are emergency numbers). A profile without an entry has no rotary star-code prefix.
 */
export const ROTARY_STAR_PREFIX: Readonly<Record<string, string>> = Object.freeze({ us: '11', ca: '11' });

/**
 * Translate pulse-dialled digits: a leading `prefix` becomes `*` (`1172...` → `*72...`). Only the
 * start of the number is translated; without a prefix the digits are returned unchanged.
 */
export function rotaryToStar(digits: string, prefix: string | undefined): string {
  if (!prefix || !digits.startsWith(prefix)) return digits;
  return '*' + digits.slice(prefix.length);
}
