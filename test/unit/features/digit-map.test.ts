import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DigitMapSyntaxError, compileDigitMap, timerMs } from '../../../firmware/line/digit-map.js';
import type { DigitMapResult } from '../../../firmware/line/digit-map.js';
import { DEFAULT_DIGIT_MAPS, defaultDigitMap, defaultDigitMapText, genericDigitMapText } from '../../../firmware/line/digit-map-defaults.js';
import { PROFILES } from '../../../firmware/line/profiles/index.js';

const BRIEF = '(911|[2-9]xxxxxxxxx|1[2-9]xxxxxxxxx|011x.T|*xx|x.T)';

type Expect = 'long' | 'short' | 'none' | `=${string}` | `blocked:${string}`;

function show(r: DigitMapResult): Expect {
  switch (r.kind) {
    case 'partial':
      return r.timeoutMs;
    case 'no-match':
      return 'none';
    case 'complete':
      return `=${r.number}`;
    case 'blocked':
      return `blocked:${r.pattern}`;
  }
}

// [map, digits, result before the timer, result when the timer has expired]
const TABLE: Array<[string, string, Expect, Expect]> = [
  // the brief's map: the catch-all x.T can always take another digit, so numbers wait for the timer
  [BRIEF, '', 'long', 'none'],
  [BRIEF, '9', 'short', '=9'],
  [BRIEF, '911', 'short', '=911'],
  [BRIEF, '2125551234', 'short', '=2125551234'],
  [BRIEF, '12125551234', 'short', '=12125551234'],
  [BRIEF, '01144207', 'short', '=01144207'],
  [BRIEF, '*', 'long', 'none'],
  [BRIEF, '*6', 'long', 'none'],
  [BRIEF, '*69', '=*69', '=*69'],
  [BRIEF, '*691', 'none', 'none'],
  [BRIEF, '**', 'none', 'none'],
  // '#' sends: it ends collection like the timer and is not sent
  [BRIEF, '123#', '=123', '=123'],
  [BRIEF, '#', 'none', 'none'],
  [BRIEF, '*6#', 'none', 'none'],
  [BRIEF, '12#3', 'none', 'none'],
  // without a catch-all, a complete pattern with nothing longer possible dials at once
  ['(911|[2-9]xxxxxxxxx)', '9', 'long', 'none'],
  ['(911|[2-9]xxxxxxxxx)', '91', 'long', 'none'],
  ['(911|[2-9]xxxxxxxxx)', '911', 'short', '=911'],
  ['(911|[2-9]xxxxxxxxx)', '9115', 'long', 'none'],
  ['(911|[2-9]xxxxxxxxx)', '9115551234', '=9115551234', '=9115551234'],
  ['(911|[2-9]xxxxxxxxx)', '1', 'none', 'none'],
  ['(911|[2-9]xxxxxxxxx)', '21255512345', 'none', 'none'],
  ['(xxxx)', '123', 'long', 'none'],
  ['(xxxx)', '1234', '=1234', '=1234'],
  ['xxxx', '1234', '=1234', '=1234'],
  // T: complete only on the timer, even with nothing longer possible
  ['(xxxxT)', '1234', 'short', '=1234'],
  ['(xxxxT)', '12345', 'none', 'none'],
  // S0: at once even when longer patterns could match
  ['(911S0|x.T)', '911', '=911', '=911'],
  ['(911S0|x.T)', '91', 'short', '=91'],
  ['(911S0|x.T)', '9111', 'short', '=9111'],
  // '.' = zero or more of the previous element
  ['(0[1-9].)', '0', 'short', '=0'],
  ['(0[1-9].)', '0123', 'short', '=0123'],
  ['(0[1-9].)', '0120', 'none', 'none'],
  ['(1x.2)', '12', 'short', '=12'],
  ['(1x.2)', '1552', 'short', '=1552'],
  ['(1x.2)', '155', 'long', 'none'],
  // sets
  ['([135]x)', '35', '=35', '=35'],
  ['([135]x)', '25', 'none', 'none'],
  ['([1-35-7]x)', '60', '=60', '=60'],
  ['([1-35-7]x)', '40', 'none', 'none'],
  ['(x[#*])', '1#', '=1#', '=1#'],
  ['(x[#*])', '1*', '=1*', '=1*'],
  ['(*xx#)', '*72#', '=*72#', '=*72#'],
  // rewriting
  ['(<9:>xxxxxxx)', '95551234', '=5551234', '=5551234'],
  ['(<:1>[2-9]xxxxxxxxx)', '2125551234', '=12125551234', '=12125551234'],
  ['(<0=011>0x.T)', '0044207', 'short', '=011044207'],
  ['(<00:+>x.T)', '0044207', 'short', '=+44207'],
  ['(1<555:>xxxx)', '15551234', '=11234', '=11234'],
  ['(<*8:>xxx)', '*8123', '=123', '=123'],
  ['(<9:>xxxxxxx)', '85551234', 'none', 'none'],
  // blocking, prefix or Cisco-style suffix; it beats every other pattern
  ['(!1900xxxxxxx|1[2-9]xxxxxxxxx)', '19005551234', 'blocked:!1900xxxxxxx', 'blocked:!1900xxxxxxx'],
  ['(1900xxxxxxx!|1[2-9]xxxxxxxxx)', '19005551234', 'blocked:1900xxxxxxx!', 'blocked:1900xxxxxxx!'],
  ['(!1900xxxxxxx|1[2-9]xxxxxxxxx)', '18005551234', '=18005551234', '=18005551234'],
  ['(!1900xxxxxxx|1[2-9]xxxxxxxxx)', '1900', 'long', 'none'],
  ['(!1900x.|x.T)', '190', 'short', '=190'],
  ['(!1900x.|x.T)', '1900', 'blocked:!1900x.', 'blocked:!1900x.'],
  ['(!1900x.|x.T)', '19001', 'blocked:!1900x.', 'blocked:!1900x.'],
  // the most literally matched pattern wins; then the earlier one
  ['(<:9>x.T|911)', '911', 'short', '=911'],
  ['(<:9>x.T|91x)', '912', 'short', '=912'],
  ['(<:8>xxx|<:9>xxx)', '123', '=8123', '=8123'],
  // blanks are ignored
  [' ( 9 1 1 | x x x x ) ', '911', 'short', '=911'],
  // keys no pattern knows
  [BRIEF, '12A', 'none', 'none'],
];

test('match: table', () => {
  const failures: string[] = [];
  for (const [text, digits, before, after] of TABLE) {
    const map = compileDigitMap(text);
    const b = show(map.match(digits));
    const a = show(map.match(digits, { timedOut: true }));
    if (b !== before || a !== after) failures.push(`${text} '${digits}': got ${b} / ${a}, want ${before} / ${after}`);
  }
  assert.equal(failures, []);
});

test('complete results name the pattern that matched', () => {
  const map = compileDigitMap('(911S0 | 1[2-9]xxxxxxxxx | x.T)');
  const r = map.match('911');
  assert.equal(r, { kind: 'complete', number: '911', pattern: '911S0' });
  assert.equal(map.patterns, ['911S0', '1[2-9]xxxxxxxxx', 'x.T']);
  assert.is(map.text, '(911S0 | 1[2-9]xxxxxxxxx | x.T)');
});

// [text, reason, position]
const ERRORS: Array<[string, string, number]> = [
  ['', 'empty-pattern', 0],
  ['()', 'empty-pattern', 1],
  ['(12|)', 'empty-pattern', 4],
  ['(12', 'unbalanced-parenthesis', 3],
  ['12)', 'unbalanced-parenthesis', 2],
  ['((12))', 'unexpected-character', 1],
  ['1[2', 'bad-set', 1],
  ['1[]', 'bad-set', 1],
  ['1[a]', 'bad-set', 2],
  ['[9-2]', 'bad-range', 1],
  ['[1-*]', 'bad-range', 1],
  ['.1', 'bad-repeat', 0],
  ['x..', 'bad-repeat', 2],
  ['<1:>.', 'bad-repeat', 4],
  ['<1', 'bad-rewrite', 0],
  ['<1>', 'bad-rewrite', 0],
  ['<:>', 'bad-rewrite', 0],
  ['<x:1>', 'bad-rewrite', 1],
  ['<1:2:3>', 'bad-rewrite', 4],
  ['<:1>', 'empty-pattern', 0],
  ['1T2', 'misplaced-marker', 2],
  ['1TT', 'misplaced-marker', 2],
  ['1S0T', 'misplaced-marker', 3],
  ['1TS0', 'misplaced-marker', 2],
  ['!!1', 'misplaced-marker', 1],
  ['1!2', 'misplaced-marker', 2],
  ['12S5', 'unsupported-timer', 2],
  ['12S05', 'unsupported-timer', 2],
  ['xL5', 'unsupported-timer', 1],
  ['9,xxx', 'unexpected-character', 1],
  ['1@gw0', 'unexpected-character', 1],
];

test('syntax errors: coded, with the position', () => {
  const failures: string[] = [];
  for (const [text, reason, position] of ERRORS) {
    try {
      compileDigitMap(text);
      failures.push(`${JSON.stringify(text)} compiled`);
    } catch (e) {
      if (!(e instanceof DigitMapSyntaxError)) {
        failures.push(`${JSON.stringify(text)} threw ${String(e)}`);
        continue;
      }
      if (e.code !== 'bad-digit-map' || e.reason !== reason || e.position !== position) {
        failures.push(`${JSON.stringify(text)}: ${e.reason}@${e.position}, want ${reason}@${position}`);
      }
      if (!e.message.includes(`position ${e.position}`)) failures.push(`${JSON.stringify(text)}: message lacks the position`);
    }
  }
  assert.equal(failures, []);
});

/** An independent oracle: the pattern (no rewrites) as a regular expression over the whole string. */
function toRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/^!|!$/g, '')
    .replace(/S0$|T$/, '')
    .replace(/[xX]/g, '[0-9]')
    .replace(/\*/g, '\\*')
    .replace(/\[([^\]]*)\]/g, (_m, set: string) => `[${set.replace(/\\\*/g, '*')}]`)
    .replace(/\.(?![^[]*\])/g, '*');
  return new RegExp(`^(?:${body})$`);
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('timed-out matching agrees with a regular-expression oracle on random digits', () => {
  const maps = ['(911|[2-9]xxxxxxxxx|1[2-9]xxxxxxxxx|011x.T|*xx)', '(!1900xxxxxxx|1[2-9]xx.|0[1-5]x.0|*[6-9]x)', '([2-4]x.5|x[#*]x)'];
  const rnd = lcg(42);
  const keys = '0123456789*#';
  let completes = 0;
  for (const text of maps) {
    const map = compileDigitMap(text);
    const patterns = map.patterns;
    const regs = patterns.map(toRegExp);
    for (let n = 0; n < 3000; n++) {
      const len = 1 + Math.floor(rnd() * 12);
      let digits = '';
      // bias towards digits so that long numbers occur
      for (let i = 0; i < len; i++) digits += keys[Math.floor(rnd() * (rnd() < 0.9 ? 10 : 12))];
      if (digits.endsWith('#')) continue;
      const r = map.match(digits, { timedOut: true });
      const blocked = patterns.some((p, i) => p.includes('!') && regs[i]!.test(digits));
      const allowed = patterns.some((p, i) => !p.includes('!') && regs[i]!.test(digits));
      const want = blocked ? 'blocked' : allowed ? 'complete' : 'no-match';
      assert.is(r.kind, want, `${text} '${digits}'`);
      if (r.kind === 'complete') {
        completes++;
        assert.is(r.number, digits);
      }
    }
  }
  assert.ok(completes > 100, `only ${completes} complete cases exercised`);
});

test('before the timer: partial(short) iff some allowed pattern already matches', () => {
  const text = '(911|[2-9]xxxxxxxxx|1[2-9]xx.|0[1-5]x.0|*[6-9]x)';
  const map = compileDigitMap(text);
  const regs = map.patterns.map(toRegExp);
  const rnd = lcg(7);
  for (let n = 0; n < 2000; n++) {
    let digits = '';
    const len = 1 + Math.floor(rnd() * 11);
    for (let i = 0; i < len; i++) digits += '0123456789*'[Math.floor(rnd() * 11)];
    const r = map.match(digits);
    const matchesNow = regs.some((re) => re.test(digits));
    if (r.kind === 'complete') assert.ok(matchesNow, `complete without a match: ${digits}`);
    if (r.kind === 'partial' && r.timeoutMs === 'short') assert.ok(matchesNow, `short timer without a match: ${digits}`);
    if (r.kind === 'partial' && r.timeoutMs === 'long') assert.not.ok(matchesNow, `long timer with a match: ${digits}`);
    if (r.kind === 'no-match') assert.not.ok(matchesNow, `no-match with a match: ${digits}`);
  }
});

test('484: onAddressIncomplete keeps collecting past the map', () => {
  const map = compileDigitMap('(<:1>[2-9]xxxxxxxxxS0)');
  const first = map.match('2125551234');
  assert.equal(first, { kind: 'complete', number: '12125551234', pattern: '<:1>[2-9]xxxxxxxxxS0' });
  const more = map.onAddressIncomplete('2125551234', '12125551234');
  assert.equal(more.match('2125551234'), { kind: 'partial', timeoutMs: 'long' });
  assert.equal(more.match('2125551234', { timedOut: true }), { kind: 'no-match' });
  // the map alone refuses an 11th digit; after 484 it is collected
  assert.equal(map.match('21255512345'), { kind: 'no-match' });
  assert.equal(more.match('21255512345'), { kind: 'partial', timeoutMs: 'short' });
  assert.equal(more.match('212555123456', { timedOut: true }), { kind: 'complete', number: '1212555123456' });
  assert.equal(more.match('21255512345#'), { kind: 'complete', number: '121255512345' });
  // different digits (a new dial) go back to the map
  assert.equal(more.match('3125551234'), { kind: 'complete', number: '13125551234', pattern: '<:1>[2-9]xxxxxxxxxS0' });
});

test('default maps: every profile has one that compiles, and its emergency numbers dial at once', () => {
  for (const profile of Object.values(PROFILES)) {
    assert.ok(Object.prototype.hasOwnProperty.call(DEFAULT_DIGIT_MAPS, profile.code), profile.code);
    const map = defaultDigitMap(profile);
    assert.is(map.text, DEFAULT_DIGIT_MAPS[profile.code]);
    for (const n of profile.emergencyNumbers) {
      const r = map.match(n);
      assert.is(r.kind, 'complete', `${profile.code} ${n}`);
      if (r.kind === 'complete') {
        assert.is(r.number, n);
        assert.ok(r.pattern?.endsWith('S0'), `${profile.code} ${n} via ${r.pattern}`);
      }
    }
    // anything of digits is dialled after the timer (nothing is refused), and a star sequence too
    assert.equal(map.match('4321', { timedOut: true }), { kind: 'complete', number: '4321', pattern: 'x.T' }, profile.code);
    assert.is(map.match('*43', { timedOut: true }).kind, 'complete', profile.code);
    assert.is(map.match('4321#').kind, 'complete', profile.code);
  }
});

test('default maps: national numbers of fixed length dial at once', () => {
  const cases: Array<[string, string]> = [
    ['us', '2125551234'],
    ['us', '12125551234'],
    ['us', '411'],
    ['ca', '4165551234'],
    ['uk', '02079460000'],
    ['fr', '0142345678'],
    ['jp', '09012345678'],
    ['au', '0298765432'],
    ['au', '1800123456'],
    ['au', '131008'],
    ['cn', '13812345678'],
  ];
  for (const [code, number] of cases) {
    const r = defaultDigitMap(PROFILES[code]!).match(number);
    assert.is(r.kind, 'complete', `${code} ${number}`);
    // one digit less is not complete yet
    assert.is(defaultDigitMap(PROFILES[code]!).match(number.slice(0, -1)).kind, 'partial', `${code} ${number} minus one`);
  }
  // international and variable-length numbers wait for the timer
  assert.equal(defaultDigitMap(PROFILES['us']!).match('01144207946'), { kind: 'partial', timeoutMs: 'short' });
  assert.equal(defaultDigitMap(PROFILES['de']!).match('030123456'), { kind: 'partial', timeoutMs: 'short' });
});

test('generic map for a profile without an entry', () => {
  const profile = { code: 'xx', emergencyNumbers: ['112', '911'] };
  assert.is(defaultDigitMapText(profile), genericDigitMapText(profile));
  const map = defaultDigitMap(profile);
  assert.equal(map.patterns, ['112S0', '911S0', '*x.T', 'x.T']);
  assert.is(map.match('112').kind, 'complete');
  assert.equal(map.match('11'), { kind: 'partial', timeoutMs: 'short' });
});

test('timerMs maps the partial kinds to milliseconds', () => {
  assert.is(timerMs('short'), 4000);
  assert.is(timerMs('long'), 10000);
  assert.is(timerMs('short', { shortMs: 3000, longMs: 15000 }), 3000);
  assert.is(timerMs('long', { shortMs: 3000, longMs: 15000 }), 15000);
});

test.run();
