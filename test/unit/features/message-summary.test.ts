import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteError } from '../../../firmware/core/errors.js';
import { MessageSummaryError, parseMessageCounts, parseMessageSummary } from '../../../firmware/sip/ua/message-summary.js';

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found');
    dir = up;
  }
  return dir;
}

function fixture(name: string): Buffer {
  return readFileSync(path.join(repoRoot(), 'test/fixtures/mwi', name));
}

test('RFC 3842 summary body: status, account, voice counts with urgent', () => {
  const s = parseMessageSummary(fixture('rfc3842-summary.txt'));
  assert.is(s.waiting, true);
  assert.is(s.account, 'sip:alice@vmail.example.com');
  assert.equal(s.voice, { newCount: 2, oldCount: 8, urgentNew: 0, urgentOld: 2 });
  assert.equal([...s.classes.keys()], ['voice-message']);
  assert.equal(s.messages, []);
  assert.equal(s.extensions, []);
});

test('RFC 3842 body with per-message headers', () => {
  const s = parseMessageSummary(fixture('rfc3842-with-messages.txt').toString('utf8'));
  assert.is(s.waiting, true);
  assert.equal(s.voice, { newCount: 4, oldCount: 8, urgentNew: 1, urgentOld: 2 });
  assert.is(s.messages.length, 2);
  const first = new Map(s.messages[0]);
  assert.is(first.get('subject'), 'carpool tomorrow?');
  assert.is(first.get('from'), '<bob@biloxi.example.com>');
  assert.is(new Map(s.messages[1]).get('priority'), 'urgent');
});

test('boolean-only body', () => {
  const s = parseMessageSummary(fixture('rfc3842-no-messages.txt'));
  assert.is(s.waiting, false);
  assert.is(s.account, undefined);
  assert.is(s.voice, undefined);
  assert.is(s.classes.size, 0);
});

test('robust to case, blanks, LF line ends, order, folding and other classes', () => {
  const body = [
    '',
    'voice-MESSAGE :  3 / 1  ( 1 / 0 )',
    'MESSAGES-WAITING:YES',
    'message-account: <sip:200@pbx.example>',
    'Fax-Message: 0/1',
    'Text-Message: 5/0',
    'X-Vendor-Thing: hello',
    'X-Folded:',
    '  continued here',
    'Video-Message: 1/2',
  ].join('\n');
  const s = parseMessageSummary(body);
  assert.is(s.waiting, true);
  assert.is(s.account, 'sip:200@pbx.example');
  assert.equal(s.voice, { newCount: 3, oldCount: 1, urgentNew: 1, urgentOld: 0 });
  assert.equal(s.classes.get('fax-message'), { newCount: 0, oldCount: 1, urgentNew: 0, urgentOld: 0 });
  assert.equal(s.classes.get('text-message'), { newCount: 5, oldCount: 0, urgentNew: 0, urgentOld: 0 });
  // a class outside RFC 3458 with the summary syntax is kept as a class
  assert.equal(s.classes.get('video-message'), { newCount: 1, oldCount: 2, urgentNew: 0, urgentOld: 0 });
  assert.equal(s.extensions, [
    ['x-vendor-thing', 'hello'],
    ['x-folded', 'continued here'],
  ]);
});

test('"no" with a count line still says no (the status line rules)', () => {
  const s = parseMessageSummary('Messages-Waiting: no\r\nVoice-Message: 0/7\r\n');
  assert.is(s.waiting, false);
  assert.equal(s.voice, { newCount: 0, oldCount: 7, urgentNew: 0, urgentOld: 0 });
});

test('counts up to 2^32-1', () => {
  assert.equal(parseMessageCounts('4294967295/0'), { newCount: 4294967295, oldCount: 0, urgentNew: 0, urgentOld: 0 });
  assert.is(parseMessageCounts('1/'), undefined);
  assert.is(parseMessageCounts('a/b'), undefined);
  assert.is(parseMessageCounts('1/2 (3)'), undefined);
});

const GARBAGE: Array<[string | Uint8Array, string]> = [
  ['', 'empty-body'],
  ['\r\n\r\n  \r\n', 'empty-body'],
  ['Message-Account: sip:a@b\r\nVoice-Message: 1/0\r\n', 'missing-status'],
  ['Messages-Waiting: maybe\r\n', 'bad-status'],
  ['Messages-Waiting:\r\n', 'bad-status'],
  ['<html><body>Not Found</body></html>', 'bad-line'],
  ['Messages-Waiting: yes\r\nthis is not a header\r\n', 'bad-line'],
  [new Uint8Array([0, 1, 2, 255, 254, 10, 13]), 'bad-line'],
  ['Messages-Waiting: yes\r\nVoice-Message: lots\r\n', 'bad-count'],
  ['Messages-Waiting: yes\r\nVoice-Message: 1/2 (3/4\r\n', 'bad-count'],
  ['Messages-Waiting: yes\r\nVoice-Message: 4294967296/0\r\n', 'bad-count'],
];

test('garbage: a coded RemoteError', () => {
  for (const [body, code] of GARBAGE) {
    try {
      parseMessageSummary(body);
      assert.unreachable(String(body));
    } catch (e) {
      assert.instance(e, MessageSummaryError, JSON.stringify(String(body)));
      assert.instance(e, RemoteError);
      assert.is((e as MessageSummaryError).code, code, JSON.stringify(String(body)));
    }
  }
});

test.run();
