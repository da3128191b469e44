/** URIs, name-addr, Via and the other header values. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isSipParseError } from '../../../firmware/sip/message/errors.js';
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
import { formatUri, parseUri, uriEquals } from '../../../firmware/sip/message/uri.js';
import { formatVia, parseVia } from '../../../firmware/sip/message/via.js';
import { parseError } from './message-test-helpers.js';

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

test.run();
