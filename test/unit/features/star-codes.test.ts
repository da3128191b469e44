import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalError } from '../../../firmware/core/errors.js';
import {
  DEFAULT_STAR_CODES,
  ROTARY_STAR_PREFIX,
  buildStarCodeTable,
  parseStarCode,
  rotaryToStar,
  validateStarCodeTable,
} from '../../../firmware/line/star-codes.js';
import type { StarCodeAction, StarCodeResult } from '../../../firmware/line/star-codes.js';
import { defaultDigitMap } from '../../../firmware/line/digit-map-defaults.js';
import { PROFILES } from '../../../firmware/line/profiles/index.js';

const T = DEFAULT_STAR_CODES;

test('default table: the codes of the brief, each once', () => {
  const byAction = new Map(T.map((e) => [e.action, e.code]));
  const want: Array<[StarCodeAction, string]> = [
    ['forward-all-on', '*72'],
    ['forward-all-off', '*73'],
    ['forward-busy-on', '*90'],
    ['forward-busy-off', '*91'],
    ['forward-no-answer-on', '*92'],
    ['forward-no-answer-off', '*93'],
    ['dnd-on', '*78'],
    ['dnd-off', '*79'],
    ['anonymous-next-call', '*67'],
    ['show-number-next-call', '*82'],
    ['cancel-call-waiting-next-call', '*70'],
    ['call-return', '*69'],
    ['repeat-dial', '*66'],
  ];
  for (const [action, code] of want) assert.is(byAction.get(action), code, action);
  assert.is(T.length, want.length);
  validateStarCodeTable(T);
  for (const e of T) assert.ok(e.description.length > 0, e.code);
});

// [digits, final, expected]
const TABLE: Array<[string, boolean, StarCodeResult | undefined]> = [
  ['', false, undefined],
  ['2', false, undefined],
  ['*', false, { kind: 'partial', timeoutMs: 'long' }],
  ['*7', false, { kind: 'partial', timeoutMs: 'long' }],
  ['*7', true, undefined],
  ['*74', false, undefined], // not ours: the digit map (and the provider) decide
  ['*73', false, { kind: 'feature', action: 'forward-all-off', code: '*73' }],
  ['*73#', false, { kind: 'feature', action: 'forward-all-off', code: '*73' }],
  ['*735', false, { kind: 'invalid', code: '*73', reason: 'unexpected-digits' }],
  ['*78', false, { kind: 'feature', action: 'dnd-on', code: '*78' }],
  ['*79', true, { kind: 'feature', action: 'dnd-off', code: '*79' }],
  ['*69', false, { kind: 'feature', action: 'call-return', code: '*69' }],
  ['*66', false, { kind: 'feature', action: 'repeat-dial', code: '*66' }],
  // 'number' argument: collected until the timer or '#'
  ['*72', false, { kind: 'partial', timeoutMs: 'long' }],
  ['*72555', false, { kind: 'partial', timeoutMs: 'short' }],
  ['*725551234', true, { kind: 'feature', action: 'forward-all-on', code: '*72', argument: '5551234' }],
  ['*725551234#', false, { kind: 'feature', action: 'forward-all-on', code: '*72', argument: '5551234' }],
  ['*72#', false, { kind: 'invalid', code: '*72', reason: 'missing-argument' }],
  ['*72', true, { kind: 'invalid', code: '*72', reason: 'missing-argument' }],
  ['*725*1', false, { kind: 'invalid', code: '*72', reason: 'bad-argument' }],
  ['*902000', true, { kind: 'feature', action: 'forward-busy-on', code: '*90', argument: '2000' }],
  ['*9212', true, { kind: 'feature', action: 'forward-no-answer-on', code: '*92', argument: '12' }],
  ['*91', false, { kind: 'feature', action: 'forward-busy-off', code: '*91' }],
  ['*93', false, { kind: 'feature', action: 'forward-no-answer-off', code: '*93' }],
  // 'dial' per-call prefixes: recognised at once, the rest is the number being dialled
  ['*67', false, { kind: 'feature', action: 'anonymous-next-call', code: '*67', argument: '' }],
  ['*672125551234', false, { kind: 'feature', action: 'anonymous-next-call', code: '*67', argument: '2125551234' }],
  ['*67#', false, { kind: 'feature', action: 'anonymous-next-call', code: '*67', argument: '' }],
  ['*82555', false, { kind: 'feature', action: 'show-number-next-call', code: '*82', argument: '555' }],
  ['*70', true, { kind: 'feature', action: 'cancel-call-waiting-next-call', code: '*70', argument: '' }],
];

test('parseStarCode: table', () => {
  for (const [digits, final, want] of TABLE) {
    assert.equal(parseStarCode(digits, T, { final }), want, `${digits} final=${final}`);
  }
});

test('buildStarCodeTable: change and remove codes', () => {
  const t = buildStarCodeTable({ 'dnd-on': '*87', 'repeat-dial': null });
  assert.is(t.find((e) => e.action === 'dnd-on')?.code, '*87');
  assert.is(t.find((e) => e.action === 'repeat-dial'), undefined);
  assert.is(t.length, T.length - 1);
  assert.equal(parseStarCode('*87', t), { kind: 'feature', action: 'dnd-on', code: '*87' });
  assert.is(parseStarCode('*78', t), undefined);
  assert.is(parseStarCode('*66', t), undefined);
  // the default table is untouched
  assert.equal(parseStarCode('*78', T), { kind: 'feature', action: 'dnd-on', code: '*78' });
});

test('bad tables are refused with coded LocalErrors', () => {
  const cases: Array<[Partial<Record<string, string | null>>, string]> = [
    [{ 'dnd-on': '78' }, 'bad-star-code'],
    [{ 'dnd-on': '*7a' }, 'bad-star-code'],
    [{ 'dnd-on': '*12345' }, 'bad-star-code'],
    [{ 'dnd-on': '*7' }, 'star-code-conflict'], // a prefix of *72, *73, *70 ...
    [{ 'dnd-on': '*720' }, 'star-code-conflict'], // *72 is a prefix of it
    [{ 'dnd-on': '*79' }, 'star-code-conflict'], // the same as dnd-off
    [{ 'make-coffee': '*11' }, 'bad-star-code'],
  ];
  for (const [overrides, code] of cases) {
    try {
      buildStarCodeTable(overrides as Partial<Record<StarCodeAction, string | null>>);
      assert.unreachable(JSON.stringify(overrides));
    } catch (e) {
      assert.instance(e, LocalError, JSON.stringify(overrides));
      assert.is((e as LocalError).code, code, JSON.stringify(overrides));
    }
  }
  assert.throws(() => validateStarCodeTable([...T, { ...T[0]!, code: '*99' }]), (e: unknown) => (e as LocalError).code === 'star-code-conflict');
});

test('# codes are allowed too', () => {
  const t = buildStarCodeTable({ 'dnd-on': '#78', 'dnd-off': '#79' });
  assert.equal(parseStarCode('#78', t), { kind: 'feature', action: 'dnd-on', code: '#78' });
  assert.equal(parseStarCode('#7', t), { kind: 'partial', timeoutMs: 'long' });
});

test('rotary: the NANP 11 prefix stands for *', () => {
  assert.is(ROTARY_STAR_PREFIX['us'], '11');
  assert.is(ROTARY_STAR_PREFIX['de'], undefined);
  assert.is(rotaryToStar('1169', '11'), '*69');
  assert.is(rotaryToStar('11725551234', '11'), '*725551234');
  assert.is(rotaryToStar('1', '11'), '1');
  assert.is(rotaryToStar('12125551234', '11'), '12125551234');
  assert.is(rotaryToStar('112', undefined), '112');
  assert.equal(parseStarCode(rotaryToStar('1178', ROTARY_STAR_PREFIX['us']), T), { kind: 'feature', action: 'dnd-on', code: '*78' });
  // the prefix cannot start a real NANP number: the US map has nothing for "11" but the catch-all
  const us = defaultDigitMap(PROFILES['us']!);
  assert.equal(us.match('11'), { kind: 'partial', timeoutMs: 'short' });
});

test('every default code also passes the default digit maps (so an unhandled one reaches the provider)', () => {
  for (const profile of Object.values(PROFILES)) {
    const map = defaultDigitMap(profile);
    for (const e of T) assert.is(map.match(e.code, { timedOut: true }).kind, 'complete', `${profile.code} ${e.code}`);
  }
});

test.run();
