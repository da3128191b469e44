/** Number classification per country (us, ca, uk, de, fr, au, jp, cn) and the dial-pattern syntax. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NumberClassifier, normaliseNumber } from '../../../firmware/security/dial-classifier.js';
import { compileDialPattern, compileDialPatterns, matchesPattern } from '../../../firmware/security/dial-pattern.js';
import { NUMBERING_PLANS, numberingPlanFor } from '../../../firmware/security/numbering/index.js';
import type { NumberClass } from '../../../firmware/security/numbering/types.js';
import { PROFILES } from '../../../firmware/line/profiles/index.js';
import type { CountryProfile } from '../../../firmware/line/profiles/types.js';

const CASES: Record<string, Array<[string, NumberClass]>> = {
  us: [
    ['911', 'emergency'],
    ['2125551234', 'national'],
    ['12125551234', 'national'],
    ['5551234', 'local'],
    ['19005551234', 'premium'],
    ['9005551234', 'premium'],
    ['12129761234', 'premium'],
    ['9761234', 'premium'],
    ['18005551234', 'toll-free'],
    ['8885551234', 'toll-free'],
    ['8035551234', 'national'], // 803 is South Carolina, not toll-free
    ['011442079460000', 'international'],
    ['+442079460000', 'international'],
    ['+12125551234', 'national'],
    ['18765551234', 'international'], // Jamaica
    ['4735551234', 'international'], // Grenada
    ['17875551234', 'national'], // Puerto Rico is domestic
    ['411', 'special'],
    ['311', 'service'],
    ['0', 'special'],
    ['1010288011442079460000', 'international'], // carrier access code + 011
    ['*67011442079460000', 'international'], // caller-ID block + international
    ['*69', 'feature'],
    ['011979123456789', 'premium'], // +979 international premium
    ['0118821234567', 'premium'],
    ['2000', 'other'], // a PBX extension
    ['alice', 'other'],
    ['', 'invalid'],
  ],
  ca: [
    ['911', 'emergency'],
    ['4165551234', 'national'],
    ['19005551234', 'premium'],
    ['18095551234', 'international'],
  ],
  uk: [
    ['999', 'emergency'],
    ['112', 'emergency'],
    ['02079460000', 'national'],
    ['01632960000', 'national'],
    ['03001234567', 'national'],
    ['07700900123', 'mobile'],
    ['07624123456', 'mobile'],
    ['07012345678', 'special'],
    ['09001234567', 'premium'],
    ['0911234567', 'premium'],
    ['118500', 'premium'],
    ['116123', 'service'],
    ['08001234567', 'toll-free'],
    ['08451234567', 'special'],
    ['0012125551234', 'international'],
    ['00442079460000', 'national'], // own country code after 00
    ['+442079460000', 'national'],
    ['14100442079460000', 'national'], // 141 (withhold CLI) + own country
    ['1410012125551234', 'international'],
    ['9460000', 'local'],
  ],
  de: [
    ['112', 'emergency'],
    ['110', 'emergency'],
    ['030123456', 'national'],
    ['015112345678', 'mobile'],
    ['017012345678', 'mobile'],
    ['09001234567', 'premium'],
    ['01371234567', 'premium'],
    ['11833', 'premium'],
    ['01801234567', 'special'],
    ['07001234567', 'special'],
    ['08001234567', 'toll-free'],
    ['0033123456789', 'international'],
    ['0101309001234567', 'premium'], // call-by-call 01013 + 0900
    ['01013030123456', 'national'],
    ['115', 'service'],
    ['234567', 'local'],
  ],
  fr: [
    ['112', 'emergency'],
    ['15', 'emergency'],
    ['17', 'emergency'],
    ['0123456789', 'national'],
    ['0612345678', 'mobile'],
    ['0712345678', 'mobile'],
    ['0891234567', 'premium'],
    ['0899123456', 'premium'],
    ['0800123456', 'toll-free'],
    ['0810123456', 'special'],
    ['118712', 'premium'],
    ['3949', 'special'],
    ['0044207946000', 'international'],
    ['0033123456789', 'national'],
    ['16330891234567', 'premium'], // carrier selection 1633 + 089
    ['0912345678', 'national'],
  ],
  au: [
    ['000', 'emergency'],
    ['112', 'emergency'],
    ['0298765432', 'national'],
    ['0412345678', 'mobile'],
    ['1900123456', 'premium'],
    ['1902123456', 'premium'],
    ['1800123456', 'toll-free'],
    ['1300123456', 'special'],
    ['131234', 'special'],
    ['0011442079460000', 'international'],
    ['0015442079460000', 'international'],
    ['98765432', 'local'],
  ],
  jp: [
    ['110', 'emergency'],
    ['119', 'emergency'],
    ['0312345678', 'national'],
    ['09012345678', 'mobile'],
    ['08012345678', 'mobile'],
    ['0120123456', 'toll-free'],
    ['0570123456', 'special'],
    ['0990123456', 'premium'],
    ['0101442079460000', 'international'],
    ['0033010442079460000', 'international'], // carrier code + 010
    ['05012345678', 'national'],
    ['104', 'special'],
    ['117', 'service'],
  ],
  cn: [
    ['110', 'emergency'],
    ['120', 'emergency'],
    ['01012345678', 'national'],
    ['13812345678', 'mobile'],
    ['013812345678', 'mobile'],
    ['8001234567', 'toll-free'],
    ['4001234567', 'special'],
    ['16812345', 'premium'],
    ['10086', 'service'],
    ['12315', 'service'],
    ['001442079460000', 'international'],
    ['1795101012345678', 'national'], // IP long-distance prefix 17951
    ['1795100442079460000', 'international'],
    ['62345678', 'local'],
  ],
};

for (const [code, cases] of Object.entries(CASES)) {
  test(`${code}: ${cases.length} numbers land in their class`, () => {
    const c = new NumberClassifier(PROFILES[code] as CountryProfile);
    for (const [number, want] of cases) {
      const got = c.classify(number);
      assert.is(got.class, want, `${code} ${JSON.stringify(number)} → ${got.class} (${got.note})`);
    }
  });
}

test('every profile has a numbering plan with sources; each plan compiles', () => {
  for (const code of Object.keys(PROFILES)) {
    const plan = NUMBERING_PLANS[code];
    assert.ok(plan, code);
    assert.ok(plan!.sources.length > 0);
    compileDialPatterns(plan!.rules.map((r) => r.pattern));
    assert.is(numberingPlanFor(PROFILES[code]!).internationalPrefixes[0], PROFILES[code]!.internationalPrefix);
  }
});

test('a profile without a table still knows emergency and international calls', () => {
  const xx: CountryProfile = { ...(PROFILES.uk as CountryProfile), code: 'xx', emergencyNumbers: ['117'], internationalPrefix: '00', nationalPrefix: '0' };
  const c = new NumberClassifier(xx);
  assert.is(c.classify('117').class, 'emergency');
  assert.is(c.classify('0044123456').class, 'international');
  assert.is(c.classify('0123456789').class, 'national');
  assert.is(c.classify('00979123456').class, 'premium');
});

test('normalising: URIs, separators, a trailing # (send key)', () => {
  assert.is(normaliseNumber('sip:+1 (212) 555-1234@example.com;user=phone'), '+12125551234');
  assert.is(normaliseNumber('tel:+44-20-7946-0000'), '+442079460000');
  assert.is(normaliseNumber('2000#'), '2000');
  assert.is(normaliseNumber('*69'), '*69');
  assert.is(normaliseNumber('#'), '#');
  const us = new NumberClassifier(PROFILES.us as CountryProfile);
  assert.is(us.classify('sip:011442079460000@sip.example.com').class, 'international');
  assert.is(us.classify('911#').class, 'emergency');
  assert.is(us.classify('9 1 1').class, 'emergency');
  assert.is(us.classify('<>').class, 'invalid');
});

test('dial patterns: X/Z/N, sets, ranges, . and !, separators ignored, errors reported', () => {
  const p = compileDialPattern('1-900-NXX-XXXX');
  assert.ok(matchesPattern(p, '19005551234'));
  assert.not.ok(matchesPattern(p, '19001551234'));
  assert.not.ok(matchesPattern(p, '190055512345'));
  assert.ok(matchesPattern(compileDialPattern('0900!'), '0900'));
  assert.ok(matchesPattern(compileDialPattern('0900!'), '09001234'));
  assert.not.ok(matchesPattern(compileDialPattern('0900.'), '0900'));
  assert.ok(matchesPattern(compileDialPattern('0[1-3,7]Z'), '071'));
  assert.not.ok(matchesPattern(compileDialPattern('0[1-3,7]Z'), '050'));
  assert.ok(matchesPattern(compileDialPattern('+44!'), '+442079460000'));
  assert.ok(matchesPattern(compileDialPattern('*7X'), '*72'));
  assert.throws(() => compileDialPattern('09a'), /bad dial pattern/);
  assert.throws(() => compileDialPattern('0[9'), /unclosed/);
  assert.throws(() => compileDialPatterns(['ok!', '', 'x!y']), (e: Error) => /empty/.test(e.message) && /unexpected/.test(e.message));
});

test.run();
