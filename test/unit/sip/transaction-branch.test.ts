import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LocalError } from '../../../firmware/core/errors.js';
import {
  clientKeyForRequest,
  clientKeyForResponse,
  findInviteForCancel,
  isRfc3261Branch,
  MAGIC_COOKIE,
  newBranch,
  serverKey,
} from '../../../firmware/sip/transaction/branch.js';
import { tagOf } from '../../../firmware/sip/transaction/message-info.js';
import {
  DEFAULT_TIMERS,
  timerB,
  timerD,
  timerF,
  timerH,
  timerI,
  timerJ,
  timerK,
  timerL,
  timerM,
  validateTimers,
} from '../../../firmware/sip/transaction/timers.js';
import { TransactionLayer } from '../../../firmware/sip/transaction/transaction-layer.js';
import { drain, PEER, request, response } from './transaction-helpers.js';

test('newBranch: magic cookie + random token', () => {
  let n = 0;
  const random = () => `tok${++n}`;
  assert.is(newBranch(random), `${MAGIC_COOKIE}tok1`);
  assert.is(newBranch(random), `${MAGIC_COOKIE}tok2`);
  assert.ok(isRfc3261Branch(newBranch(random)));
  assert.not.ok(isRfc3261Branch('abc123'));
  assert.not.ok(isRfc3261Branch(MAGIC_COOKIE));
  const layer = new TransactionLayer();
  const a = layer.newBranch();
  const b = layer.newBranch();
  assert.ok(a.startsWith(MAGIC_COOKIE) && a.length > MAGIC_COOKIE.length + 8);
  assert.is.not(a, b);
});

test('timer values derive from T1/T2/T4 (RFC 3261 Table 4, RFC 6026)', () => {
  const t = { T1: 250, T2: 2000, T4: 3000 };
  for (const f of [timerB, timerF, timerH, timerL, timerM]) assert.is(f(t), 64 * t.T1);
  assert.is(timerD(DEFAULT_TIMERS, false), 32_000);
  assert.is(timerD(t, false), 32_000, 'at least 32 s for unreliable transports');
  assert.is(timerD({ T1: 1000, T2: 4000, T4: 5000 }, false), 64_000, 'never shorter than the peer\'s Timer H');
  assert.is(timerD(t, true), 0);
  assert.is(timerI(t, false), t.T4);
  assert.is(timerI(t, true), 0);
  assert.is(timerJ(t, false), 64 * t.T1);
  assert.is(timerJ(t, true), 0);
  assert.is(timerK(t, false), t.T4);
  assert.is(timerK(t, true), 0);
  assert.throws(() => validateTimers({ T1: 0, T2: 4000, T4: 5000 }), (e: unknown) => e instanceof LocalError);
  assert.throws(() => validateTimers({ T1: 500, T2: 100, T4: 5000 }), (e: unknown) => e instanceof LocalError);
  assert.throws(() => new TransactionLayer({ timers: { T1: Number.NaN, T2: 1, T4: 1 } }));
});

test('server keys: branch + sent-by + method; ACK maps to INVITE; host case-insensitive', () => {
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKk1', sentBy: 'PC33.Example.com:5060' });
  const ack = request({ method: 'ACK', branch: 'z9hG4bKk1', sentBy: 'pc33.example.com:5060', toTag: 'x' });
  const bye = request({ method: 'BYE', branch: 'z9hG4bKk1', sentBy: 'pc33.example.com:5060' });
  const otherPort = request({ method: 'INVITE', branch: 'z9hG4bKk1', sentBy: 'pc33.example.com:5070' });
  assert.is(serverKey(ack), serverKey(inv));
  assert.is.not(serverKey(bye), serverKey(inv));
  assert.is.not(serverKey(otherPort), serverKey(inv));
  const cancel = request({ method: 'CANCEL', branch: 'z9hG4bKk1', sentBy: 'pc33.example.com:5060' });
  assert.is.not(serverKey(cancel), serverKey(inv));
  const found = findInviteForCancel(cancel, (k) => (k === serverKey(inv) ? 'the-invite' : undefined));
  assert.is(found, 'the-invite');
  assert.is(findInviteForCancel(bye, () => 'x'), undefined, 'only a CANCEL cancels');
});

test('client keys: branch + method, read from the CSeq of responses', () => {
  const inv = request({ method: 'INVITE', branch: 'z9hG4bKc' });
  const cancel = request({ method: 'CANCEL', branch: 'z9hG4bKc' });
  assert.is(clientKeyForResponse(response(inv, 180, 'Ringing')), clientKeyForRequest(inv));
  assert.is(clientKeyForResponse(response(cancel, 200, 'OK')), clientKeyForRequest(cancel));
  assert.is.not(clientKeyForRequest(inv), clientKeyForRequest(cancel));
});

test('RFC 2543 peers (no magic cookie): retransmissions and the ACK still match', () => {
  const layer = new TransactionLayer();
  const inv = request({ method: 'INVITE', branch: 'oldstyle1' });
  layer.receive(inv, PEER, 0);
  const first = drain(layer);
  assert.is(first.length, 1);
  const tx = first[0].type === 'request' ? first[0].tx : undefined;
  assert.ok(tx);
  layer.receive(request({ method: 'INVITE', branch: 'oldstyle1' }), PEER, 100);
  assert.equal(drain(layer), [], 'retransmission absorbed');
  layer.sendResponse(tx, response(inv, 480, 'Unavailable', 'me'), 200);
  drain(layer);
  layer.receive(request({ method: 'ACK', branch: 'oldstyle1', toTag: 'me' }), PEER, 300);
  assert.equal(drain(layer), []);
  assert.is(tx.state, 'confirmed');
});

test('tagOf reads header parameters, not URI parameters or quoted text', () => {
  assert.is(tagOf('"A;tag=no" <sip:a@b;tag=uri>;tag=yes'), 'yes');
  assert.is(tagOf('<sip:a@b;transport=udp>'), undefined);
  assert.is(tagOf('sip:a@b;tag=bare'), 'bare');
  assert.is(tagOf('<sip:a@b> ; TAG = spaced'), 'spaced');
});

test.run();
