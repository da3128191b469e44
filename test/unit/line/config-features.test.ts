/** The per-line `features:` block of the configuration: defaults, values, and checked mistakes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULTS } from '../../../firmware/config/defaults.js';
import { ConfigError } from '../../../firmware/config/errors.js';
import { parseConfig } from '../../../firmware/config/load.js';
import { configToYaml } from '../../../firmware/config/redact.js';

const OPTIONS = { boards: ['sim'], profiles: ['us'] };
const BASE = ['board: sim', 'lines:', '  - profile: us', '    account: { registrar: 127.0.0.1, user: "1000", password: pw }'];

function withFeatures(...lines: string[]): string {
  return [...BASE, '    features:', ...lines.map((l) => `      ${l}`)].join('\n');
}

function problems(text: string): string[] {
  try {
    parseConfig(text, OPTIONS);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

test('no features block: every feature default', () => {
  const c = parseConfig(BASE.join('\n'), OPTIONS);
  assert.equal(c.lines[0]!.features, DEFAULTS.features);
});

test('features are read and mapped to camelCase', () => {
  const c = parseConfig(
    withFeatures(
      'digit_map: "(911S0|x.T)"',
      'star_codes: { dnd-on: "*55", call-return: null }',
      'call_waiting: false',
      'dnd: true',
      'dnd_status: 480',
      'forward_all: "3000"',
      'forward_busy: "3001"',
      'forward_no_answer: "+13125550000"',
      'forward_no_answer_s: 12',
      'hotline: "100"',
      'hotline_delay_s: 5',
      'mwi: true',
    ),
    OPTIONS,
  );
  const f = c.lines[0]!.features;
  assert.equal(f, {
    digitMap: '(911S0|x.T)',
    starCodes: { 'dnd-on': '*55', 'call-return': null },
    callWaiting: false,
    dnd: true,
    dndStatus: 480,
    forwardAll: '3000',
    forwardBusy: '3001',
    forwardNoAnswer: '+13125550000',
    forwardNoAnswerS: 12,
    forwardMode: 'redirect',
    hotline: '100',
    hotlineDelayS: 5,
    mwi: true,
  });
  assert.equal(parseConfig(configToYaml(c, { redact: false }), OPTIONS).lines[0]!.features, f, 'round trip');
});

const BAD: Array<[string, string]> = [
  ['digit_map: "(911S0|[9-"', 'lines[0].features.digit_map'],
  ['star_codes: { dnd-on: "78" }', 'lines[0].features.star_codes'],
  ['star_codes: { dnd-on: "*7", dnd-off: "*79" }', 'lines[0].features.star_codes'],
  ['star_codes: { dnd-onn: "*78" }', 'lines[0].features.star_codes.dnd-onn'],
  ['dnd_status: 404', 'lines[0].features.dnd_status'],
  ['forward_all: "call mum"', 'lines[0].features.forward_all'],
  ['forward_mode: re-originate', 'lines[0].features.forward_mode'],
  ['hotline_delay_s: 99', 'lines[0].features.hotline_delay_s'],
  ['hotlin: "100"', 'lines[0].features.hotlin'],
];

for (const [line, path] of BAD) {
  test(`a mistake is reported at its path: ${line}`, () => {
    const p = problems(withFeatures(line));
    assert.ok(p.some((x) => x.startsWith(`${path}:`)), `problems: ${JSON.stringify(p)}`);
  });
}

test.run();
