/** Focused tests of the parser, Headers, the serializer and the stream framer. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isSipParseError } from '../../../firmware/sip/message/errors.js';
import { Headers } from '../../../firmware/sip/message/headers.js';
import { parseNameAddr } from '../../../firmware/sip/message/name-addr.js';
import { SipStreamFramer, parseMessage } from '../../../firmware/sip/message/parse.js';
import { createResponse } from '../../../firmware/sip/message/response.js';
import { serializeMessage } from '../../../firmware/sip/message/serialize.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../firmware/sip/message/types.js';
import { parseVia } from '../../../firmware/sip/message/via.js';
import { BASIC, CRLF, invite, parseError, parseRequest, wire } from './message-test-helpers.js';

// ---- headers ------------------------------------------------------------------------------

test('compact header forms are expanded to canonical names', () => {
  const req = parseRequest(
    wire([
      'OPTIONS sip:bob@example.com SIP/2.0',
      'v: SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
      'f: <sip:a@example.com>;tag=1',
      't: <sip:b@example.com>',
      'i: cid-1',
      'CSeq: 1 OPTIONS',
      'm: <sip:a@10.0.0.1>',
      'k: timer, 100rel',
      's: hello',
      'o: dialog',
      'c: text/plain',
      'e: identity',
      'l: 2',
    ], 'hi'),
  );
  assert.is(req.headers.get('Call-ID'), 'cid-1');
  assert.is(req.headers.get('via'), 'SIP/2.0/UDP h.example.com;branch=z9hG4bK1');
  assert.equal(req.headers.getAll('Supported'), ['timer', '100rel']);
  assert.is(req.headers.get('Subject'), 'hello');
  assert.is(req.headers.get('Event'), 'dialog');
  assert.is(req.headers.get('Content-Type'), 'text/plain');
  assert.is(req.headers.get('Content-Encoding'), 'identity');
  assert.is(req.headers.get('Contact'), '<sip:a@10.0.0.1>');
  assert.equal(req.headers.entries().map(([n]) => n), [
    'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Supported', 'Subject', 'Event', 'Content-Type', 'Content-Encoding', 'Content-Length',
  ]);
  assert.is(req.body.toString(), 'hi');
});

test('canonicalName: case-insensitive, well-known spellings, capitalised words otherwise', () => {
  const cases: Array<[string, string]> = [
    ['call-id', 'Call-ID'], ['CSEQ', 'CSeq'], ['www-authenticate', 'WWW-Authenticate'], ['PROXY-AUTHORIZATION', 'Proxy-Authorization'],
    ['max-forwards', 'Max-Forwards'], ['rseq', 'RSeq'], ['RACK', 'RAck'], ['p-asserted-identity', 'P-Asserted-Identity'],
    ['x-my-HEADER', 'X-My-Header'], ['i', 'Call-ID'], ['M', 'Contact'], ['u', 'Allow-Events'], ['n', 'Identity-Info'], ['y', 'Identity'],
    ['x', 'Session-Expires'], ['r', 'Refer-To'], ['b', 'Referred-By'], ['a', 'Accept-Contact'], ['j', 'Reject-Contact'], ['d', 'Request-Disposition'],
  ];
  for (const [raw, canonical] of cases) assert.is(Headers.canonicalName(raw), canonical, raw);
});

test('header names are case-insensitive, and whitespace before the colon is allowed', () => {
  const req = parseRequest(invite(['cOnTaCt   : <sip:alice@pc33.example.com>', 'X-CUSTOM-thing: 1']));
  assert.is(req.headers.get('CONTACT'), '<sip:alice@pc33.example.com>');
  assert.is(req.headers.get('x-custom-thing'), '1');
  assert.ok(req.headers.entries().some(([n]) => n === 'X-Custom-Thing'));
});

test('folded header lines are joined with one space', () => {
  const req = parseRequest(
    invite(['Subject: first part', '   second part', '\tthird part', 'Contact:', ' <sip:alice@pc33.example.com>']),
  );
  assert.is(req.headers.get('Subject'), 'first part second part third part');
  assert.is(req.headers.get('Contact'), '<sip:alice@pc33.example.com>');
});

test('list headers split at top-level commas, respecting quotes and <>; others are not split', () => {
  const req = parseRequest(
    invite([
      'Contact: "Doe, John" <sip:jd@a.example.com>;q=0.5, <sip:x@b.example.com;p=a,b>',
      'Contact: sip:third@c.example.com',
      'WWW-Authenticate: Digest realm="a, b", nonce="n", qop="auth,auth-int"',
      'Via: SIP/2.0/UDP second.example.com;branch=z9hG4bK2, SIP/2.0/TCP third.example.com;branch=z9hG4bK3',
      'Warning: 399 host "trouble, big trouble", 301 other "x"',
      'Date: Sat, 13 Nov 2010 23:29:00 GMT',
    ]),
  );
  assert.equal(req.headers.getAll('Contact'), ['"Doe, John" <sip:jd@a.example.com>;q=0.5', '<sip:x@b.example.com;p=a,b>', 'sip:third@c.example.com']);
  assert.is(req.headers.getAll('WWW-Authenticate').length, 1);
  assert.is(req.headers.getAll('Via').length, 3);
  assert.is(req.headers.get('Via'), 'SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds');
  assert.equal(req.headers.getAll('Warning'), ['399 host "trouble, big trouble"', '301 other "x"']);
  assert.equal(req.headers.getAll('Date'), ['Sat, 13 Nov 2010 23:29:00 GMT']);
  const star = parseRequest(invite(['Contact: *']));
  assert.equal(star.headers.getAll('Contact'), ['*']);
});

test('Headers: set keeps the position of the first line, prepend puts a line on top, clone is independent', () => {
  const h = new Headers([['v', 'SIP/2.0/UDP a;branch=z9hG4bK1'], ['To', '<sip:b@x>'], ['Via', 'SIP/2.0/UDP b;branch=z9hG4bK2'], ['CSeq', '1 INVITE']]);
  h.prepend('Via', 'SIP/2.0/UDP top;branch=z9hG4bK0');
  assert.equal(h.getAll('Via').map((v) => parseVia(v).host), ['top', 'a', 'b']);
  const copy = h.clone();
  h.set('Via', 'SIP/2.0/UDP only;branch=z9hG4bK9');
  assert.equal(h.entries(), [['Via', 'SIP/2.0/UDP only;branch=z9hG4bK9'], ['To', '<sip:b@x>'], ['CSeq', '1 INVITE']]);
  assert.is(copy.getAll('Via').length, 3);
  h.append('route', '<sip:p1;lr>').append('Route', '<sip:p2;lr>');
  assert.equal(h.getAll('Route'), ['<sip:p1;lr>', '<sip:p2;lr>']);
  h.delete('ROUTE');
  assert.not.ok(h.has('Route'));
  h.prepend('Max-Forwards', '70');
  assert.is(h.entries()[0]![0], 'Max-Forwards');
  h.set('Subject', 'new');
  assert.is(h.entries().at(-1)![0], 'Subject');
});

// ---- framing -----------------------------------------------------------------------------

test('Content-Length frames the body on a datagram; extra octets are ignored', () => {
  const data = Buffer.concat([invite(['Content-Type: text/plain'], 'hello'), Buffer.from('garbage after the message')]);
  const req = parseRequest(data);
  assert.is(req.body.toString(), 'hello');
});

test('a body shorter than Content-Length is a 400, with the partial request for the answer', () => {
  const data = Buffer.from(invite(['Content-Type: text/plain'], 'hello').toString().replace('Content-Length: 5', 'Content-Length: 50'));
  const e = parseError(() => parseMessage(data));
  assert.is(e.status, 400);
  assert.is(e.code, 'bad-content-length');
  assert.ok(e.partial);
  assert.is(e.partial!.method, 'INVITE');
  const answer = createResponse(e.partial!, e.status, e.reason);
  assert.is(answer.headers.get('CSeq'), '314159 INVITE');
});

test('without Content-Length a datagram body runs to the end; leading CRLFs are skipped', () => {
  const data = Buffer.concat([Buffer.from('\r\n\r\n'), invite(['Content-Type: text/plain'], 'rest of it', false)]);
  const req = parseRequest(data);
  assert.is(req.body.toString(), 'rest of it');
  assert.is(req.method, 'INVITE');
});

test('bad Content-Length values: negative, non-numeric, conflicting', () => {
  for (const bad of [['Content-Length: -1'], ['Content-Length: 12abc'], ['Content-Length: 0', 'l: 3']]) {
    const lines = ['OPTIONS sip:bob@example.com SIP/2.0', ...BASIC.map((l) => l.replace('INVITE', 'OPTIONS')), ...bad];
    const e = parseError(() => parseMessage(wire(lines, 'abc')));
    assert.is(e.code, 'bad-content-length');
    assert.is(e.status, 400);
  }
});

test('the body is raw bytes, not decoded', () => {
  const body = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a, 0x0d, 0x0a, 0x41]);
  const head = Buffer.from(['MESSAGE sip:bob@example.com SIP/2.0', ...BASIC.map((l) => l.replace('INVITE', 'MESSAGE')), 'Content-Type: application/octet-stream', `Content-Length: ${body.length}`, '', ''].join(CRLF));
  const req = parseRequest(Buffer.concat([head, body]));
  assert.ok(Buffer.compare(req.body, body) === 0);
  const again = parseRequest(serializeMessage(req));
  assert.ok(Buffer.compare(again.body, body) === 0);
});

test('NUL bytes in quoted strings survive', () => {
  const req = parseRequest(Buffer.from(invite().toString().replace('To: Bob', 'To: "N\\\u0000L\u0000"')));
  assert.ok(req.headers.get('To')!.includes('\u0000'));
  const to = parseNameAddr(req.headers.get('To')!);
  assert.is(to.displayName, 'N\u0000L\u0000');
});

test('bad start lines are 400s', () => {
  const cases = [
    'INVITE sip:bob@example.com',
    'INVITE  sip:bob@example.com SIP/2.0',
    'INVITE sip:bob@example.com SIP/2.0 ',
    'INVITE <sip:bob@example.com> SIP/2.0',
    'INVITE sip:bob@example.com HTTP/1.1',
    'INV(ITE sip:bob@example.com SIP/2.0',
    'SIP/2.0 20 OK',
    'SIP/2.0 700 Huh',
    'SIP/2.0 2000 OK',
    'SIP/2.x 200 OK',
    'hello world',
  ];
  for (const line of cases) {
    const e = parseError(() => parseMessage(wire([line, ...BASIC, 'Content-Length: 0'])));
    assert.is(e.status, 400, line);
  }
});

test('a request with another SIP version is 505 with a partial request; an empty datagram is an error', () => {
  const e = parseError(() => parseMessage(wire(['INVITE sip:bob@example.com SIP/3.0', ...BASIC, 'Content-Length: 0'])));
  assert.is(e.status, 505);
  assert.is(e.partial?.headers.get('Call-ID'), 'a84b4c76e66710@pc33.example.com');
  assert.is(parseError(() => parseMessage(Buffer.from('\r\n\r\n'))).code, 'incomplete');
});

test('a header line without a colon is a 400', () => {
  const e = parseError(() => parseMessage(invite(['This line has no colon'])));
  assert.is(e.code, 'bad-header');
  assert.ok(e.partial, 'basic headers were readable');
});

test('responses: status, reason (possibly empty), raw UTF-8 reason', () => {
  const res = parseMessage(wire(['SIP/2.0 180 Ringing, very much – ok', ...BASIC, 'Content-Length: 0'])) as SipResponse;
  assert.is(res.kind, 'response');
  assert.is(res.status, 180);
  assert.is(res.reason, 'Ringing, very much – ok');
  const empty = parseMessage(wire(['SIP/2.0 100 ', ...BASIC, 'Content-Length: 0'])) as SipResponse;
  assert.is(empty.reason, '');
});

test('maxBytes: a larger datagram is 513', () => {
  const e = parseError(() => parseMessage(invite([], 'x'.repeat(2000)), { maxBytes: 1000 }));
  assert.is(e.status, 513);
  assert.is(e.code, 'too-large');
});

test('LF-only line ends are tolerated', () => {
  const data = Buffer.from(['OPTIONS sip:bob@example.com SIP/2.0', ...BASIC.map((l) => l.replace('INVITE', 'OPTIONS')), 'Content-Length: 2', '', 'ok'].join('\n'));
  const req = parseRequest(data);
  assert.is(req.headers.get('Call-ID'), 'a84b4c76e66710@pc33.example.com');
  assert.is(req.body.toString(), 'ok');
});

// ---- serializer --------------------------------------------------------------------------

test('serialize writes canonical names, CRLFs and a Content-Length counted in bytes', () => {
  const h = new Headers([['v', 'SIP/2.0/UDP a;branch=z9hG4bK1'], ['content-length', '999'], ['c', 'text/plain']]);
  const msg: SipMessage = { kind: 'request', method: 'MESSAGE', uri: 'sip:b@example.com', version: 'SIP/2.0', headers: h, body: Buffer.from('héllo') };
  const text = serializeMessage(msg).toString('utf8');
  assert.is(text, 'MESSAGE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nContent-Length: 6\r\nContent-Type: text/plain\r\n\r\nhéllo');
  const noLength = serializeMessage({ ...msg, headers: new Headers([['To', '<sip:b@x>']]), body: Buffer.alloc(0) }).toString();
  assert.ok(noLength.endsWith('To: <sip:b@x>\r\nContent-Length: 0\r\n\r\n'));
});

test('serialize refuses header values with line breaks', () => {
  const msg: SipMessage = { kind: 'request', method: 'OPTIONS', uri: 'sip:b@x', version: 'SIP/2.0', headers: new Headers([['Subject', 'a\r\nInjected: yes']]), body: Buffer.alloc(0) };
  assert.throws(() => serializeMessage(msg), /line break/);
});

// ---- stream framing ------------------------------------------------------------------------------

test('SipStreamFramer: two messages in one chunk', () => {
  const f = new SipStreamFramer();
  const a = invite(['Content-Type: text/plain'], 'one');
  const b = wire(['SIP/2.0 200 OK', ...BASIC, 'Content-Length: 0']);
  const out = f.push(Buffer.concat([a, b]));
  assert.is(out.length, 2);
  assert.is((out[0] as SipRequest).body.toString(), 'one');
  assert.is((out[1] as SipResponse).status, 200);
  assert.is(f.buffered, 0);
});

test('SipStreamFramer: one message arriving a byte at a time', () => {
  const f = new SipStreamFramer();
  const data = invite(['Content-Type: text/plain'], 'a body of some length');
  const out = [];
  for (let i = 0; i < data.length; i++) {
    const items = f.push(data.subarray(i, i + 1));
    if (i < data.length - 1) assert.is(items.length, 0, `complete too early at ${i}`);
    out.push(...items);
  }
  assert.is(out.length, 1);
  assert.is((out[0] as SipRequest).body.toString(), 'a body of some length');
});

test('SipStreamFramer: CRLF keep-alives between messages', () => {
  const f = new SipStreamFramer();
  const msg = invite();
  const out = f.push(Buffer.concat([Buffer.from('\r\n\r\n'), msg, Buffer.from('\r\n')]));
  assert.equal(out[0], { keepalive: 'ping' });
  assert.is((out[1] as SipRequest).method, 'INVITE');
  assert.equal(out[2], { keepalive: 'pong' });
  assert.equal(f.push(Buffer.from('\r\n\r')), []);
  assert.equal(f.push(Buffer.from('\n')), [{ keepalive: 'ping' }]);
});

test('SipStreamFramer: garbage, missing Content-Length and oversize input throw; the framer stays failed', () => {
  const g = new SipStreamFramer();
  assert.throws(() => g.push(Buffer.from('\x16\x03\x01\x02\x00')), isSipParseError);
  assert.throws(() => g.push(invite()), isSipParseError);

  const noLength = new SipStreamFramer();
  const e = parseError(() => noLength.push(invite([], '', false)));
  assert.is(e.code, 'missing-header');
  assert.ok(e.partial);

  const small = new SipStreamFramer({ maxBytes: 512 });
  assert.is(parseError(() => small.push(invite(['Content-Type: text/plain'], 'x'.repeat(600)))).status, 513);
  const endless = new SipStreamFramer({ maxBytes: 512 });
  endless.push(Buffer.from('INVITE sip:bob@example.com SIP/2.0\r\n'));
  assert.is(parseError(() => endless.push(Buffer.from(`X-Filler: ${'y'.repeat(600)}\r\n`))).code, 'too-large');

  const bad = new SipStreamFramer();
  assert.is(parseError(() => bad.push(Buffer.from('HELLO THERE FRIEND\r\n'))).code, 'bad-start-line');
});
test('SipStreamFramer: a message split after another, and LF-only line ends', () => {
  const f = new SipStreamFramer();
  const a = invite(['Content-Type: text/plain'], 'first');
  const b = invite(['Content-Type: text/plain'], 'second');
  const cut = b.length - 10;
  const out1 = f.push(Buffer.concat([a, b.subarray(0, cut)]));
  assert.is(out1.length, 1);
  assert.is(f.buffered, cut);
  const out2 = f.push(b.subarray(cut));
  assert.is((out2[0] as SipRequest).body.toString(), 'second');
  const lf = Buffer.from(['OPTIONS sip:bob@example.com SIP/2.0', ...BASIC.map((l) => l.replace('INVITE', 'OPTIONS')), 'Content-Length: 2', '', 'ok'].join('\n'));
  const out3 = f.push(lf);
  assert.is((out3[0] as SipRequest).method, 'OPTIONS');
  assert.is((out3[0] as SipRequest).body.toString(), 'ok');
});

test.run();
