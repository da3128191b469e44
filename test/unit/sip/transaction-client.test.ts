import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalTransitionError, LocalError } from '../../../firmware/core/errors.js';
import type { SipRequest } from '../../../firmware/sip/message/types.js';
import { ClientInviteTransaction } from '../../../firmware/sip/transaction/client-invite.js';
import { ClientNonInviteTransaction } from '../../../firmware/sip/transaction/client-non-invite.js';
import { DEFAULT_TIMERS } from '../../../firmware/sip/transaction/timers.js';
import { TransactionLayer, type LayerOutput } from '../../../firmware/sip/transaction/transaction-layer.js';
import { drain, PEER, PEER_TCP, request, response, runUntil, schedule, transmitTimes } from './transaction-helpers.js';

const invite = (branch = 'z9hG4bKinv1', extra: Partial<Parameters<typeof request>[0]> = {}) =>
  request({ method: 'INVITE', branch, sentBy: '192.0.2.10:5060', ...extra });

const types = (outs: LayerOutput[]) => outs.map((o) => o.type);

test('INVITE client: Timer A retransmits at 0.5, 1.5, 3.5 ... s (no cap) and Timer B fires at 32 s', () => {
  const layer = new TransactionLayer();
  const req = invite();
  const tx = layer.sendRequest(req, PEER, 0);
  const first = drain(layer);
  assert.equal(types(first), ['transmit']);
  assert.is(first[0].type === 'transmit' && first[0].message, req);
  assert.is(first[0].type === 'transmit' && first[0].destination, PEER);
  assert.is(tx.state, 'calling');

  const events = runUntil(layer, 60_000);
  const retransmits = transmitTimes(events);
  assert.equal(retransmits, [500, 1500, 3500, 7500, 15500, 31500]);
  assert.equal(retransmits, schedule(DEFAULT_TIMERS.T1, Infinity, 64 * DEFAULT_TIMERS.T1));
  const timeout = events.find((e) => e.out.type === 'timeout');
  assert.ok(timeout, 'Timer B reported');
  assert.is(timeout.at, 32_000);
  assert.is(timeout.out.type === 'timeout' && timeout.out.timer, 'B');
  assert.is(events[events.length - 1].out.type, 'terminated');
  assert.is(tx.state, 'terminated');
  assert.is(layer.nextDeadline(), undefined);
});

test('a late handleTimeout retransmits once and restarts the timer from the firing time (no burst)', () => {
  const layer = new TransactionLayer();
  layer.sendRequest(invite('z9hG4bKlate'), PEER, 0);
  drain(layer);
  layer.handleTimeout(5000);
  assert.equal(types(drain(layer)), ['transmit']);
  assert.is(layer.nextDeadline(), 5000 + 2 * DEFAULT_TIMERS.T1);
});

test('INVITE client: a 1xx moves to proceeding and stops retransmissions; no Timer B afterwards', () => {
  const layer = new TransactionLayer();
  const req = invite();
  const tx = layer.sendRequest(req, PEER, 0);
  drain(layer);
  layer.handleTimeout(500);
  assert.equal(types(drain(layer)), ['transmit']);
  layer.receive(response(req, 180, 'Ringing', 'b1'), PEER, 700);
  const outs = drain(layer);
  assert.equal(types(outs), ['response']);
  assert.is(tx.state, 'proceeding');
  assert.is(layer.nextDeadline(), undefined);
  assert.equal(runUntil(layer, 100_000), []);
});

test('INVITE client: 486 is ACKed (same branch, URI, Call-ID, From, Route; To with tag; CSeq ACK) and Timer D', () => {
  const layer = new TransactionLayer();
  const req = invite('z9hG4bKbusy', {
    cseq: 7,
    uri: 'sip:bob@192.0.2.20:5070',
    routes: ['<sip:proxy1.example.com;lr>', '<sip:proxy2.example.com;lr>'],
  });
  const tx = layer.sendRequest(req, PEER, 0);
  drain(layer);
  const busy = response(req, 486, 'Busy Here', 'bobtag');
  layer.receive(busy, PEER, 100);
  const outs = drain(layer);
  assert.equal(types(outs), ['transmit', 'response']);
  const ackOut = outs[0];
  assert.ok(ackOut.type === 'transmit' && ackOut.message.kind === 'request');
  const ack = ackOut.message as SipRequest;
  assert.is(ackOut.destination, PEER);
  assert.is(ack.method, 'ACK');
  assert.is(ack.uri, req.uri);
  assert.equal(ack.headers.getAll('Via'), [req.headers.get('Via')]);
  assert.is(ack.headers.get('Call-ID'), req.headers.get('Call-ID'));
  assert.is(ack.headers.get('From'), req.headers.get('From'));
  assert.is(ack.headers.get('To'), busy.headers.get('To'));
  assert.match(ack.headers.get('To') ?? '', /tag=bobtag/);
  assert.is(ack.headers.get('CSeq'), '7 ACK');
  assert.equal(ack.headers.getAll('Route'), req.headers.getAll('Route'));
  assert.ok(outs[1].type === 'response' && outs[1].response === busy && outs[1].tx === tx);
  assert.is(tx.state, 'completed');

  // the 486 again: the same ACK again, nothing for the TU
  layer.receive(response(req, 486, 'Busy Here', 'bobtag'), PEER, 600);
  const again = drain(layer);
  assert.equal(types(again), ['transmit']);
  assert.is(again[0].type === 'transmit' && again[0].message, ack);

  // no retransmission of the INVITE any more; Timer D ends it 32 s after the 486
  const events = runUntil(layer, 100_000);
  assert.equal(types(events.map((e) => e.out)), ['terminated']);
  assert.is(events[0].at, 100 + 32_000);
  assert.is(tx.state, 'terminated');
});

test('INVITE client: 2xx moves to accepted; repeated 2xx are passed up as retransmissions; Timer M', () => {
  const layer = new TransactionLayer();
  const req = invite();
  const tx = layer.sendRequest(req, PEER, 0);
  drain(layer);
  layer.receive(response(req, 180, 'Ringing', 'b1'), PEER, 50);
  drain(layer);
  layer.receive(response(req, 200, 'OK', 'b1'), PEER, 1000);
  let outs = drain(layer);
  assert.equal(types(outs), ['response']);
  assert.ok(outs[0].type === 'response' && outs[0].retransmission === false);
  assert.is(tx.state, 'accepted');

  layer.receive(response(req, 200, 'OK', 'b1'), PEER, 1500);
  outs = drain(layer);
  assert.ok(outs.length === 1 && outs[0].type === 'response' && outs[0].retransmission === true);

  // a 2xx from another fork (other To tag) is new, not a retransmission
  layer.receive(response(req, 200, 'OK', 'b2'), PEER, 1600);
  outs = drain(layer);
  assert.ok(outs.length === 1 && outs[0].type === 'response' && outs[0].retransmission === false);

  // a late non-2xx is absorbed in accepted
  layer.receive(response(req, 503, 'Unavailable', 'b3'), PEER, 1700);
  assert.equal(drain(layer), []);

  const events = runUntil(layer, 100_000);
  assert.equal(types(events.map((e) => e.out)), ['terminated']);
  assert.is(events[0].at, 1000 + 64 * DEFAULT_TIMERS.T1);

  // after Timer M, a 2xx matches nothing: the TU gets a stray response (and may ACK it)
  layer.receive(response(req, 200, 'OK', 'b1'), PEER, 40_000);
  outs = drain(layer);
  assert.equal(types(outs), ['stray-response']);
});

test('non-INVITE client: Timer E doubles up to T2, Timer F fires at 64*T1', () => {
  const layer = new TransactionLayer();
  const reg = request({ method: 'REGISTER', branch: 'z9hG4bKreg1', sentBy: '192.0.2.10:5060' });
  const tx = layer.sendRequest(reg, PEER, 0);
  assert.ok(tx instanceof ClientNonInviteTransaction);
  drain(layer);
  const events = runUntil(layer, 60_000);
  const times = transmitTimes(events);
  assert.equal(times.slice(0, 6), [500, 1500, 3500, 7500, 11500, 15500]);
  assert.equal(times, schedule(DEFAULT_TIMERS.T1, DEFAULT_TIMERS.T2, 64 * DEFAULT_TIMERS.T1));
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  assert.ok(gaps.every((g) => g <= DEFAULT_TIMERS.T2));
  const timeout = events.find((e) => e.out.type === 'timeout');
  assert.ok(timeout && timeout.out.type === 'timeout' && timeout.out.timer === 'F');
  assert.is(timeout.at, 32_000);
  assert.is(tx.state, 'terminated');
});

test('non-INVITE client: proceeding retransmits every T2; final response starts Timer K and is passed up once', () => {
  const layer = new TransactionLayer();
  const reg = request({ method: 'OPTIONS', branch: 'z9hG4bKopt1', sentBy: '192.0.2.10:5060' });
  const tx = layer.sendRequest(reg, PEER, 0);
  drain(layer);
  layer.receive(response(reg, 100, 'Trying'), PEER, 200);
  assert.equal(types(drain(layer)), ['response']);
  assert.is(tx.state, 'proceeding');
  const events = runUntil(layer, 9000);
  // E was armed for 500 while trying; from then on it fires every T2
  assert.equal(transmitTimes(events), [500, 4500, 8500]);
  layer.receive(response(reg, 200, 'OK', 'x'), PEER, 9000);
  assert.equal(types(drain(layer)), ['response']);
  assert.is(tx.state, 'completed');
  layer.receive(response(reg, 200, 'OK', 'x'), PEER, 9100);
  assert.equal(drain(layer), [], 'retransmitted final response absorbed');
  const end = runUntil(layer, 100_000);
  assert.equal(types(end.map((e) => e.out)), ['terminated']);
  assert.is(end[0].at, 9000 + DEFAULT_TIMERS.T4);
});

test('custom T1/T2 scale every timer', () => {
  const timers = { T1: 100, T2: 400, T4: 1000 };
  const layer = new TransactionLayer({ timers });
  layer.sendRequest(request({ method: 'MESSAGE', branch: 'z9hG4bKm', sentBy: '192.0.2.10' }), PEER, 0);
  drain(layer);
  const events = runUntil(layer, 10_000);
  assert.equal(transmitTimes(events), schedule(100, 400, 6400));
  assert.is(events.find((e) => e.out.type === 'timeout')?.at, 6400);
});

test('reliable transport: no retransmissions; Timers D and K are zero', () => {
  const layer = new TransactionLayer();
  const req = invite('z9hG4bKtcp', { transport: 'TCP' });
  const tx = layer.sendRequest(req, PEER_TCP, 0);
  drain(layer);
  assert.is(tx.reliable, true);
  assert.is(layer.nextDeadline(), 64 * DEFAULT_TIMERS.T1, 'only Timer B is armed');
  layer.receive(response(req, 486, 'Busy Here', 't'), PEER_TCP, 100);
  assert.equal(types(drain(layer)), ['transmit', 'response', 'terminated']);
  assert.is(tx.state, 'terminated');

  const opt = request({ method: 'OPTIONS', branch: 'z9hG4bKtcp2', transport: 'TCP' });
  const tx2 = layer.sendRequest(opt, PEER_TCP, 0);
  drain(layer);
  assert.equal(transmitTimes(runUntil(layer, 31_999)), []);
  layer.receive(response(opt, 200, 'OK', 't'), PEER_TCP, 32_000 - 1);
  assert.equal(types(drain(layer)), ['response', 'terminated']);
  assert.is(tx2.state, 'terminated');
  assert.equal(layer.transactions().clients, []);
});

test('responses are matched on branch and CSeq method: a CANCEL response does not touch the INVITE', () => {
  const layer = new TransactionLayer();
  const inv = invite('z9hG4bKsame');
  const cancel = request({ method: 'CANCEL', branch: 'z9hG4bKsame', sentBy: '192.0.2.10:5060' });
  const itx = layer.sendRequest(inv, PEER, 0);
  const ctx = layer.sendRequest(cancel, PEER, 10);
  drain(layer);
  assert.is.not(itx.id, ctx.id);
  layer.receive(response(cancel, 200, 'OK', 'c'), PEER, 20);
  const outs = drain(layer);
  assert.ok(outs[0].type === 'response' && outs[0].tx === ctx);
  assert.is(itx.state, 'calling');
  layer.receive(response(inv, 487, 'Request Terminated', 'c'), PEER, 30);
  const outs2 = drain(layer);
  assert.ok(outs2.some((o) => o.type === 'response' && o.tx === itx && o.response.status === 487));
});

test('sendRequest refuses ACKs, missing branches and duplicates', () => {
  const layer = new TransactionLayer();
  const ack = request({ method: 'ACK', branch: 'z9hG4bKa' });
  assert.throws(() => layer.sendRequest(ack, PEER, 0), (e: unknown) => e instanceof LocalError);
  const old = request({ method: 'OPTIONS', branch: '1234' });
  assert.throws(
    () => layer.sendRequest(old, PEER, 0),
    (e: unknown) => e instanceof LocalError && e.code === 'missing-branch',
  );
  const opt = request({ method: 'OPTIONS', branch: 'z9hG4bKdup' });
  layer.sendRequest(opt, PEER, 0);
  assert.throws(
    () => layer.sendRequest(opt, PEER, 0),
    (e: unknown) => e instanceof LocalError && e.code === 'duplicate-transaction',
  );
});

test('client state machines throw IllegalTransitionError on illegal moves', () => {
  const req = invite();
  const tx = new ClientInviteTransaction({ id: 'x', request: req, destination: PEER, reliable: false, timers: DEFAULT_TIMERS });
  tx.start(0);
  assert.throws(() => tx.start(1), (e: unknown) => e instanceof IllegalTransitionError);
  tx.handleTimeout(32_000);
  assert.is(tx.state, 'terminated');
  assert.throws(
    () => tx.receiveResponse(response(req, 200, 'OK', 'a'), 32_001),
    (e: unknown) => e instanceof IllegalTransitionError && e.code === 'illegal-transition',
  );
  const opt = request({ method: 'OPTIONS', branch: 'z9hG4bKo' });
  const ntx = new ClientNonInviteTransaction({ id: 'y', request: opt, destination: PEER, reliable: true, timers: DEFAULT_TIMERS });
  ntx.start(0);
  ntx.receiveResponse(response(opt, 200, 'OK'), 1);
  assert.is(ntx.state, 'terminated');
  assert.throws(() => ntx.receiveResponse(response(opt, 200, 'OK'), 2), (e: unknown) => e instanceof IllegalTransitionError);
});

test.run();
