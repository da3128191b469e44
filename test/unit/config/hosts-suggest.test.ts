import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkBindAddress, checkHost, parseHostPort } from '../../../firmware/config/hosts.js';
import { closest, editDistance } from '../../../firmware/config/suggest.js';

const hostPorts: Array<[input: string, host: string | null, port?: number]> = [
  ['127.0.0.1', '127.0.0.1'],
  ['127.0.0.1:5080', '127.0.0.1', 5080],
  ['pbx.example.net', 'pbx.example.net'],
  ['pbx.example.net:65535', 'pbx.example.net', 65535],
  ['[::1]', '::1'],
  ['[2001:db8::5]:5061', '2001:db8::5', 5061],
  ['::1', null],
  ['sip:pbx.example.net', null],
  ['host:0', null],
  ['host:65536', null],
  ['host:', null],
  [':5060', null],
  ['300.1.1.1', null],
  ['bad_host', null],
  ['-lead.example', null],
  ['a b', null],
  ['[nonsense]:5060', null],
];
for (const [input, host, port] of hostPorts) {
  test(`parseHostPort(${JSON.stringify(input)})`, () => {
    const r = parseHostPort(input);
    if (host === null) {
      assert.ok('error' in r, `should refuse ${input}`);
    } else {
      assert.not.ok('error' in r, JSON.stringify(r));
      assert.equal(r, port === undefined ? { host } : { host, port });
    }
  });
}

test('checkHost and checkBindAddress', () => {
  assert.is(checkHost('lab.test'), undefined);
  assert.is(checkHost('10.0.0.1'), undefined);
  assert.is(checkHost('fe80::1'), undefined);
  assert.type(checkHost('10.0.0.256'), 'string');
  assert.type(checkHost('x'.repeat(64) + '.test'), 'string');
  assert.is(checkBindAddress('0.0.0.0'), undefined);
  assert.is(checkBindAddress('::'), undefined);
  assert.type(checkBindAddress('localhost'), 'string');
});

test('editDistance counts edits, a swap of neighbours as one', () => {
  assert.is(editDistance('port', 'port'), 0);
  assert.is(editDistance('port', 'prot'), 1);
  assert.is(editDistance('port', 'pot'), 1);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('kitten', 'sitting'), 3);
});

test('closest suggests near misses and nothing for far ones', () => {
  const keys = ['bind', 'port', 'user_agent', 'timers'];
  assert.is(closest('user_agnet', keys), 'user_agent');
  assert.is(closest('userAgent', keys), 'user_agent');
  assert.is(closest('USER-AGENT', keys), 'user_agent');
  assert.is(closest('prot', keys), 'port');
  assert.is(closest('certificate', keys), undefined);
  assert.is(closest('x', ['sim', 'rpi-ag1171']), undefined);
});

test.run();
