/** createResponse, validateRequest and validateResponse. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseNameAddr } from '../../../firmware/sip/message/name-addr.js';
import { parseMessage } from '../../../firmware/sip/message/parse.js';
import { REASON_PHRASES, createResponse } from '../../../firmware/sip/message/response.js';
import { serializeMessage } from '../../../firmware/sip/message/serialize.js';
import type { SipResponse } from '../../../firmware/sip/message/types.js';
import { validateRequest, validateResponse } from '../../../firmware/sip/message/validate.js';
import { parseVia } from '../../../firmware/sip/message/via.js';
import { BASIC, invite, parseRequest, wire } from './message-test-helpers.js';

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

test('validateRequest is lenient where deployed UAs differ from the grammar', () => {
  const replace = (from: string, to: string) => parseRequest(Buffer.from(invite().toString().replace(from, to)));
  assert.is(validateRequest(replace('a84b4c76e66710@pc33.example.com', 'MzJhNjE0ZjM0YjI3NTFl=')), null, 'Call-ID with "="');
  assert.is(validateRequest(replace('Call-ID: a84b4c76e66710@pc33.example.com', 'Call-ID: a b'))?.status, 400);
  assert.is(validateRequest(replace('From: Alice <', 'From: Jürgen Müller <')), null, 'unquoted UTF-8 display name');
  assert.is(validateRequest(replace('From: Alice <', 'From: Smith, Alice <'))?.status, 400);
  const strayCrlf = parseRequest(Buffer.concat([invite([], '', false), Buffer.from('\r\n')]));
  assert.is(strayCrlf.body.length, 2);
  assert.is(validateRequest(strayCrlf), null, 'stray CRLF after the head is not a body without Content-Type');
  const untyped = parseRequest(invite([], 'v=0'));
  assert.is(validateRequest(untyped)?.reason, 'Missing Content-Type Header');
  const ack = parseRequest(Buffer.from(invite(['Require: foo']).toString().replace(/INVITE/g, 'ACK')));
  assert.is(validateRequest(ack), null, 'Require is not checked on ACK');
});

test('validateResponse: broadcast sent-by', () => {
  const bcast = parseMessage(wire(['SIP/2.0 200 OK', ...BASIC, 'Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK2', 'Content-Length: 0'])) as SipResponse;
  assert.is(validateResponse(bcast, { role: 'proxy' })?.code, 'broadcast-via');
  const v7 = parseMessage(wire(['SIP/2.0 200 OK', ...BASIC, 'Content-Length: 0'])) as SipResponse;
  v7.version = 'SIP/7.0';
  assert.is(validateResponse(v7)?.code, 'bad-version');
});

test.run();
