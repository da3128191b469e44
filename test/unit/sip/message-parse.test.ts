/** Focused tests of the SIP message layer: parser, headers, values, URIs, responses, stream framing. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SipParseError, isSipParseError } from '../../../firmware/sip/message/errors.js';
import { Headers } from '../../../firmware/sip/message/headers.js';
import {
  formatAuthParams,
  formatCSeq,
  formatParams,
  parseAuthParams,
  parseContentType,
  parseCSeq,
  parseIntHeader,
  parseParams,
  parseRetryAfter,
  unquote,
} from '../../../firmware/sip/message/header-values.js';
import { formatNameAddr, parseNameAddr } from '../../../firmware/sip/message/name-addr.js';
import { SipStreamFramer, parseMessage } from '../../../firmware/sip/message/parse.js';
import { REASON_PHRASES, createResponse } from '../../../firmware/sip/message/response.js';
import { serializeMessage } from '../../../firmware/sip/message/serialize.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../firmware/sip/message/types.js';
import { formatUri, parseUri, uriEquals } from '../../../firmware/sip/message/uri.js';
import { validateRequest, validateResponse } from '../../../firmware/sip/message/validate.js';
import { formatVia, parseVia } from '../../../firmware/sip/message/via.js';

const CRLF = '\r\n';

function wire(lines: string[], body = ''): Buffer {
  return Buffer.from(lines.join(CRLF) + CRLF + CRLF + body, 'utf8');
}

const BASIC = [
  'Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@example.com>',
  'From: Alice <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 INVITE',
];

function invite(extra: string[] = [], body = '', withLength = true): Buffer {
  const lines = ['INVITE sip:bob@example.com SIP/2.0', ...BASIC, ...extra];
  if (withLength) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return wire(lines, body);
}

function parseRequest(data: Buffer): SipRequest {
  const m = parseMessage(data);
  assert.is(m.kind, 'request');
  return m as SipRequest;
}

function parseError(fn: () => unknown): SipParseError {
  try {
    fn();
  } catch (e) {
    assert.ok(isSipParseError(e), `expected SipParseError, got ${String(e)}`);
    return e as SipParseError;
  }
  assert.unreachable('expected a SipParseError');
  throw new Error('unreachable');
}

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

// ---- URIs -------------------------------------------------------------------------------------

test('sip URIs: user, password, host, port, params, headers, escaping', () => {
  const u = parseUri('sips:alice%20smith:se%3Acret@Example.COM:5061;transport=TLS;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent');
  assert.is(u.scheme, 'sips');
  assert.is(u.user, 'alice smith');
  assert.is(u.password, 'se:cret');
  assert.is(u.host, 'Example.COM');
  assert.is(u.port, 5061);
  assert.equal([...u.params], [['transport', 'TLS'], ['lr', null], ['maddr', '239.255.255.1']]);
  assert.equal([...u.headers], [['subject', 'project x'], ['priority', 'urgent']]);
  const text = formatUri(u);
  assert.is(text, 'sips:alice%20smith:se%3Acret@Example.COM:5061;transport=TLS;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent');
  assert.ok(uriEquals(parseUri(text), u));
});

test('IPv6 hosts in URIs and Via', () => {
  const u = parseUri('sip:alice@[2001:db8::10]:5070;transport=udp');
  assert.is(u.host, '2001:db8::10');
  assert.is(u.port, 5070);
  assert.is(formatUri(u), 'sip:alice@[2001:db8::10]:5070;transport=udp');
  const bare = parseUri('sip:[::1]');
  assert.is(bare.host, '::1');
  assert.is(bare.port, undefined);
  const v = parseVia('SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3;received=2001:db8::9:255');
  assert.is(v.host, '2001:db8::9:1');
  assert.is(v.params.get('received'), '2001:db8::9:255');
  assert.is(formatVia(v), 'SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bKas3;received=2001:db8::9:255');
  for (const bad of ['sip:[2001:db8::1', 'sip:[zz::1]', 'sip:alice@host:99999', 'sip:alice@', 'sip:a b@host', '<sip:a@b>', 'noscheme']) {
    assert.throws(() => parseUri(bad), (e: unknown) => isSipParseError(e) && e.status === 400, bad);
  }
});

test('tel and unknown schemes', () => {
  const t = parseUri('tel:+1-201-555-0123;phone-context=example.com');
  assert.is(t.scheme, 'tel');
  assert.is(t.user, '+1-201-555-0123');
  assert.is(t.params.get('phone-context'), 'example.com');
  assert.ok(uriEquals(t, parseUri('tel:+1(201)5550123;phone-context=example.com')));
  const x = parseUri('nobodyKnowsThisScheme:totallyopaquecontent');
  assert.is(x.scheme, 'nobodyknowsthisscheme');
  assert.is(x.host, 'totallyopaquecontent');
  assert.is(formatUri(x), 'nobodyknowsthisscheme:totallyopaquecontent');
});

test('uriEquals follows RFC 3261 §19.1.4', () => {
  const eq: Array<[string, string]> = [
    ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'],
    ['sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'],
    ['sip:alice@atlanta.com?subject=project%20x&priority=urgent', 'sip:alice@atlanta.com?priority=urgent&subject=project%20x'],
  ];
  const ne: Array<[string, string]> = [
    ['SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'],
    ['sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off'],
    ['sip:alice@atlanta.com', 'sips:alice@atlanta.com'],
  ];
  for (const [a, b] of eq) assert.ok(uriEquals(parseUri(a), parseUri(b)), `${a} == ${b}`);
  for (const [a, b] of ne) assert.not.ok(uriEquals(parseUri(a), parseUri(b)), `${a} != ${b}`);
});

// ---- name-addr, Via, values ------------------------------------------------------------------

test('name-addr: quoted and token display names, <> and bare forms, where params belong', () => {
  const a = parseNameAddr('"Alice \\"Al\\" Smith" <sip:alice@atlanta.com;transport=tcp>;tag=88sja8x;expires=60');
  assert.is(a.displayName, 'Alice "Al" Smith');
  assert.is(a.uri.params.get('transport'), 'tcp');
  assert.equal([...a.params], [['tag', '88sja8x'], ['expires', '60']]);
  assert.is(formatNameAddr(a), '"Alice \\"Al\\" Smith" <sip:alice@atlanta.com;transport=tcp>;tag=88sja8x;expires=60');

  const b = parseNameAddr('sip:+12125551212@server.phone2net.com;tag=887s');
  assert.is(b.displayName, undefined);
  assert.is(b.uri.user, '+12125551212');
  assert.is(b.uri.params.size, 0, 'in the bare form params belong to the header');
  assert.is(b.params.get('tag'), '887s');
  assert.is(formatNameAddr(b), '<sip:+12125551212@server.phone2net.com>;tag=887s');

  const c = parseNameAddr('Bob  Smith<sip:bob@biloxi.com>');
  assert.is(c.displayName, 'Bob Smith');
  const d = parseNameAddr('<sip:bob@biloxi.com>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"');
  assert.is(unquote(d.params.get('+sip.instance')!), '<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>');

  for (const bad of ['"unterminated <sip:a@b>', 'Bell, Alexander <sip:a@b>', '< sip:a@b >', 'sip:a@b?Route=x', '<sip:a@b>;;tag=1', '"A" sip:a@b', '<sip:a@b', '']) {
    assert.throws(() => parseNameAddr(bad), (e: unknown) => isSipParseError(e) && e.status === 400, bad);
  }
});

test('Via: sent-protocol with LWS, received, rport flag and value', () => {
  const v = parseVia('SIP / 2.0 / udp  client.example.com : 5060 ;rport;branch=z9hG4bK74bf9;received=192.0.2.101');
  assert.is(v.protocol, 'SIP/2.0');
  assert.is(v.transport, 'UDP');
  assert.is(v.host, 'client.example.com');
  assert.is(v.port, 5060);
  assert.is(v.params.get('rport'), null);
  assert.is(v.params.get('received'), '192.0.2.101');
  v.params.set('rport', '41000');
  assert.is(formatVia(v), 'SIP/2.0/UDP client.example.com:5060;rport=41000;branch=z9hG4bK74bf9;received=192.0.2.101');
  for (const bad of ['SIP/2.0 host', 'SIP/2.0/UDP', 'SIP/2.0/UDP host;;', 'SIP/2.0/UDP host:abc', 'SIP/2.0/UDP host;branch=']) {
    assert.throws(() => parseVia(bad), (e: unknown) => isSipParseError(e) && e.code === 'bad-via', bad);
  }
});

test('CSeq, integer headers, Content-Type, params, Retry-After', () => {
  assert.equal(parseCSeq('  0009   INVITE '), { seq: 9, method: 'INVITE' });
  assert.is(formatCSeq({ seq: 42, method: 'BYE' }), '42 BYE');
  assert.is(parseCSeq('2147483647 BYE').seq, 2 ** 31 - 1);
  for (const bad of ['2147483648 INVITE', 'INVITE', '1', '1 INV ITE', '-1 BYE']) assert.throws(() => parseCSeq(bad), isSipParseError, bad);

  assert.is(parseIntHeader(' 0068 ', 'Max-Forwards'), 68);
  assert.is(parseIntHeader('4294967295', 'Expires'), 4294967295);
  for (const [v, n] of [['256', 'Max-Forwards'], ['4294967296', 'Expires'], ['', 'Expires'], ['1 0', 'Min-Expires'], ['-3', 'Expires']]) {
    const e = parseError(() => parseIntHeader(v!, n!));
    assert.is(e.status, 400);
  }

  const ct = parseContentType('Multipart/Mixed ; boundary="7a9c" ;charset=utf-8');
  assert.is(ct.type, 'multipart');
  assert.is(ct.subtype, 'mixed');
  assert.is(unquote(ct.params.get('boundary')!), '7a9c');
  assert.is(ct.params.get('charset'), 'utf-8');
  assert.throws(() => parseContentType('application'), isSipParseError);

  const p = parseParams(' ; A = 1 ;flag; q="x;y"');
  assert.equal([...p], [['a', '1'], ['flag', null], ['q', '"x;y"']]);
  assert.is(formatParams(p), ';a=1;flag;q="x;y"');

  const ra = parseRetryAfter('18000 (in a meeting) ;duration=3600');
  assert.is(ra.seconds, 18000);
  assert.is(ra.comment, 'in a meeting');
  assert.is(ra.params.get('duration'), '3600');
  assert.throws(() => parseRetryAfter('949302838503028349304023988'), isSipParseError);
});

test('auth params: Digest challenge, quoted values unescaped, names lower-cased; format round trip', () => {
  const a = parseAuthParams('Digest realm="atlanta.com", NONCE="84a4cc6f3082121f32b42a2187831a9e", qop="auth,auth-int", algorithm=MD5, stale=TRUE, opaque="a\\"b"');
  assert.is(a.scheme, 'Digest');
  assert.is(a.params.get('realm'), 'atlanta.com');
  assert.is(a.params.get('nonce'), '84a4cc6f3082121f32b42a2187831a9e');
  assert.is(a.params.get('qop'), 'auth,auth-int');
  assert.is(a.params.get('algorithm'), 'MD5');
  assert.is(a.params.get('stale'), 'TRUE');
  assert.is(a.params.get('opaque'), 'a"b');
  const text = formatAuthParams('Digest', [['username', 'bob', true], ['realm', 'a "b"', true], ['nc', '00000001', false], ['qop', 'auth', false]]);
  assert.is(text, 'Digest username="bob", realm="a \\"b\\"", nc=00000001, qop=auth');
  const back = parseAuthParams(text);
  assert.is(back.params.get('realm'), 'a "b"');
  assert.is(back.params.get('nc'), '00000001');
  assert.is(parseAuthParams('NoOneKnowsThisScheme opaque-data=here').params.get('opaque-data'), 'here');
  assert.throws(() => parseAuthParams('Digest realm="unterminated'), isSipParseError);
  assert.throws(() => parseAuthParams('Digest realm="a" nonce="b"'), isSipParseError);
});

// ---- responses and validation -----------------------------------------------------------------

test('createResponse copies Via (all, in order), From, To (+tag), Call-ID, CSeq', () => {
  const req = parseRequest(invite(['Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bK2, SIP/2.0/UDP p3.example.com;branch=z9hG4bK3', 'Timestamp: 54', 'Contact: <sip:alice@pc33.example.com>']));
  const r = createResponse(req, 180, undefined, { toTag: 'a6c85cf' });
  assert.is(r.kind, 'response');
  assert.is(r.reason, 'Ringing');
  assert.equal(r.headers.getAll('Via').map((v) => parseVia(v).host), ['pc33.example.com', 'p2.example.com', 'p3.example.com']);
  assert.is(r.headers.get('From'), req.headers.get('From'));
  assert.is(parseNameAddr(r.headers.get('To')!).params.get('tag'), 'a6c85cf');
  assert.is(r.headers.get('Call-ID'), req.headers.get('Call-ID'));
  assert.is(r.headers.get('CSeq'), '314159 INVITE');
  assert.not.ok(r.headers.has('Contact'));
  assert.not.ok(r.headers.has('Timestamp'));
  assert.is(createResponse(req, 100).headers.get('Timestamp'), '54');

  const tagged = parseRequest(Buffer.from(invite().toString().replace('To: Bob <sip:bob@example.com>', 'To: Bob <sip:bob@example.com>;tag=existing')));
  assert.is(parseNameAddr(createResponse(tagged, 200, 'Fine', { toTag: 'other' }).headers.get('To')!).params.get('tag'), 'existing');

  const withBody = createResponse(req, 200, undefined, { toTag: 't', body: Buffer.from('v=0\r\n'), contentType: 'application/sdp', headers: [['Contact', '<sip:bob@192.0.2.4>']] });
  const wireRes = parseMessage(serializeMessage(withBody)) as SipResponse;
  assert.is(wireRes.status, 200);
  assert.is(wireRes.reason, REASON_PHRASES[200]);
  assert.is(wireRes.headers.get('Content-Type'), 'application/sdp');
  assert.is(wireRes.headers.get('Content-Length'), '5');
  assert.is(wireRes.headers.get('Contact'), '<sip:bob@192.0.2.4>');
  assert.throws(() => createResponse(req, 99));
});

test('validateRequest: ok request, missing and duplicate headers, mismatches', () => {
  assert.is(validateRequest(parseRequest(invite())), null);
  const without = (name: string) => parseRequest(wire(['INVITE sip:bob@example.com SIP/2.0', ...BASIC.filter((l) => !l.startsWith(name)), 'Content-Length: 0']));
  for (const name of ['To', 'From', 'Call-ID', 'CSeq', 'Via']) {
    const r = validateRequest(without(name));
    assert.is(r?.status, 400, name);
    assert.match(r!.reason, name);
  }
  assert.is(validateRequest(without('Max-Forwards')), null, 'Max-Forwards may be missing');
  assert.is(validateRequest(parseRequest(invite(['Call-ID: second'])))?.status, 400);
  const mismatch = parseRequest(Buffer.from(invite().toString().replace('314159 INVITE', '314159 BYE')));
  assert.is(validateRequest(mismatch)?.reason, 'CSeq Method Mismatch');
});

test('validateRequest: 405/501, 416, 483 for proxies, 420, 415, 406', () => {
  const options = (m: string) => parseRequest(Buffer.from(invite().toString().replace(/INVITE/g, m)));
  const r405 = validateRequest(options('SUBSCRIBE'), { supportedMethods: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'] });
  assert.is(r405?.status, 405);
  assert.equal(r405?.headers, [['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS']]);
  assert.is(validateRequest(options('FROBNICATE'))?.status, 501);

  const tel = parseRequest(Buffer.from(invite().toString().replace('INVITE sip:bob@example.com', 'INVITE tel:+15551234')));
  assert.is(validateRequest(tel)?.status, 416);
  assert.is(validateRequest(tel, { supportedSchemes: ['sip', 'tel'] }), null);

  const zero = parseRequest(Buffer.from(invite().toString().replace('Max-Forwards: 70', 'Max-Forwards: 0')));
  assert.is(validateRequest(zero), null);
  assert.is(validateRequest(zero, { role: 'proxy' })?.status, 483);

  const req = parseRequest(invite(['Require: 100rel, foo']));
  assert.equal(validateRequest(req)?.headers, [['Unsupported', '100rel, foo']]);
  assert.equal(validateRequest(req, { supportedExtensions: ['100rel'] })?.headers, [['Unsupported', 'foo']]);
  assert.is(validateRequest(req, { supportedExtensions: ['100rel', 'foo'] }), null);

  const odd = parseRequest(invite(['Content-Type: application/weird'], 'x=1'));
  assert.is(validateRequest(odd)?.status, 415);
  const optional = parseRequest(invite(['Content-Type: application/weird', 'Content-Disposition: session;handling=optional'], 'x=1'));
  assert.is(validateRequest(optional), null);
  const gz = parseRequest(invite(['Content-Type: application/sdp', 'Content-Encoding: gzip'], 'x=1'));
  assert.equal(validateRequest(gz)?.headers, [['Accept-Encoding', 'identity']]);

  assert.is(validateRequest(parseRequest(invite(['Accept: text/html'])))?.status, 406);
  assert.is(validateRequest(parseRequest(invite(['Accept: application/*, text/html']))), null);
  assert.is(validateRequest(parseRequest(invite(['Accept: */*']))), null);
  assert.is(validateRequest(parseRequest(invite(['Accept: application/sdp;q=0'])))?.status, 406);
});

test('validateResponse: one Via for a UAC, bad CSeq', () => {
  const ok = parseMessage(wire(['SIP/2.0 200 OK', ...BASIC, 'Content-Length: 0'])) as SipResponse;
  assert.is(validateResponse(ok), null);
  const two = parseMessage(wire(['SIP/2.0 200 OK', ...BASIC, 'Via: SIP/2.0/UDP other;branch=z9hG4bK2', 'Content-Length: 0'])) as SipResponse;
  assert.is(validateResponse(two)?.code, 'multiple-via');
  assert.is(validateResponse(two, { role: 'proxy' }), null);
  const badSeq = parseMessage(Buffer.from(wire(['SIP/2.0 200 OK', ...BASIC, 'Content-Length: 0']).toString().replace('314159', '99999999999'))) as SipResponse;
  assert.is(validateResponse(badSeq)?.code, 'bad-header');
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

test.run();
