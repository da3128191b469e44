import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  formatCommand,
  formatError,
  formatEvent,
  formatReply,
  isEventLine,
  parseReply,
  parseRigCommand,
  RigProtocolError,
} from '../../../hal/rig/protocol.js';
import type { RigCommand } from '../../../hal/rig/protocol.js';
import { RemoteError } from '../../../firmware/core/errors.js';

function fails(line: string, code: string): void {
  try {
    parseRigCommand(line);
  } catch (e) {
    assert.instance(e, RigProtocolError);
    assert.instance(e, RemoteError);
    assert.is((e as RigProtocolError).code, code, line);
    return;
  }
  assert.unreachable(`'${line}' should fail with ${code}`);
}

test('parses every command, keywords case-insensitive, defaults applied', () => {
  assert.equal(parseRigCommand('HOOK OFF'), { kind: 'hook', offHook: true });
  assert.equal(parseRigCommand('  hook   on '), { kind: 'hook', offHook: false });
  assert.equal(parseRigCommand('FLASH'), { kind: 'flash', ms: 500 });
  assert.equal(parseRigCommand('flash 120'), { kind: 'flash', ms: 120 });
  assert.equal(parseRigCommand('DIAL 12*#ab'), { kind: 'dial', digits: '12*#AB', onMs: 80, offMs: 80 });
  assert.equal(parseRigCommand('Dial 5 100 60'), { kind: 'dial', digits: '5', onMs: 100, offMs: 60 });
  assert.equal(parseRigCommand('PULSE 907'), { kind: 'pulse', digits: '907', pps: 10, breakPct: 60 });
  assert.equal(parseRigCommand('PULSE 1 20 66'), { kind: 'pulse', digits: '1', pps: 20, breakPct: 66 });
  assert.equal(parseRigCommand('TONE 440 1000'), { kind: 'tone', frequencies: [440], ms: 1000, levelDbm0: -10 });
  assert.equal(parseRigCommand('tone 350+440 250 -13.5'), { kind: 'tone', frequencies: [350, 440], ms: 250, levelDbm0: -13.5 });
  assert.equal(parseRigCommand('LISTEN 3000'), { kind: 'listen', ms: 3000 });
  assert.equal(parseRigCommand('ring?'), { kind: 'ring-query' });
  assert.equal(parseRigCommand('POLARITY?'), { kind: 'polarity-query' });
  assert.equal(parseRigCommand('Status'), { kind: 'status' });
  assert.equal(parseRigCommand('HELP'), { kind: 'help' });
});

test('rejects unknown commands and bad arguments with coded errors', () => {
  fails('', 'unknown-command');
  fails('   ', 'unknown-command');
  fails('RING', 'unknown-command');
  fails('DANCE now', 'unknown-command');
  fails('HOOK', 'bad-argument');
  fails('HOOK UP', 'bad-argument');
  fails('FLASH 5', 'bad-argument');
  fails('FLASH 1.5', 'bad-argument');
  fails('DIAL', 'bad-argument');
  fails('DIAL 12E', 'bad-argument');
  fails('DIAL 1 80', 'bad-argument');
  fails('DIAL 1 10 80', 'bad-argument');
  fails(`DIAL ${'1'.repeat(65)}`, 'bad-argument');
  fails('PULSE 1*', 'bad-argument');
  fails('PULSE 1 0 60', 'bad-argument');
  fails('PULSE 1 10 100', 'bad-argument');
  fails('TONE 440', 'bad-argument');
  fails('TONE 440+480+620 100', 'bad-argument');
  fails('TONE 4000 100', 'bad-argument');
  fails('TONE abc 100', 'bad-argument');
  fails('TONE 440 100 +9', 'bad-argument');
  fails('LISTEN', 'bad-argument');
  fails('LISTEN -5', 'bad-argument');
  fails('LISTEN 10', 'bad-argument');
  fails('STATUS now', 'bad-argument');
  fails('RING? 1', 'bad-argument');
  fails('X'.repeat(2000), 'bad-argument');
});

test('formatCommand round-trips through the parser', () => {
  const cmds: RigCommand[] = [
    { kind: 'hook', offHook: true },
    { kind: 'hook', offHook: false },
    { kind: 'flash', ms: 90 },
    { kind: 'dial', digits: '0#*D', onMs: 50, offMs: 70 },
    { kind: 'pulse', digits: '42', pps: 8, breakPct: 67 },
    { kind: 'tone', frequencies: [425.5, 1400], ms: 10, levelDbm0: -20.5 },
    { kind: 'listen', ms: 20 },
    { kind: 'ring-query' },
    { kind: 'polarity-query' },
    { kind: 'status' },
    { kind: 'help' },
  ];
  for (const c of cmds) assert.equal(parseRigCommand(formatCommand(c)), c);
});

test('reply, error and event formatting; reply parsing', () => {
  assert.is(formatReply({ hook: 'off' }), 'OK hook=off');
  assert.is(formatReply({ a: '1', b: 'two words' }), 'OK a=1 b=two_words');
  assert.is(formatReply('silence'), 'OK silence');
  assert.is(formatReply(), 'OK');
  assert.is(formatError('on-hook', 'phone is on-hook'), 'ERR on-hook phone is on-hook');
  assert.is(formatError('bad code', 'line1\nline2'), 'ERR bad-code line1 line2');
  assert.is(formatEvent('RING', 'START'), 'EVT RING START');
  assert.ok(isEventLine('EVT POLARITY reverse'));
  assert.not.ok(isEventLine('OK EVT'));
  assert.equal(parseReply('OK ringing=1 cadence=2000/4000'), {
    ok: true,
    words: ['ringing=1', 'cadence=2000/4000'],
    fields: { ringing: '1', cadence: '2000/4000' },
  });
  assert.equal(parseReply('ERR bad-argument LISTEN takes 1 argument(s)'), {
    ok: false,
    code: 'bad-argument',
    text: 'LISTEN takes 1 argument(s)',
  });
  assert.throws(() => parseReply('EVT RING START'), (e: unknown) => e instanceof RigProtocolError);
});

test.run();
