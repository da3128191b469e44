/** The transaction layer on parsed and serialized bytes (message layer round trip). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMessage } from '../../../firmware/sip/message/parse.js';
import { createResponse } from '../../../firmware/sip/message/response.js';
import { serializeMessage } from '../../../firmware/sip/message/serialize.js';
import type { Endpoint, SipRequest, SipResponse } from '../../../firmware/sip/message/types.js';
import { parseVia } from '../../../firmware/sip/message/via.js';
import { TransactionLayer } from '../../../firmware/sip/transaction/transaction-layer.js';
import { drain } from './transaction-helpers.js';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n\r\n');

const INVITE = crlf([
  'INVITE sip:1000@192.0.2.10:5070 SIP/2.0',
  'Via: SIP/2.0/UDP 10.1.1.1:5080;branch=z9hG4bK-wire-1;rport',
  'Max-Forwards: 70',
  'From: "2000" <sip:2000@lab.test>;tag=caller1',
  'To: <sip:1000@lab.test>',
  'Call-ID: wire-1@10.1.1.1',
  'CSeq: 1 INVITE',
  'Contact: <sip:2000@10.1.1.1:5080>',
  'Content-Length: 0',
]);

const FROM: Endpoint = { address: '198.51.100.9', port: 61_000, transport: 'udp' };

test('incoming INVITE over NAT: 100 Trying and 486 go to the source, with received/rport in the Via', () => {
  const layer = new TransactionLayer();
  const invite = parseMessage(INVITE) as SipRequest;
  layer.receive(invite, FROM, 0);
  const [req] = drain(layer);
  assert.ok(req && req.type === 'request');
  layer.handleTimeout(200);
  const trying = drain(layer);
  assert.is(trying.length, 1);
  assert.ok(trying[0].type === 'transmit');
  assert.equal(trying[0].destination, FROM);
  const wire = parseMessage(serializeMessage(trying[0].message)) as SipResponse;
  assert.is(wire.status, 100);
  const via = parseVia(wire.headers.get('Via') ?? '');
  assert.is(via.params.get('received'), FROM.address);
  assert.is(via.params.get('rport'), String(FROM.port));
  assert.is(via.params.get('branch'), 'z9hG4bK-wire-1');

  // the INVITE again (same bytes): absorbed, the 100 re-sent
  layer.receive(parseMessage(INVITE), FROM, 500);
  const again = drain(layer);
  assert.ok(again.length === 1 && again[0].type === 'transmit' && again[0].message === trying[0].message);

  layer.sendResponse(req.tx, createResponse(req.request, 486, undefined, { toTag: 'ata1' }), 600);
  const busy = drain(layer);
  assert.ok(busy[0].type === 'transmit' && busy[0].message.kind === 'response' && busy[0].message.status === 486);

  const ack = crlf([
    'ACK sip:1000@192.0.2.10:5070 SIP/2.0',
    'Via: SIP/2.0/UDP 10.1.1.1:5080;branch=z9hG4bK-wire-1;rport',
    'Max-Forwards: 70',
    'From: "2000" <sip:2000@lab.test>;tag=caller1',
    'To: <sip:1000@lab.test>;tag=ata1',
    'Call-ID: wire-1@10.1.1.1',
    'CSeq: 1 ACK',
    'Content-Length: 0',
  ]);
  layer.receive(parseMessage(ack), FROM, 700);
  assert.equal(drain(layer), []);
  assert.is(req.tx.state, 'confirmed');
});

test('outgoing INVITE: the ACK built for a 407 serializes and parses back', () => {
  const layer = new TransactionLayer();
  const invite = parseMessage(
    crlf([
      'INVITE sip:2000@lab.test SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKout1;rport',
      'Max-Forwards: 70',
      'Route: <sip:10.0.0.9;lr>',
      'From: <sip:1000@lab.test>;tag=me',
      'To: <sip:2000@lab.test>',
      'Call-ID: out-1@192.0.2.10',
      'CSeq: 41 INVITE',
      'Content-Length: 0',
    ]),
  ) as SipRequest;
  const proxy: Endpoint = { address: '10.0.0.9', port: 5060, transport: 'udp' };
  layer.sendRequest(invite, proxy, 0);
  drain(layer);
  const challenge = parseMessage(
    crlf([
      'SIP/2.0 407 Proxy Authentication Required',
      'Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKout1;rport=5070;received=192.0.2.10',
      'From: <sip:1000@lab.test>;tag=me',
      'To: <sip:2000@lab.test>;tag=px1',
      'Call-ID: out-1@192.0.2.10',
      'CSeq: 41 INVITE',
      'Proxy-Authenticate: Digest realm="lab.test", nonce="abc"',
      'Content-Length: 0',
    ]),
  );
  layer.receive(challenge, proxy, 80);
  const outs = drain(layer);
  assert.ok(outs[0].type === 'transmit');
  const ack = parseMessage(serializeMessage(outs[0].message)) as SipRequest;
  assert.is(ack.method, 'ACK');
  assert.is(ack.uri, 'sip:2000@lab.test');
  assert.is(ack.headers.get('CSeq'), '41 ACK');
  assert.match(ack.headers.get('To') ?? '', /tag=px1/);
  assert.is(ack.headers.get('Route'), '<sip:10.0.0.9;lr>');
  assert.match(ack.headers.get('Via') ?? '', /branch=z9hG4bKout1/);
  assert.is(ack.headers.get('Content-Length'), '0');
  assert.ok(outs[1].type === 'response' && outs[1].response.status === 407);
});

test.run();
