import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { Headers } from '../../../firmware/sip/message/headers.js';
import type { Endpoint, SipRequest, SipResponse } from '../../../firmware/sip/message/types.js';
import { parseVia } from '../../../firmware/sip/message/via.js';
import { ServerInviteTransaction } from '../../../firmware/sip/transaction/server-invite.js';
import { DEFAULT_TIMERS, TRYING_DELAY } from '../../../firmware/sip/transaction/timers.js';
import {
  TransactionLayer,
  type LayerOutput,
  type ServerTransaction,
} from '../../../firmware/sip/transaction/transaction-layer.js';
import { drain, PEER, PEER_TCP, request, response, runUntil, schedule, transmitTimes } from './transaction-helpers.js';

const types = (outs: LayerOutput[]) => outs.map((o) => o.type);

/** Feed a request and return the server transaction the layer created for it. */
function incoming(layer: TransactionLayer, req: SipRequest, from: Endpoint, now: number): { tx: ServerTransaction; outs: LayerOutput[] } {
  layer.receive(req, from, now);
  const outs = drain(layer);
  const first = outs[0];
  if (!first || first.type !== 'request') throw new Error(`expected a request output, got ${first?.type}`);
  return { tx: first.tx, outs };
}

/** A response the TU would build (here by hand, copying the request's Vias). */
const answer = (req: SipRequest, status: number, reason: string, tag = 'ua1'): SipResponse =>
  response(req, status, reason, status === 100 ? undefined : tag);

const sentStatuses = (outs: LayerOutput[]) =>
  outs.flatMap((o) => (o.type === 'transmit' && o.message.kind === 'response' ? [o.message.status] : []));

test('non-INVITE server: request to TU, retransmission absorbed, final response re-sent, Timer J', () => {
  const layer = new TransactionLayer();
  const opt = request({ method: 'OPTIONS', branch: 'z9hG4bKs1' });
  const { tx, outs } = incoming(layer, opt, PEER, 0);
  assert.equal(types(outs), ['request']);
  assert.is(tx.state, 'trying');
  assert.is(tx.source, PEER);

  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bKs1' }), PEER, 500);
  assert.equal(drain(layer), [], 'retransmission in trying is dropped silently');

  const ok = answer(opt, 200, 'OK');
  layer.sendResponse(tx, ok, 600);
  const sent = drain(layer);
  assert.equal(types(sent), ['transmit']);
  assert.ok(sent[0].type === 'transmit' && sent[0].message === ok);
  assert.equal(sent[0].type === 'transmit' && sent[0].destination, { address: PEER.address, port: 5060, transport: 'udp' });
  assert.is(tx.state, 'completed');

  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bKs1' }), PEER, 1500);
  const resent = drain(layer);
  assert.equal(types(resent), ['transmit']);
  assert.ok(resent[0].type === 'transmit' && resent[0].message === ok);

  assert.throws(() => layer.sendResponse(tx, answer(opt, 500, 'Oops'), 1600), (e: unknown) => e instanceof IllegalTransitionError);

  const end = runUntil(layer, 100_000);
  assert.equal(types(end.map((e) => e.out)), ['terminated']);
  assert.is(end[0].at, 600 + 64 * DEFAULT_TIMERS.T1);
  assert.equal(layer.transactions().servers, []);
});

test('non-INVITE server: a provisional response is re-sent for retransmissions in proceeding', () => {
  const layer = new TransactionLayer();
  const msg = request({ method: 'MESSAGE', branch: 'z9hG4bKs2' });
  const { tx } = incoming(layer, msg, PEER, 0);
  const trying = answer(msg, 100, 'Trying');
  layer.sendResponse(tx, trying, 10);
  drain(layer);
  assert.is(tx.state, 'proceeding');
  layer.receive(request({ method: 'MESSAGE', branch: 'z9hG4bKs2' }), PEER, 500);
  const outs = drain(layer);
  assert.ok(outs.length === 1 && outs[0].type === 'transmit' && outs[0].message === trying);
});

test('INVITE server: sends 100 Trying itself when the TU is silent for 200 ms', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKi1' });
  const { tx } = incoming(layer, inv, PEER, 1000);
  assert.is(tx.state, 'proceeding');
  assert.is(layer.nextDeadline(), 1000 + TRYING_DELAY);
  layer.handleTimeout(1000 + TRYING_DELAY - 1);
  assert.equal(drain(layer), []);
  const events = runUntil(layer, 1000 + TRYING_DELAY);
  assert.equal(sentStatuses(events.map((e) => e.out)), [100]);
  const trying = events[0].out;
  assert.ok(trying.type === 'transmit' && trying.message.kind === 'response');
  assert.is(trying.message.headers.get('Call-ID'), inv.headers.get('Call-ID'));
  assert.not.match(trying.message.headers.get('To') ?? '', /tag=/);
  // an INVITE retransmission gets the 100 again
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKi1' }), PEER, 1500);
  assert.equal(sentStatuses(drain(layer)), [100]);
});

test('INVITE server: no 100 Trying when the TU answered within 200 ms', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKi2' });
  const { tx } = incoming(layer, inv, PEER, 0);
  layer.sendResponse(tx, answer(inv, 180, 'Ringing'), 50);
  assert.equal(sentStatuses(drain(layer)), [180]);
  assert.equal(runUntil(layer, 10_000), []);
});

test('INVITE server: 486 retransmitted by Timer G (capped at T2) until the ACK, then Timer I', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKi3' });
  const { tx } = incoming(layer, inv, PEER, 0);
  const busy = answer(inv, 486, 'Busy Here');
  layer.sendResponse(tx, busy, 100);
  assert.equal(sentStatuses(drain(layer)), [486]);
  assert.is(tx.state, 'completed');
  const events = runUntil(layer, 12_000);
  assert.equal(
    transmitTimes(events),
    schedule(DEFAULT_TIMERS.T1, DEFAULT_TIMERS.T2, 12_000 - 100).map((t) => t + 100),
  );
  assert.equal(transmitTimes(events), [600, 1600, 3600, 7600, 11600]);
  // an INVITE retransmission also gets the 486
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKi3' }), PEER, 12_100);
  assert.equal(sentStatuses(drain(layer)), [486]);

  const ack = request({ method: 'ACK', branch: 'z9hG4bKi3', toTag: 'ua1' });
  layer.receive(ack, PEER, 12_200);
  assert.equal(drain(layer), [], 'the ACK of a non-2xx stays in the transaction');
  assert.is(tx.state, 'confirmed');
  layer.receive(request({ method: 'ACK', branch: 'z9hG4bKi3', toTag: 'ua1' }), PEER, 12_300);
  assert.equal(drain(layer), []);
  const end = runUntil(layer, 100_000);
  assert.equal(types(end.map((e) => e.out)), ['terminated']);
  assert.is(end[0].at, 12_200 + DEFAULT_TIMERS.T4);
});

test('INVITE server: Timer H gives up when no ACK arrives', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKi4' });
  const { tx } = incoming(layer, inv, PEER, 0);
  layer.sendResponse(tx, answer(inv, 603, 'Decline'), 0);
  drain(layer);
  const events = runUntil(layer, 100_000);
  const timeout = events.find((e) => e.out.type === 'timeout');
  assert.ok(timeout && timeout.out.type === 'timeout' && timeout.out.timer === 'H' && timeout.out.tx === tx);
  assert.is(timeout.at, 64 * DEFAULT_TIMERS.T1);
  assert.ok(transmitTimes(events).every((t) => t < timeout.at));
  assert.is(tx.state, 'terminated');
});

test('INVITE server: 2xx retransmitted at T1, 2T1 ... capped at T2 until the ACK (new branch), ACK passed up', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKi5', cseq: 3 });
  const { tx } = incoming(layer, inv, PEER, 0);
  const ok = answer(inv, 200, 'OK');
  layer.sendResponse(tx, ok, 1000);
  drain(layer);
  assert.is(tx.state, 'accepted');
  const events = runUntil(layer, 9000);
  assert.equal(transmitTimes(events), [1500, 2500, 4500, 8500]);
  assert.ok(events.every((e) => e.out.type === 'transmit' && e.out.message === ok));

  // an INVITE retransmission in accepted is absorbed
  layer.receive(request({ method: 'INVITE', branch: 'z9hG4bKi5', cseq: 3 }), PEER, 9000);
  assert.equal(drain(layer), []);
  // the TU may re-send its 2xx: it goes through
  layer.sendResponse(tx, ok, 9100);
  assert.equal(sentStatuses(drain(layer)), [200]);

  // ACK of a 2xx: different branch, same Call-ID and CSeq number
  const ack = request({ method: 'ACK', branch: 'z9hG4bKack5', cseq: 3, toTag: 'ua1' });
  layer.receive(ack, PEER, 9200);
  const outs = drain(layer);
  assert.equal(types(outs), ['ack']);
  assert.ok(outs[0].type === 'ack' && outs[0].tx === tx && outs[0].request === ack && outs[0].from === PEER);
  assert.is(tx.state, 'accepted');
  // no more retransmissions; Timer L ends the transaction quietly (no timeout: the ACK came)
  const end = runUntil(layer, 100_000);
  assert.equal(types(end.map((e) => e.out)), ['terminated']);
  assert.is(end[0].at, 1000 + 64 * DEFAULT_TIMERS.T1);
});

test('INVITE server: no ACK for the 2xx -> retransmissions until Timer L, which reports a timeout', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKi6' });
  const { tx } = incoming(layer, inv, PEER, 0);
  layer.sendResponse(tx, answer(inv, 200, 'OK'), 0);
  drain(layer);
  const events = runUntil(layer, 100_000);
  const l = 64 * DEFAULT_TIMERS.T1;
  assert.equal(transmitTimes(events), schedule(DEFAULT_TIMERS.T1, DEFAULT_TIMERS.T2, l));
  assert.equal(types(events.slice(-2).map((e) => e.out)), ['timeout', 'terminated']);
  const timeout = events[events.length - 2];
  assert.ok(timeout.out.type === 'timeout' && timeout.out.timer === 'L' && timeout.at === l);
  // an ACK after that matches nothing but is still passed to the TU
  layer.receive(request({ method: 'ACK', branch: 'z9hG4bKlate', toTag: 'ua1' }), PEER, l + 10);
  const outs = drain(layer);
  assert.ok(outs.length === 1 && outs[0].type === 'ack' && outs[0].tx === undefined);
});

test('CANCEL: its own transaction, matched to the INVITE it cancels', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKc1', sentBy: '192.0.2.20:5060' });
  const { tx: itx } = incoming(layer, inv, PEER, 0);
  const cancel = request({ method: 'CANCEL', branch: 'z9hG4bKc1', sentBy: '192.0.2.20:5060' });
  const { tx: ctx, outs } = incoming(layer, cancel, PEER, 100);
  assert.is.not(ctx, itx);
  assert.ok(outs[0].type === 'request' && outs[0].cancels === itx);
  assert.is(layer.findInviteForCancel(cancel), itx);
  // TU: 200 to the CANCEL, 487 to the INVITE
  layer.sendResponse(ctx, answer(cancel, 200, 'OK'), 110);
  layer.sendResponse(itx, answer(inv, 487, 'Request Terminated'), 110);
  assert.equal(sentStatuses(drain(layer)), [200, 487]);

  // a CANCEL with another branch, or another sent-by, cancels nothing
  const other = request({ method: 'CANCEL', branch: 'z9hG4bKc2', sentBy: '192.0.2.20:5060' });
  const r1 = incoming(layer, other, PEER, 200).outs[0];
  assert.ok(r1.type === 'request' && r1.cancels === undefined);
  const moved = request({ method: 'CANCEL', branch: 'z9hG4bKc1', sentBy: '192.0.2.99:5060' });
  const r2 = incoming(layer, moved, PEER, 300).outs[0];
  assert.ok(r2.type === 'request' && r2.cancels === undefined);
});

test('responses go to received/rport (RFC 3581) and the Via is marked', () => {
  const layer = new TransactionLayer();
  const natted: Endpoint = { address: '203.0.113.7', port: 40_000, transport: 'udp' };
  const inv = request({ method: 'OPTIONS', branch: 'z9hG4bKn1', sentBy: '10.0.0.5:5062', viaParams: 'rport' });
  const { tx } = incoming(layer, inv, natted, 0);
  assert.equal(tx.responseDestination, { address: '203.0.113.7', port: 40_000, transport: 'udp' });
  const via = parseVia(inv.headers.get('Via') ?? '');
  assert.is(via.params.get('received'), '203.0.113.7');
  assert.is(via.params.get('rport'), '40000');
  assert.is(via.params.get('branch'), 'z9hG4bKn1');

  // without rport: the source address, the sent-by port
  const plain = request({ method: 'OPTIONS', branch: 'z9hG4bKn2', sentBy: '10.0.0.5:5062' });
  const { tx: tx2 } = incoming(layer, plain, natted, 0);
  assert.equal(tx2.responseDestination, { address: '203.0.113.7', port: 5062, transport: 'udp' });
  // retransmissions (with the original, unmarked Via) still match
  layer.sendResponse(tx2, answer(plain, 200, 'OK'), 10);
  drain(layer);
  layer.receive(request({ method: 'OPTIONS', branch: 'z9hG4bKn2', sentBy: '10.0.0.5:5062' }), natted, 20);
  const outs = drain(layer);
  assert.ok(outs.length === 1 && outs[0].type === 'transmit');
  assert.equal(outs[0].type === 'transmit' && outs[0].destination, tx2.responseDestination);
});

test('only the top Via is marked; the other Vias (even on the same line) are kept in order', () => {
  const layer = new TransactionLayer();
  const natted: Endpoint = { address: '203.0.113.7', port: 40_000, transport: 'udp' };
  const req = request({ method: 'OPTIONS', branch: 'z9hG4bKv1', sentBy: 'proxy.example.com:5060' });
  const top = req.headers.get('Via') ?? '';
  req.headers.set('Via', `${top}, SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKdeeper`);
  req.headers.append('Via', 'SIP/2.0/TCP 10.8.8.8;branch=z9hG4bKdeepest');
  layer.receive(req, natted, 0);
  const vias = req.headers.getAll('Via');
  assert.is(vias.length, 3);
  const first = parseVia(vias[0]);
  assert.is(first.host, 'proxy.example.com');
  assert.is(first.params.get('received'), '203.0.113.7');
  assert.is(first.params.get('branch'), 'z9hG4bKv1');
  assert.is(vias[1], 'SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bKdeeper');
  assert.is(vias[2], 'SIP/2.0/TCP 10.8.8.8;branch=z9hG4bKdeepest');
  assert.is(req.headers.entries()[0][0], 'Via', 'Via stays the first header');
  const out = drain(layer)[0];
  assert.ok(out.type === 'request');
  assert.equal(out.tx.responseDestination, { address: '203.0.113.7', port: 5060, transport: 'udp' });
});

test('reliable transport: no G retransmission, Timers I and J are zero', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKt1', transport: 'TCP' });
  const { tx } = incoming(layer, inv, PEER_TCP, 0);
  assert.equal(tx.responseDestination, PEER_TCP);
  layer.sendResponse(tx, answer(inv, 486, 'Busy Here'), 0);
  drain(layer);
  assert.is(layer.nextDeadline(), 64 * DEFAULT_TIMERS.T1, 'only Timer H');
  layer.receive(request({ method: 'ACK', branch: 'z9hG4bKt1', transport: 'TCP', toTag: 'ua1' }), PEER_TCP, 100);
  assert.equal(types(drain(layer)), ['terminated']);

  const bye = request({ method: 'BYE', branch: 'z9hG4bKt2', transport: 'TCP' });
  const { tx: btx } = incoming(layer, bye, PEER_TCP, 0);
  layer.sendResponse(btx, answer(bye, 200, 'OK'), 5);
  assert.equal(types(drain(layer)), ['transmit', 'terminated']);
  assert.equal(layer.transactions().servers, []);
});

test('malformed requests are dropped and logged; a stray ACK goes to the TU', () => {
  const log = memoryLogger();
  const layer = new TransactionLayer({ log });
  const h = new Headers();
  h.append('Call-ID', 'x');
  h.append('CSeq', '1 OPTIONS');
  const noVia: SipRequest = { kind: 'request', method: 'OPTIONS', uri: 'sip:a@b', version: 'SIP/2.0', headers: h, body: Buffer.alloc(0) };
  layer.receive(noVia, PEER, 0);
  assert.equal(drain(layer), []);
  assert.ok(log.records.some((r) => r.level === 'warn' && /malformed/.test(r.msg)));

  layer.receive(request({ method: 'ACK', branch: 'z9hG4bKnone', toTag: 't' }), PEER, 0);
  const outs = drain(layer);
  assert.ok(outs.length === 1 && outs[0].type === 'ack' && outs[0].tx === undefined);
});

test('server INVITE state machine throws on illegal TU moves', () => {
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKx' });
  const tx = new ServerInviteTransaction({
    id: 'x',
    request: inv,
    source: PEER,
    responseDestination: PEER,
    reliable: false,
    timers: DEFAULT_TIMERS,
  });
  tx.start(0);
  assert.throws(() => tx.start(0), (e: unknown) => e instanceof IllegalTransitionError);
  tx.sendResponse(answer(inv, 200, 'OK'), 0);
  assert.throws(() => tx.sendResponse(answer(inv, 180, 'Ringing'), 1), (e: unknown) => e instanceof IllegalTransitionError);
  assert.throws(() => tx.sendResponse(answer(inv, 486, 'Busy'), 1), (e: unknown) => e instanceof IllegalTransitionError);
  assert.is(tx.state, 'accepted');
  tx.handleTimeout(64 * DEFAULT_TIMERS.T1);
  assert.is(tx.state, 'terminated');
  assert.throws(() => tx.sendResponse(answer(inv, 200, 'OK'), 40_000), (e: unknown) => e instanceof IllegalTransitionError);
});

test.run();
