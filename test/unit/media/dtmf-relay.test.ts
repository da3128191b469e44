import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DtmfRelayParseError, buildDtmfRelay, parseDtmfBody, parseDtmfRelay } from '../../../firmware/media/dtmf-relay.js';
import { DtmfDigitError } from '../../../firmware/media/dtmf.js';

test('build: Signal and Duration lines with CRLF', () => {
  assert.is(buildDtmfRelay('5', 160), 'Signal=5\r\nDuration=160\r\n');
  assert.is(buildDtmfRelay('a', 250), 'Signal=A\r\nDuration=250\r\n');
  assert.is(buildDtmfRelay('#'), 'Signal=#\r\nDuration=160\r\n');
  assert.throws(() => buildDtmfRelay('x'), (e: unknown) => e instanceof DtmfDigitError);
  assert.throws(() => buildDtmfRelay('1', 0), RangeError);
});

test('parse: round trip for every key, tolerant of case, spaces, LF and numeric * # A-D', () => {
  for (const d of '0123456789*#ABCD') assert.equal(parseDtmfRelay(buildDtmfRelay(d, 120)), { digit: d, durationMs: 120 });
  assert.equal(parseDtmfRelay('signal = 7\nduration= 90\n'), { digit: '7', durationMs: 90 });
  assert.equal(parseDtmfRelay('Signal=10\r\nDuration=100'), { digit: '*', durationMs: 100 });
  assert.equal(parseDtmfRelay('Signal=11\r\n'), { digit: '#' });
  assert.equal(parseDtmfRelay('Signal=d\r\n'), { digit: 'D' });
  assert.equal(parseDtmfBody(' 3\r\n'), { digit: '3' });
});

test('parse: errors are RemoteErrors with a code', () => {
  for (const body of ['', 'Duration=100\r\n', 'Signal=x\r\n', 'Signal=16\r\n', 'Signal=1\r\nDuration=abc\r\n']) {
    assert.throws(
      () => parseDtmfRelay(body),
      (e: unknown) => e instanceof DtmfRelayParseError && e.code === 'bad-dtmf-relay',
      JSON.stringify(body),
    );
  }
});

test.run();
