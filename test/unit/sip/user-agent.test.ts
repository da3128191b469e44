import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../firmware/core/log.js';
import { DigestVerifier } from '../../../firmware/sip/auth/digest-server.js';
import { parseMessage } from '../../../firmware/sip/message/parse.js';
import { createResponse } from '../../../firmware/sip/message/response.js';
import { serializeMessage } from '../../../firmware/sip/message/serialize.js';
import type { Endpoint, SipRequest } from '../../../firmware/sip/message/types.js';
import { UserAgent } from '../../../firmware/sip/ua/user-agent.js';
import type { UaEvent } from '../../../firmware/sip/ua/ua-events.js';
import { Net } from './ua-net.js';
import type { NetNode } from './ua-net.js';

let counter = 0;
const rnd = () => (++counter).toString(16).padStart(8, '0') + 'abcdef12';

function uaNode(ua: UserAgent, endpoint: Endpoint): NetNode {
  return {
    endpoint,
    receive: (d, f, n) => ua.receive(d, f, n),
    handleTimeout: (n) => ua.handleTimeout(n),
    nextDeadline: () => ua.nextDeadline(),
    drain() {
      const transmits: Array<{ data: Buffer; destination: Endpoint }> = [];
      const events: UaEvent[] = [];
      for (let o = ua.poll(); o; o = ua.poll()) {
        if (o.type === 'transmit') transmits.push({ data: o.data, destination: o.destination });
        else events.push(o.event);
      }
      return { transmits, events };
    },
  };
}

function makeUa(user: string, port: number, proxy: Endpoint, srtp: 'off' | 'optional' | 'required' = 'off'): { ua: UserAgent; node: NetNode } {
  const endpoint: Endpoint = { address: '10.0.0.1', port, transport: 'udp' };
  const ua = new UserAgent({
    account: { registrarHost: proxy.address, registrarPort: proxy.port, domain: 'lab.test', user, authUser: user, password: `pass${user}`, expires: 600 },
    local: { address: endpoint.address, port, transport: 'udp' },
    proxy,
    log: silentLogger,
    userAgent: 'tipring-test',
    random: rnd,
    srtp,
  });
  return { ua, node: uaNode(ua, endpoint) };
}

/** A registrar that challenges with digest and grants `granted` seconds, or answers `status`. */
function fakeRegistrar(endpoint: Endpoint, behaviour: { granted?: number; fail?: Array<[number, Array<[string, string]>]> } = {}) {
  const verifier = new DigestVerifier({ realm: 'lab.test', username: '1000', password: 'pass1000', secret: Buffer.from('s3cret') });
  const out: Array<{ data: Buffer; destination: Endpoint }> = [];
  const seen: SipRequest[] = [];
  const fails = [...(behaviour.fail ?? [])];
  let now = 0;
  const node: NetNode = {
    endpoint,
    receive(data, from, t) {
      now = t;
      const req = parseMessage(data) as SipRequest;
      seen.push(req);
      const send = (status: number, headers: Array<[string, string]> = []) =>
        out.push({ data: serializeMessage(createResponse(req, status, undefined, { toTag: 'reg1', headers })), destination: from });
      const f = fails.shift();
      if (f) return send(f[0], f[1]);
      const auth = req.headers.get('Authorization');
      if (!auth || verifier.verify(auth, req.method, now) !== 'ok') return send(401, [['WWW-Authenticate', verifier.challenge(now)]]);
      const contact = req.headers.get('Contact')!;
      const expires = Math.min(Number(req.headers.get('Expires')), behaviour.granted ?? 3600);
      send(200, [['Contact', `${contact};expires=${expires}`], ['Contact', '<sip:1000@198.51.100.7:5060>;expires=100']]);
    },
    handleTimeout: () => {},
    nextDeadline: () => undefined,
    drain: () => ({ transmits: out.splice(0), events: [] }),
  };
  return { node, seen };
}

const reg = suite('UA registration');

reg('registers through a digest challenge and refreshes before expiry', () => {
  const net = new Net();
  const proxy: Endpoint = { address: '10.0.0.9', port: 5060, transport: 'udp' };
  const r = fakeRegistrar(proxy, { granted: 300 });
  net.add(r.node);
  const { ua, node } = makeUa('1000', 5070, proxy);
  net.add(node);
  ua.register(0);
  net.flush();
  assert.is(ua.registrationState, 'registered');
  assert.is(r.seen.length, 2);
  assert.not.ok(r.seen[0]!.headers.has('Authorization'));
  assert.match(r.seen[1]!.headers.get('Authorization')!, /^Digest .*username="1000"/);
  const evs = net.eventsOf(node);
  assert.ok(evs.some((e) => e.type === 'registration' && e.state === 'registered' && e.expiresS === 300));
  // the registrar also lists a binding this device did not make: stolen credentials?
  assert.equal(evs.at(-1), { type: 'foreign-bindings', contacts: [{ contact: 'sip:1000@198.51.100.7:5060', expiresS: 100 }], removing: false });
  // refresh at 300 - max(30, 30) = 270 s, with a new challenge round trip
  net.advanceTo(269_000);
  assert.is(r.seen.length, 2);
  net.advanceTo(270_000);
  assert.is(r.seen.length, 4);
  assert.is(ua.registrationState, 'registered');
  assert.is(r.seen[2]!.headers.get('Call-ID'), r.seen[0]!.headers.get('Call-ID'));
  assert.ok(parseInt(r.seen[2]!.headers.get('CSeq')!, 10) > parseInt(r.seen[1]!.headers.get('CSeq')!, 10));
});

reg('honours Retry-After on 503, 423 Min-Expires, and backs off for long after 403', () => {
  const net = new Net();
  const proxy: Endpoint = { address: '10.0.0.9', port: 5060, transport: 'udp' };
  const r = fakeRegistrar(proxy, { fail: [[503, [['Retry-After', '45']]], [423, [['Min-Expires', '1200']]]] });
  net.add(r.node);
  const { ua, node } = makeUa('1000', 5070, proxy);
  net.add(node);
  ua.register(0);
  net.flush();
  assert.is(ua.registrationState, 'retry-wait');
  assert.equal(net.eventsOf(node).at(-1), { type: 'registration', state: 'retry-wait', reason: '503 Service Unavailable', retryInS: 45 });
  net.advanceTo(44_999);
  assert.is(r.seen.length, 1);
  net.advanceTo(45_000);
  assert.is(ua.registrationState, 'registered');
  assert.is(r.seen[1]!.headers.get('Expires'), '600');
  assert.is(r.seen[2]!.headers.get('Expires'), '1200', 'retried with Min-Expires after 423');

  const net2 = new Net();
  const r2 = fakeRegistrar(proxy, { fail: [[403, []]] });
  net2.add(r2.node);
  const b = makeUa('1000', 5072, proxy);
  net2.add(b.node);
  b.ua.register(0);
  net2.flush();
  net2.advanceTo(10_000); // past the transaction's Timer K
  assert.is(b.ua.registrationState, 'retry-wait');
  assert.is(b.ua.nextDeadline(), 1_200_000);
});

reg('a registrar that never answers: timeout, then jittered exponential backoff', () => {
  const net = new Net();
  const proxy: Endpoint = { address: '10.0.0.99', port: 5060, transport: 'udp' };
  const { ua, node } = makeUa('1000', 5070, proxy);
  net.add(node);
  ua.register(0);
  net.advanceTo(31_999);
  assert.is(ua.registrationState, 'registering');
  net.advanceTo(32_000);
  assert.is(ua.registrationState, 'retry-wait');
  const wait1 = ua.nextDeadline()! - 32_000;
  assert.ok(wait1 >= 15_000 && wait1 <= 30_000, `first wait ${wait1}`);
});

const calls = suite('UA calls');

function pair() {
  const net = new Net();
  const aEp: Endpoint = { address: '10.0.0.1', port: 5070, transport: 'udp' };
  const bEp: Endpoint = { address: '10.0.0.1', port: 5080, transport: 'udp' };
  const a = makeUa('1000', 5070, bEp); // A's "proxy" is B itself
  const b = makeUa('2000', 5080, aEp);
  net.add(a.node);
  net.add(b.node);
  return { net, a, b };
}

calls('call, ring, answer, ACK, media negotiated both ways, hang up with BYE', () => {
  const { net, a, b } = pair();
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  const inc = net.eventsOf(b.node).find((e) => e.type === 'incoming-call');
  assert.ok(inc && inc.type === 'incoming-call' && inc.hasOffer);
  assert.is(inc.callId, id);
  b.ua.ringing(id, 10);
  net.flush();
  assert.equal(net.eventsOf(a.node).find((e) => e.type === 'call-progress'), { type: 'call-progress', callId: id, status: 180 });
  const mb = b.ua.answer(id, { address: '10.0.0.1', port: 17000 }, 20);
  net.flush();
  assert.is(mb!.remotePort, 16000);
  assert.is(mb!.encoding, 'PCMU');
  const ans = net.eventsOf(a.node).find((e) => e.type === 'call-answered');
  assert.ok(ans && ans.type === 'call-answered' && ans.media.remotePort === 17000 && ans.media.encoding === 'PCMU');
  assert.ok(net.log.some((l) => / ACK sip:2000@/.test(l)), 'ACK sent to the Contact');
  net.advance(40_000); // no retransmissions of the 200 once ACKed, no spurious timeouts
  assert.not.ok(net.eventsOf(b.node).some((e) => e.type === 'call-ended'));
  a.ua.hangup(id, net.now);
  net.flush();
  assert.equal(net.eventsOf(b.node).at(-1), { type: 'call-ended', callId: id, reason: 'remote-hangup' });
  assert.equal(net.eventsOf(a.node).at(-1), { type: 'call-ended', callId: id, reason: 'local-hangup' });
});

calls('the caller hangs up while it rings: CANCEL, 487, both sides end', () => {
  const { net, a, b } = pair();
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  b.ua.ringing(id, 0);
  net.flush();
  a.ua.hangup(id, 100);
  net.flush();
  assert.ok(net.log.some((l) => / CANCEL /.test(l)));
  assert.equal(net.eventsOf(b.node).at(-1), { type: 'call-ended', callId: id, reason: 'cancelled', status: 487 });
  assert.equal(net.eventsOf(a.node).at(-1), { type: 'call-ended', callId: id, reason: 'cancelled', status: 487 });
});

calls('a lost INVITE is retransmitted after T1; a busy callee gives 486 to the caller', () => {
  const { net, a, b } = pair();
  let dropped = 0;
  net.drop = (d) => d.toString().startsWith('INVITE') && dropped++ === 0;
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  assert.not.ok(net.eventsOf(b.node).some((e) => e.type === 'incoming-call'));
  net.advanceTo(500);
  assert.ok(net.eventsOf(b.node).some((e) => e.type === 'incoming-call'));
  b.ua.reject(id, 486, net.now);
  net.flush();
  assert.equal(net.eventsOf(a.node).at(-1), { type: 'call-ended', callId: id, reason: 'rejected', status: 486 });
});

calls('far end hangs up: BYE from the callee ends the caller with remote-hangup; BYE for an unknown dialog gets 481', () => {
  const { net, a, b } = pair();
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  b.ua.answer(id, { address: '10.0.0.1', port: 17000 }, 0);
  net.flush();
  b.ua.hangup(id, 10);
  net.flush();
  assert.equal(net.eventsOf(a.node).at(-1), { type: 'call-ended', callId: id, reason: 'remote-hangup' });
  const bye = parseMessage(Buffer.from(
    'BYE sip:1000@10.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5080;branch=z9hG4bKzz\r\nMax-Forwards: 70\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:1000@lab.test>;tag=2\r\nCall-ID: nope\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n',
  ));
  a.ua.receive(serializeMessage(bye), { address: '10.0.0.1', port: 5080, transport: 'udp' }, net.now);
  const out = a.ua.poll();
  assert.ok(out && out.type === 'transmit' && out.data.toString().startsWith('SIP/2.0 481'));
});

calls('OPTIONS is answered 200 with Allow; garbage gets 400 when it can be answered; unknown methods 501', () => {
  const { a } = pair();
  const from: Endpoint = { address: '10.0.0.5', port: 5099, transport: 'udp' };
  const req = (m: string) =>
    Buffer.from(`${m} sip:1000@10.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5099;branch=z9hG4bK${m}\r\nMax-Forwards: 70\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:1000@lab.test>\r\nCall-ID: c-${m}\r\nCSeq: 1 ${m}\r\nContent-Length: 0\r\n\r\n`);
  const first = (): string => {
    for (let o = a.ua.poll(); o; o = a.ua.poll()) if (o.type === 'transmit') return o.data.toString();
    return '';
  };
  a.ua.receive(req('OPTIONS'), from, 0);
  const ok = first();
  assert.match(ok, /^SIP\/2.0 200/);
  assert.match(ok, /Allow: INVITE, ACK, CANCEL, BYE, OPTIONS/);
  a.ua.receive(req('FOOBAR'), from, 0);
  assert.match(first(), /^SIP\/2.0 501/);
  a.ua.receive(Buffer.from(req('INVITE').toString().replace('CSeq: 1 INVITE', 'CSeq: x INVITE')), from, 0);
  assert.match(first(), /^SIP\/2.0 400/);
});

calls('hold and resume by re-INVITE: directions flip on both sides', () => {
  const { net, a, b } = pair();
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  b.ua.answer(id, { address: '10.0.0.1', port: 17000 }, 0);
  net.flush();
  assert.ok(a.ua.hold(id, true, 10));
  net.flush();
  const lastMedia = (n: typeof a.node) => [...net.eventsOf(n)].reverse().find((e) => e.type === 'call-media');
  const am = lastMedia(a.node);
  const bm = lastMedia(b.node);
  assert.ok(am && am.type === 'call-media' && am.media.direction === 'sendonly', JSON.stringify(am));
  assert.ok(bm && bm.type === 'call-media' && bm.media.direction === 'recvonly', JSON.stringify(bm));
  a.ua.hold(id, false, 20);
  net.flush();
  const am2 = lastMedia(a.node);
  assert.ok(am2 && am2.type === 'call-media' && am2.media.direction === 'sendrecv');
});

calls('glare: both sides re-INVITE at once, both get 491, both retry and succeed', () => {
  const { net, a, b } = pair();
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  b.ua.answer(id, { address: '10.0.0.1', port: 17000 }, 0);
  net.flush();
  // both send before either receives
  a.ua.hold(id, true, 100);
  b.ua.hold(id, true, 100);
  net.flush();
  assert.ok(net.log.filter((l) => / SIP\/2\.0 491/.test(l) || /-> .* SIP\/2\.0 491/.test(l)).length >= 0);
  assert.equal(net.log.filter((l) => l.includes('SIP/2.0 491')).length, 2, net.log.join('\n'));
  net.advance(5000);
  const final = (n: typeof a.node) => [...net.eventsOf(n)].reverse().find((e) => e.type === 'call-media');
  const am = final(a.node);
  const bm = final(b.node);
  assert.ok(am && am.type === 'call-media' && am.media.direction === 'inactive', JSON.stringify(am));
  assert.ok(bm && bm.type === 'call-media' && bm.media.direction === 'inactive', JSON.stringify(bm));
  assert.not.ok(net.eventsOf(a.node).some((e) => e.type === 'call-ended'));
});

calls('blind transfer: REFER in the dialog, 202, refer event with target, sipfrag NOTIFYs back to the transferor', () => {
  const { net, a, b } = pair();
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  b.ua.answer(id, { address: '10.0.0.1', port: 17000 }, 0);
  net.flush();
  assert.ok(b.ua.transfer(id, '3000', undefined, 10));
  net.flush();
  const refer = net.eventsOf(a.node).find((e) => e.type === 'refer');
  assert.ok(refer && refer.type === 'refer' && refer.target === 'sip:3000@lab.test', JSON.stringify(refer));
  assert.ok(net.log.some((l) => l.includes('SIP/2.0 202')));
  assert.ok(net.log.some((l) => l.includes(' NOTIFY ')), 'a 100 Trying NOTIFY goes back at once');
  assert.not.ok(net.eventsOf(b.node).some((e) => e.type === 'transfer-result'));
  a.ua.referProgress(id, 200, 'OK', 20);
  net.flush();
  assert.equal(net.eventsOf(b.node).find((e) => e.type === 'transfer-result'), { type: 'transfer-result', callId: id, ok: true, status: 200 });
});

calls('out-of-dialog REFER and unsolicited resync NOTIFY are refused; MWI NOTIFY is accepted', () => {
  const { a } = pair();
  const from: Endpoint = { address: '10.0.0.5', port: 5099, transport: 'udp' };
  const req = (m: string, extra: string, body = '') =>
    Buffer.from(`${m} sip:1000@10.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5099;branch=z9hG4bK${m}${extra.length}\r\nMax-Forwards: 70\r\nFrom: <sip:x@y>;tag=1\r\nTo: <sip:1000@lab.test>\r\nCall-ID: c-${m}-${extra.length}\r\nCSeq: 1 ${m}\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`);
  const reply = (): { status: string; events: string[] } => {
    let status = '';
    const events: string[] = [];
    for (let o = a.ua.poll(); o; o = a.ua.poll()) {
      if (o.type === 'transmit' && !status) status = o.data.toString().split('\r\n')[0]!;
      if (o.type === 'event') events.push(o.event.type);
    }
    return { status, events };
  };
  a.ua.receive(req('REFER', 'Refer-To: <sip:900123@lab.test>\r\n'), from, 0);
  assert.match(reply().status, /^SIP\/2.0 403/);
  a.ua.receive(req('NOTIFY', 'Event: check-sync\r\n'), from, 0);
  assert.match(reply().status, /^SIP\/2.0 403/);
  a.ua.receive(req('NOTIFY', 'Event: message-summary\r\nContent-Type: application/simple-message-summary\r\n', 'Messages-Waiting: yes\r\n'), from, 0);
  const r = reply();
  assert.match(r.status, /^SIP\/2.0 200/);
  assert.equal(r.events, ['mwi-notify']);
});

/** A node that answers INVITE with scripted responses (forking, redirects). */
function scripted(endpoint: Endpoint, answer: (req: SipRequest) => Array<{ status: number; tag: string; headers?: Array<[string, string]>; sdp?: boolean }>) {
  const out: Array<{ data: Buffer; destination: Endpoint }> = [];
  const seen: SipRequest[] = [];
  const sdp = 'v=0\r\no=x 1 1 IN IP4 10.0.0.7\r\ns=-\r\nc=IN IP4 10.0.0.7\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
  const node: NetNode = {
    endpoint,
    receive(data, from) {
      const req = parseMessage(data) as SipRequest;
      seen.push(req);
      if (req.kind !== 'request' || req.method === 'ACK') return;
      if (req.method !== 'INVITE') {
        out.push({ data: serializeMessage(createResponse(req, 200)), destination: from });
        return;
      }
      for (const r of answer(req)) {
        const resp = createResponse(req, r.status, undefined, {
          toTag: r.tag,
          headers: r.headers?.some(([n]) => n === 'Contact') ? r.headers : [['Contact', `<sip:peer-${r.tag}@10.0.0.7:5090>`], ...(r.headers ?? [])],
          ...(r.sdp ? { body: Buffer.from(sdp), contentType: 'application/sdp' } : {}),
        });
        out.push({ data: serializeMessage(resp), destination: from });
      }
    },
    handleTimeout: () => {},
    nextDeadline: () => undefined,
    drain: () => ({ transmits: out.splice(0), events: [] }),
  };
  return { node, seen };
}

calls('forking: a second 2xx from another branch is ACKed and ended with BYE; the call keeps the first', () => {
  const net = new Net();
  const proxyEp: Endpoint = { address: '10.0.0.9', port: 5060, transport: 'udp' };
  const p = scripted(proxyEp, () => [
    { status: 200, tag: 'fork1', sdp: true },
    { status: 200, tag: 'fork2', sdp: true },
  ]);
  net.add(p.node);
  // the forked dialogs' Contacts live on 10.0.0.7:5090: route them to the same scripted node
  const p2 = scripted({ address: '10.0.0.7', port: 5090, transport: 'udp' }, () => []);
  net.add(p2.node);
  const a = makeUa('1000', 5070, proxyEp);
  net.add(a.node);
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  assert.is(net.eventsOf(a.node).filter((e) => e.type === 'call-answered').length, 1);
  const acks = p2.seen.filter((r) => r.method === 'ACK');
  const byes = p2.seen.filter((r) => r.method === 'BYE');
  assert.equal(acks.map((r) => r.uri).sort(), ['sip:peer-fork1@10.0.0.7:5090', 'sip:peer-fork2@10.0.0.7:5090']);
  assert.equal(byes.map((r) => r.uri), ['sip:peer-fork2@10.0.0.7:5090']);
  assert.not.ok(net.eventsOf(a.node).some((e) => e.type === 'call-ended'));
  void id;
});

calls('a 302 redirect is followed to its Contact', () => {
  const net = new Net();
  const proxyEp: Endpoint = { address: '10.0.0.9', port: 5060, transport: 'udp' };
  const p = scripted(proxyEp, (req) =>
    req.uri.startsWith('sip:2000@') ? [{ status: 302, tag: 'r1', headers: [['Contact', '<sip:5550000@lab.test>']] }] : [{ status: 200, tag: 'ok', sdp: true }],
  );
  net.add(p.node);
  const p2 = scripted({ address: '10.0.0.7', port: 5090, transport: 'udp' }, () => []);
  net.add(p2.node);
  const a = makeUa('1000', 5070, proxyEp);
  net.add(a.node);
  a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  const invites = p.seen.filter((r) => r.method === 'INVITE').map((r) => r.uri);
  assert.equal(invites, ['sip:2000@lab.test', 'sip:5550000@lab.test']);
  assert.ok(net.eventsOf(a.node).some((e) => e.type === 'call-answered'));
});

calls('100rel as UAS: a required reliable 180 carries RSeq, is retransmitted until PRACK, and the PRACK gets 200', () => {
  const b = makeUa('2000', 5080, { address: '10.0.0.9', port: 5060, transport: 'udp' });
  const from: Endpoint = { address: '10.0.0.9', port: 5060, transport: 'udp' };
  const invite = Buffer.from(
    'INVITE sip:2000@10.0.0.1:5080 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKrel1\r\nMax-Forwards: 70\r\nFrom: <sip:1000@lab.test>;tag=caller\r\nTo: <sip:2000@lab.test>\r\nCall-ID: rel-1\r\nCSeq: 7 INVITE\r\nContact: <sip:1000@10.0.0.9:5060>\r\nRequire: 100rel\r\nContent-Length: 0\r\n\r\n',
  );
  const sent = (): string[] => {
    const out: string[] = [];
    for (let o = b.ua.poll(); o; o = b.ua.poll()) if (o.type === 'transmit') out.push(o.data.toString());
    return out;
  };
  b.ua.receive(invite, from, 0);
  sent();
  b.ua.ringing('rel-1', 10);
  const ringing = sent().find((m) => m.startsWith('SIP/2.0 180'))!;
  assert.match(ringing, /Require: 100rel/);
  const rseq = /RSeq: (\d+)/.exec(ringing)![1];
  const toTag = /To: .*;tag=([^\r;]+)/.exec(ringing)![1];
  b.ua.handleTimeout(510);
  assert.ok(sent().some((m) => m.startsWith('SIP/2.0 180')), 'retransmitted after T1');
  const prack = Buffer.from(
    `PRACK sip:2000@10.0.0.1:5080 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKpr1\r\nMax-Forwards: 70\r\nFrom: <sip:1000@lab.test>;tag=caller\r\nTo: <sip:2000@lab.test>;tag=${toTag}\r\nCall-ID: rel-1\r\nCSeq: 8 PRACK\r\nRAck: ${rseq} 7 INVITE\r\nContent-Length: 0\r\n\r\n`,
  );
  b.ua.receive(prack, from, 600);
  assert.ok(sent().some((m) => m.startsWith('SIP/2.0 200') && m.includes('PRACK')));
  b.ua.handleTimeout(1600);
  b.ua.handleTimeout(3600);
  assert.not.ok(sent().some((m) => m.startsWith('SIP/2.0 180')), 'no more retransmissions once PRACKed');
});

calls('100rel as UAC: a reliable 183 is PRACKed with the right RAck', () => {
  const net = new Net();
  const proxyEp: Endpoint = { address: '10.0.0.9', port: 5060, transport: 'udp' };
  const p = scripted(proxyEp, () => [{ status: 183, tag: 'e1', headers: [['Require', '100rel'], ['RSeq', '42']] }]);
  net.add(p.node);
  const p2 = scripted({ address: '10.0.0.7', port: 5090, transport: 'udp' }, () => []);
  net.add(p2.node);
  const a = makeUa('1000', 5070, proxyEp);
  net.add(a.node);
  a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  const prack = p2.seen.find((r) => r.method === 'PRACK');
  assert.ok(prack, 'PRACK sent to the early dialog target');
  assert.is(prack!.headers.get('RAck'), '42 1 INVITE');
});

calls('session timers: the caller refreshes at half the interval; when refreshes stop, the callee ends the call', () => {
  const { net, a, b } = pair();
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  b.ua.answer(id, { address: '10.0.0.1', port: 17000 }, 0);
  net.flush();
  assert.ok(net.log.some((l) => l.includes('SIP/2.0 200')));
  const reinvites = () => net.log.filter((l) => / INVITE sip:2000@/.test(l) && !l.includes('lab.test')).length;
  net.advanceTo(899_000);
  assert.is(reinvites(), 0);
  net.advanceTo(901_000);
  assert.is(reinvites(), 1, 'refresh re-INVITE at 900 s');
  net.advanceTo(3_000_000);
  assert.not.ok(net.eventsOf(b.node).some((e) => e.type === 'call-ended'), 'refreshed calls stay up');
  // the caller vanishes: its refreshes stop reaching the callee
  net.drop = (d, f) => f.port === 5070;
  net.advanceTo(6_000_000);
  assert.ok(net.eventsOf(b.node).some((e) => e.type === 'call-ended'), 'the callee ended the expired session');
});

calls('SRTP required on both sides: RTP/SAVP with SDES keys, each side decrypts with the other side\'s key', () => {
  const net = new Net();
  const aEp: Endpoint = { address: '10.0.0.1', port: 5070, transport: 'udp' };
  const bEp: Endpoint = { address: '10.0.0.1', port: 5080, transport: 'udp' };
  const a = makeUa('1000', 5070, bEp, 'required');
  const b = makeUa('2000', 5080, aEp, 'optional');
  net.add(a.node);
  net.add(b.node);
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  assert.ok(net.log.some((l) => l.includes('INVITE sip:2000@lab.test')));
  const mb = b.ua.answer(id, { address: '10.0.0.1', port: 17000 }, 0)!;
  net.flush();
  const ans = net.eventsOf(a.node).find((e) => e.type === 'call-answered');
  assert.ok(ans && ans.type === 'call-answered' && ans.media.srtp && mb.srtp, 'both sides have keys');
  if (ans?.type === 'call-answered') {
    assert.equal(Buffer.from(ans.media.srtp!.local.key), Buffer.from(mb.srtp!.remote.key));
    assert.equal(Buffer.from(ans.media.srtp!.remote.key), Buffer.from(mb.srtp!.local.key));
  }
});

calls('SRTP required at the callee but the caller offers plain RTP: 488', () => {
  const net = new Net();
  const aEp: Endpoint = { address: '10.0.0.1', port: 5070, transport: 'udp' };
  const bEp: Endpoint = { address: '10.0.0.1', port: 5080, transport: 'udp' };
  const a = makeUa('1000', 5070, bEp, 'off');
  const b = makeUa('2000', 5080, aEp, 'required');
  net.add(a.node);
  net.add(b.node);
  const id = a.ua.invite('2000', { address: '10.0.0.1', port: 16000 }, 0);
  net.flush();
  assert.not.ok(net.eventsOf(b.node).some((e) => e.type === 'incoming-call'));
  assert.equal(net.eventsOf(a.node).at(-1), { type: 'call-ended', callId: id, reason: 'rejected', status: 488 });
});

reg.run();
calls.run();
