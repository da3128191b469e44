import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULTS } from '../../../firmware/config/defaults.js';
import { ConfigError, type ConfigProblem } from '../../../firmware/config/errors.js';
import { loadConfigFile, parseConfig } from '../../../firmware/config/load.js';
import { configToYaml, redactConfig } from '../../../firmware/config/redact.js';
import type { TipringConfig } from '../../../firmware/config/schema.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}
const ROOT = repoRoot();
const fixture = (name: string) => join(ROOT, 'test/fixtures/config', name);
const read = (path: string) => readFileSync(path, 'utf8');
const OPTIONS = { boards: ['sim', 'rpi-ag1171'], profiles: ['us', 'uk', 'de'] };

/** 1-based number of the first line of `text` containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`fixture has no line with ${needle}`);
  return i + 1;
}

function refused(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

const yamlOf = (lines: string[]) => lines.join('\n') + '\n';
const VALID_LINES = ['lines:', '  - profile: us', '    account: { registrar: 127.0.0.1, user: "1000", password: pw }'];

test('the shipped example.yaml is valid and maps snake_case to camelCase', () => {
  const text = read(join(ROOT, 'firmware/config/example.yaml'));
  const c = parseConfig(text, OPTIONS);
  assert.is(c.board, 'sim');
  assert.is(c.logLevel, 'info');
  assert.equal(c.sip, { bind: '127.0.0.1', port: 5070, userAgent: 'tipring', timers: { t1: 500, t2: 4000, t4: 5000 } });
  assert.equal(c.rtp, { portMin: 16384, portMax: 16999 });
  assert.equal(c.rig, { enabled: true, host: '127.0.0.1', basePort: 7001 });
  assert.is(c.lines.length, 1);
  const l = c.lines[0]!;
  assert.is(l.profile, 'us');
  assert.is(l.dialTimeoutMs, 4000);
  assert.equal(l.account, {
    registrarHost: '127.0.0.1',
    registrarPort: 5060,
    domain: 'lab.test',
    user: '1000',
    authUser: '1000',
    password: 'pass1000',
    displayName: 'Kitchen',
    expires: 600,
  });
});

test('example.yaml documents every key the validator knows', async () => {
  const { KEYS } = await import('../../../firmware/config/validate.js');
  const text = read(join(ROOT, 'firmware/config/example.yaml'));
  for (const key of Object.values(KEYS).flat()) {
    assert.ok(new RegExp(`(^|[\\s{,])${key}:`, 'm').test(text), `example.yaml lacks ${key}`);
  }
});

test('a minimal config gets every default', () => {
  const c = parseConfig(read(fixture('minimal.yaml')), OPTIONS);
  assert.is(c.logLevel, DEFAULTS.logLevel);
  assert.equal(c.sip, DEFAULTS.sip);
  assert.equal(c.rtp, DEFAULTS.rtp);
  assert.equal(c.rig, DEFAULTS.rig);
  const l = c.lines[0]!;
  assert.is(l.dialTimeoutMs, DEFAULTS.line.dialTimeoutMs);
  assert.is(l.account.registrarHost, 'sip.example.net');
  assert.is(l.account.registrarPort, DEFAULTS.account.registrarPort);
  assert.is(l.account.domain, 'sip.example.net', 'domain defaults to the registrar host');
  assert.is(l.account.authUser, 'alice', 'auth_user defaults to user');
  assert.is(l.account.expires, DEFAULTS.account.expires);
  assert.is(l.account.displayName, undefined);
  // The result is a copy: changing it must not change the defaults.
  c.sip.timers.t1 = 1;
  assert.is.not(DEFAULTS.sip.timers.t1, 1);
});

test('problems are listed in file order', () => {
  const e = refused(() => parseConfig(read(fixture('many-problems.yaml')), OPTIONS));
  const lines = e.problems.map((p) => p.line!);
  assert.equal(lines, [...lines].sort((a, b) => a - b));
});

test('every mistake in a file is reported, with its path and line number', () => {
  const text = read(fixture('many-problems.yaml'));
  const e = refused(() => parseConfig(text, { ...OPTIONS, sourceName: 'many-problems.yaml' }));
  assert.is(e.code, 'config-invalid');
  const expected: Array<[path: string, needle: string, lineText: string]> = [
    ['board', 'did you mean "sim"', 'board: simm'],
    ['log_level', 'one of: debug, info, warn, error', 'log_level: loud'],
    ['sip.bind', 'not an IP address', 'bind: localhost'],
    ['sip.port', '0..65535', 'port: 70000'],
    ['sip.user_agnet', 'did you mean "user_agent"', 'user_agnet'],
    ['sip.timers.t2', 'smaller than t1', 't2: 100'],
    ['rtp.port_min', 'even', 'port_min: 16385'],
    ['rig.enabled', 'true or false', 'enabled: yes'],
    ['lines[0].account.registrar', 'without the "sip:" scheme', 'registrar: sip:'],
    ['lines[0].account.user', 'must be a string', 'user: 1000'],
    ['lines[0].account.password', 'must be a string', 'password: 1234'],
    ['lines[0].account.expires', '30..86400', 'expires: 20'],
    ['lines[1].profile', 'did you mean "us"', 'profile: usa'],
  ];
  const byPath = new Map(e.problems.map((p) => [p.path, p]));
  for (const [path, needle, lineText] of expected) {
    const p = byPath.get(path);
    assert.ok(p, `no problem reported at ${path}; got ${e.problems.map((x) => x.path).join(', ')}`);
    assert.ok(p!.message.includes(needle), `${path}: "${p!.message}" lacks "${needle}"`);
    assert.is(p!.line, lineOf(text, lineText), `${path} line`);
    assert.ok(e.message.includes(`many-problems.yaml:${p!.line}: ${path}: `), `message lists ${path}`);
  }
  assert.is(e.problems.length, expected.length, e.message);
});

test('secrets are never echoed in problems', () => {
  const text = read(fixture('many-problems.yaml'));
  const e = refused(() => parseConfig(text, OPTIONS));
  const pw = e.problems.find((p) => p.path === 'lines[0].account.password')!;
  assert.not.ok(pw.message.includes('1234'));
  assert.not.ok(e.message.includes('1234'));
});

test('YAML syntax errors are refused with a line number and without quoting the source', () => {
  const text = read(fixture('bad-syntax.yaml'));
  const e = refused(() => parseConfig(text, { ...OPTIONS, sourceName: 'bad.yaml' }));
  assert.is(e.code, 'config-yaml');
  assert.ok(e.problems.length >= 1);
  assert.ok(e.problems.every((p) => typeof p.line === 'number' && p.line >= 1 && p.line <= text.split('\n').length));
  assert.ok(e.message.startsWith('bad.yaml: '));
  assert.not.ok(e.message.includes('hunter2'), e.message);
});

test('duplicate keys are refused', () => {
  const text = read(fixture('duplicate-key.yaml'));
  const e = refused(() => parseConfig(text, OPTIONS));
  assert.is(e.code, 'config-yaml');
  assert.is(e.problems[0]!.line, lineOf(text, 'board: rpi'));
});

const cases: Array<{ name: string; yaml: string[]; path: string; needle: string }> = [
  { name: 'empty file', yaml: ['# nothing'], path: '', needle: 'empty' },
  { name: 'not a mapping', yaml: ['- a', '- b'], path: '', needle: 'mapping' },
  { name: 'missing board', yaml: VALID_LINES, path: 'board', needle: 'required' },
  { name: 'missing lines', yaml: ['board: sim'], path: 'lines', needle: 'required' },
  { name: 'empty lines', yaml: ['board: sim', 'lines: []'], path: 'lines', needle: 'at least one' },
  { name: 'lines not a list', yaml: ['board: sim', 'lines: { profile: us }'], path: 'lines', needle: 'list' },
  { name: 'missing account', yaml: ['board: sim', 'lines:', '  - profile: us'], path: 'lines[0].account', needle: 'required' },
  {
    name: 'missing password',
    yaml: ['board: sim', 'lines:', '  - profile: us', '    account: { registrar: h, user: u }'],
    path: 'lines[0].account.password',
    needle: 'required',
  },
  { name: 'camelCase key', yaml: ['board: sim', 'logLevel: info', ...VALID_LINES], path: 'logLevel', needle: 'did you mean "log_level"' },
  { name: 'unknown key far from any', yaml: ['board: sim', 'zzzzzz: 1', ...VALID_LINES], path: 'zzzzzz', needle: 'known keys: board' },
  { name: 'fractional port', yaml: ['board: sim', 'sip: { port: 5060.5 }', ...VALID_LINES], path: 'sip.port', needle: 'whole number' },
  { name: 'port as text', yaml: ['board: sim', 'sip: { port: "5060" }', ...VALID_LINES], path: 'sip.port', needle: 'whole number' },
  { name: 'rtp max below min', yaml: ['board: sim', 'rtp: { port_min: 20000, port_max: 19000 }', ...VALID_LINES], path: 'rtp.port_max', needle: 'greater than' },
  { name: 'rtp port below 1024', yaml: ['board: sim', 'rtp: { port_min: 1000 }', ...VALID_LINES], path: 'rtp.port_min', needle: '1024..65534' },
  { name: 'sip port inside rtp range', yaml: ['board: sim', 'sip: { port: 16500 }', 'rtp: { port_min: 16384, port_max: 16999 }', ...VALID_LINES], path: 'sip.port', needle: 'RTP range' },
  { name: 'rig port on the sip port', yaml: ['board: sim', 'sip: { port: 7001 }', 'rig: { enabled: true, base_port: 7001 }', ...VALID_LINES], path: 'rig.base_port', needle: 'SIP port of line 1' },
  { name: 'registrar port out of range', yaml: ['board: sim', 'lines:', '  - profile: us', '    account: { registrar: "h:99999", user: u, password: p }'], path: 'lines[0].account.registrar', needle: '1..65535' },
  { name: 'bare IPv6 registrar', yaml: ['board: sim', 'lines:', '  - profile: us', '    account: { registrar: "::1", user: u, password: p }'], path: 'lines[0].account.registrar', needle: 'brackets' },
  { name: 'bad SIP user', yaml: ['board: sim', 'lines:', '  - profile: us', '    account: { registrar: h, user: "a b@c", password: p }'], path: 'lines[0].account.user', needle: 'not allowed' },
  { name: 'control character', yaml: ['board: sim', 'sip: { user_agent: "a\\nb" }', ...VALID_LINES], path: 'sip.user_agent', needle: 'control characters' },
  { name: 'board list empty', yaml: ['board: sim', ...VALID_LINES], path: 'board', needle: 'none are available' },
];

for (const k of cases) {
  test(`refused: ${k.name}`, () => {
    const opts = k.name === 'board list empty' ? { ...OPTIONS, boards: [] } : OPTIONS;
    const e = refused(() => parseConfig(yamlOf(k.yaml), opts));
    const hit = e.problems.find((p: ConfigProblem) => p.path === k.path);
    assert.ok(hit, `expected a problem at "${k.path}", got: ${e.message}`);
    assert.ok(hit!.message.includes(k.needle), `"${hit!.message}" lacks "${k.needle}"`);
  });
}

test('a broken mapping is reported once, not once per missing key inside it', () => {
  const e = refused(() => parseConfig(yamlOf(['board: sim', 'lines:', '  - profile: us', '    account: 42']), OPTIONS));
  assert.equal(e.problems.map((p) => p.path), ['lines[0].account']);
});

test('port clashes are reported next to unrelated problems', () => {
  const text = yamlOf(['board: sim', 'log_level: chatty', 'sip: { port: 7002 }', 'rig: { enabled: true, base_port: 7001 }', ...VALID_LINES, ...VALID_LINES.slice(1)]);
  const e = refused(() => parseConfig(text, OPTIONS));
  const paths = e.problems.map((p) => p.path);
  assert.ok(paths.includes('log_level'));
  // Two lines: SIP 7002..7003, rig 7001..7002: line 2's rig port is line 1's SIP port.
  const clash = e.problems.find((p) => p.path === 'rig.base_port');
  assert.ok(clash && clash.message.includes('rig port 7002 (line 2)'), e.message);
});

test('with boardLines, lines beyond the board are reported at the first extra entry', () => {
  const three = yamlOf(['board: sim', ...VALID_LINES, ...VALID_LINES.slice(1), ...VALID_LINES.slice(1)]);
  const e = refused(() => parseConfig(three, { ...OPTIONS, boardLines: { sim: 2, 'rpi-ag1171': 1 } }));
  assert.equal(e.problems.map((p) => p.path), ['lines[2]']);
  assert.is(e.problems[0]!.line, 7);
  assert.ok(e.problems[0]!.message.includes('has 2 lines'));
  assert.is(parseConfig(three, { ...OPTIONS, boardLines: { sim: 3 } }).lines.length, 3);
  assert.is(parseConfig(three, OPTIONS).lines.length, 3, 'no check without boardLines');
});

test('IPv6 registrars in brackets, and explicit ports', () => {
  const text = yamlOf(['board: sim', 'lines:', '  - profile: uk', '    account: { registrar: "[2001:db8::1]:5080", user: u, password: p }']);
  const a = parseConfig(text, OPTIONS).lines[0]!.account;
  assert.is(a.registrarHost, '2001:db8::1');
  assert.is(a.registrarPort, 5080);
  assert.is(a.domain, '2001:db8::1');
});

test('loadConfigFile reads a file and names it in errors', async () => {
  const c = await loadConfigFile(fixture('minimal.yaml'), OPTIONS);
  assert.is(c.lines[0]!.account.user, 'alice');
  try {
    await loadConfigFile(fixture('many-problems.yaml'), OPTIONS);
    assert.unreachable('should refuse');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.ok((e as ConfigError).message.startsWith(fixture('many-problems.yaml')));
  }
});

test('loadConfigFile: a missing file is config-unreadable', async () => {
  try {
    await loadConfigFile(fixture('does-not-exist.yaml'), OPTIONS);
    assert.unreachable('should refuse');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.is((e as ConfigError).code, 'config-unreadable');
    assert.ok((e as ConfigError).message.includes('no such file'));
  }
});

test('redactConfig hides every password and leaves the original alone', () => {
  const text = yamlOf(['board: sim', ...VALID_LINES, '  - profile: us', '    account: { registrar: h, user: "2", password: second }']);
  const c = parseConfig(text, OPTIONS);
  const r = redactConfig(c) as TipringConfig;
  assert.equal(r.lines.map((l) => l.account.password), ['***', '***']);
  assert.equal(c.lines.map((l) => l.account.password), ['pw', 'second']);
  assert.not.ok(JSON.stringify(r).includes('second'));
  assert.not.ok(configToYaml(c).includes('second'));
});

test('configToYaml round-trips (unredacted) through parseConfig', () => {
  for (const name of ['minimal.yaml']) {
    const c = parseConfig(read(fixture(name)), OPTIONS);
    assert.equal(parseConfig(configToYaml(c, { redact: false }), OPTIONS), c);
  }
  const example = parseConfig(read(join(ROOT, 'firmware/config/example.yaml')), OPTIONS);
  assert.equal(parseConfig(configToYaml(example, { redact: false }), OPTIONS), example);
  const v6 = parseConfig(yamlOf(['board: sim', 'lines:', '  - profile: us', '    account: { registrar: "[::1]", user: u, password: p }']), OPTIONS);
  assert.equal(parseConfig(configToYaml(v6, { redact: false }), OPTIONS), v6);
});

test.run();
