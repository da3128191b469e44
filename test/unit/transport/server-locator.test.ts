import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isDnsError } from '../../../firmware/sip/resolve/dns.js';
import { locateSipServer, srvName } from '../../../firmware/sip/resolve/server-locator.js';
import type { SipTarget } from '../../../firmware/sip/resolve/server-locator.js';
import { destinationFromHost, destinationFromUri } from '../../../firmware/sip/resolve/sip-destination.js';
import { FakeDns } from './support/fake-dns.js';
import { seededRandom } from './support/seeded-random.js';

const naptr = (order: number, preference: number, service: string, replacement: string, flags = 's') => ({
  order, preference, flags, service, regexp: '', replacement,
});
const srv = (name: string, port: number, priority = 10, weight = 0, ttl?: number) => ({ name, port, priority, weight, ...(ttl !== undefined ? { ttl } : {}) });
const brief = (ts: SipTarget[]) => ts.map((t) => `${t.transport}:${t.address}:${t.port}`);

/** example.com: a full RFC 3263 zone with NAPTR for three transports. */
function exampleZone(): FakeDns {
  return new FakeDns({
    naptr: {
      'example.com': [
        naptr(90, 50, 'SIP+D2U', '_sip._udp.example.com'),
        naptr(90, 40, 'SIP+D2T', '_sip._tcp.example.com'),
        naptr(50, 50, 'SIPS+D2T', '_sips._tcp.example.com'),
        naptr(10, 10, 'SIP+D2S', '_sip._sctp.example.com'), // SCTP: not supported, skipped
        naptr(10, 10, 'SIP+D2U', 'ignored.example.com', 'a'), // not an "s" record: skipped
      ],
    },
    srv: {
      '_sip._udp.example.com': [srv('udp1.example.com', 5060, 10), srv('udp2.example.com', 5062, 20)],
      '_sip._tcp.example.com': [srv('tcp1.example.com', 5060)],
      '_sips._tcp.example.com': [srv('tls1.example.com', 5061)],
    },
    a: {
      'udp1.example.com': ['192.0.2.1'],
      'udp2.example.com': ['192.0.2.2'],
      'tcp1.example.com': ['192.0.2.3'],
      'tls1.example.com': ['192.0.2.4'],
      'example.com': ['192.0.2.100'],
    },
    aaaa: { 'tls1.example.com': ['2001:db8::4'] },
  });
}

test('a numeric IPv4 host is used as it is: UDP for sip:, no DNS at all', async () => {
  const dns = exampleZone();
  const r = await locateSipServer(destinationFromUri('sip:192.0.2.9'), dns);
  assert.equal(brief(r.targets), ['udp:192.0.2.9:5060']);
  assert.is(r.ttlS, Infinity);
  assert.is(r.targets[0]!.serverName, undefined);
  assert.equal(dns.queries, []);
});

test('a numeric IPv6 host in a sips: URI is TLS on 5061; an explicit transport and port are kept', async () => {
  const dns = exampleZone();
  assert.equal(brief((await locateSipServer(destinationFromUri('sips:[2001:db8::9]'), dns)).targets), ['tls:2001:db8::9:5061']);
  assert.equal(brief((await locateSipServer(destinationFromUri('sip:192.0.2.9:5080;transport=tcp'), dns)).targets), ['tcp:192.0.2.9:5080']);
  assert.equal(dns.queries, []);
});

test('an explicit port means A/AAAA only (no NAPTR, no SRV), IPv4 first then IPv6', async () => {
  const dns = exampleZone();
  const r = await locateSipServer(destinationFromUri('sip:tls1.example.com:5099'), dns);
  assert.equal(brief(r.targets), ['udp:192.0.2.4:5099', 'udp:2001:db8::4:5099']);
  assert.equal(dns.queries.sort(), ['A tls1.example.com', 'AAAA tls1.example.com']);
  assert.is(r.targets[0]!.serverName, 'tls1.example.com');
});

test('address family options: IPv6 first, or IPv4 only', async () => {
  const dns = exampleZone();
  const v6first = await locateSipServer(destinationFromUri('sip:tls1.example.com:5099'), dns, { families: 'ipv6-first' });
  assert.equal(brief(v6first.targets), ['udp:2001:db8::4:5099', 'udp:192.0.2.4:5099']);
  const v4only = await locateSipServer(destinationFromUri('sip:tls1.example.com:5099'), dns, { families: 'ipv4' });
  assert.equal(brief(v4only.targets), ['udp:192.0.2.4:5099']);
});

test('NAPTR: supported services in order/preference, each through SRV then A/AAAA', async () => {
  const dns = exampleZone();
  const r = await locateSipServer(destinationFromUri('sip:example.com'), dns, { random: seededRandom(1) });
  assert.equal(brief(r.targets), [
    'tls:192.0.2.4:5061', 'tls:2001:db8::4:5061', // SIPS+D2T order 50
    'tcp:192.0.2.3:5060', // SIP+D2T order 90 pref 40
    'udp:192.0.2.1:5060', 'udp:192.0.2.2:5062', // SIP+D2U order 90 pref 50; SRV priority 10 then 20
  ]);
  assert.ok(r.targets.every((t) => t.via === 'naptr' && t.serverName === 'example.com'));
  assert.not.ok(dns.queries.includes('SRV _sip._sctp.example.com'), 'SCTP is not looked up');
  assert.not.ok(dns.queries.includes('SRV ignored.example.com'), 'non-"s" NAPTR records are not followed');
});

test('NAPTR services the client does not enable are skipped; a sips: URI only takes SIPS+D2T', async () => {
  const noTls = await locateSipServer(destinationFromUri('sip:example.com'), exampleZone(), { transports: ['udp', 'tcp'] });
  assert.ok(noTls.targets.every((t) => t.transport !== 'tls'));
  assert.is(noTls.targets[0]!.transport, 'tcp');
  const secure = await locateSipServer(destinationFromUri('sips:example.com'), exampleZone());
  assert.equal(brief(secure.targets), ['tls:192.0.2.4:5061', 'tls:2001:db8::4:5061']);
});

test('an explicit transport without a port: SRV for that transport only', async () => {
  const dns = exampleZone();
  const r = await locateSipServer(destinationFromUri('sip:example.com;transport=tcp'), dns);
  assert.equal(brief(r.targets), ['tcp:192.0.2.3:5060']);
  assert.not.ok(dns.queries.some((q) => q.startsWith('NAPTR')));
  assert.ok(dns.queries.includes('SRV _sip._tcp.example.com'));
});

test('no NAPTR: SRV for each transport in the client preference (_sips._tcp for TLS)', async () => {
  const dns = new FakeDns({
    srv: {
      '_sip._tcp.lab.test': [srv('b.lab.test', 5070)],
      '_sips._tcp.lab.test': [srv('c.lab.test', 5071)],
      '_sip._udp.lab.test': [srv('a.lab.test', 5060)],
    },
    a: { 'a.lab.test': ['10.0.0.1'], 'b.lab.test': ['10.0.0.2'], 'c.lab.test': ['10.0.0.3'] },
  });
  const r = await locateSipServer(destinationFromHost('lab.test'), dns, { transports: ['tcp', 'tls', 'udp'] });
  assert.equal(brief(r.targets), ['tcp:10.0.0.2:5070', 'tls:10.0.0.3:5071', 'udp:10.0.0.1:5060']);
  assert.ok(r.targets.every((t) => t.via === 'srv'));
  assert.is(srvName('lab.test', 'tls', false), '_sips._tcp.lab.test');
  assert.is(srvName('lab.test', 'tcp', true), '_sips._tcp.lab.test');
});

test('no NAPTR and no SRV: A/AAAA at the default port, UDP for sip:, TLS (5061) for sips:', async () => {
  const dns = new FakeDns({ a: { 'pbx.lab.test': ['10.1.1.1'] }, aaaa: { 'pbx.lab.test': ['fd00::1'] } });
  assert.equal(brief((await locateSipServer(destinationFromHost('pbx.lab.test'), dns)).targets), ['udp:10.1.1.1:5060', 'udp:fd00::1:5060']);
  assert.equal(brief((await locateSipServer(destinationFromUri('sips:pbx.lab.test'), dns)).targets), ['tls:10.1.1.1:5061', 'tls:fd00::1:5061']);
  assert.equal(brief((await locateSipServer(destinationFromHost('pbx.lab.test'), dns, { transports: ['tcp'] })).targets), ['tcp:10.1.1.1:5060', 'tcp:fd00::1:5060']);
});

test('SRV weights decide the order within a priority (seeded random), priorities always hold', async () => {
  const zone = {
    srv: { '_sip._udp.w.test': [srv('light.w.test', 5060, 10, 1), srv('heavy.w.test', 5060, 10, 9), srv('backup.w.test', 5060, 20, 100)] },
    a: { 'light.w.test': ['10.0.0.1'], 'heavy.w.test': ['10.0.0.9'], 'backup.w.test': ['10.0.0.20'] },
  };
  const random = seededRandom(99);
  let heavyFirst = 0;
  for (let i = 0; i < 500; i++) {
    const r = await locateSipServer(destinationFromHost('w.test', { transport: 'udp' }), new FakeDns(zone), { random });
    assert.is(r.targets[2]!.address, '10.0.0.20', 'the priority-20 record is always last');
    if (r.targets[0]!.address === '10.0.0.9') heavyFirst++;
  }
  assert.ok(heavyFirst > 400 && heavyFirst < 500, `weight 9 of 10 first ${heavyFirst}/500 times`);
});

test('TTL: the smallest TTL of the records used; the default where the resolver gives none; bounded', async () => {
  const dns = new FakeDns({
    srv: { '_sip._udp.t.test': [srv('s.t.test', 5060, 1, 0, 120)] },
    a: { 's.t.test': [{ address: '10.0.0.1', ttl: 45 }], 'x.t.test': [{ address: '10.0.0.2', ttl: 1 }], 'y.t.test': [{ address: '10.0.0.3', ttl: 9000 }] },
  });
  assert.is((await locateSipServer(destinationFromHost('t.test', { transport: 'udp' }), dns)).ttlS, 45);
  assert.is((await locateSipServer(destinationFromHost('x.t.test:5060'), dns)).ttlS, 10, 'at least minTtlS');
  assert.is((await locateSipServer(destinationFromHost('y.t.test:5060'), dns, { maxTtlS: 600 })).ttlS, 600);
  const noTtl = new FakeDns({ srv: { '_sip._udp.n.test': [srv('s.n.test', 5060)] }, a: { 's.n.test': [{ address: '10.0.0.1', ttl: 3600 }] } });
  assert.is((await locateSipServer(destinationFromHost('n.test', { transport: 'udp' }), noTtl, { defaultTtlS: 77 })).ttlS, 77);
});

test('a failing query is survived when others answer; all failing is a dns-failed error; nothing found is no-targets', async () => {
  const dns = exampleZone();
  dns.failing.add('NAPTR example.com');
  const r = await locateSipServer(destinationFromUri('sip:example.com'), dns);
  assert.is(r.targets[0]!.via, 'srv', 'falls back to SRV queries');
  const dead = exampleZone();
  dead.failing.add('*');
  try {
    await locateSipServer(destinationFromUri('sip:example.com'), dead);
    assert.unreachable('should throw');
  } catch (e) {
    assert.ok(isDnsError(e) && e.code === 'dns-failed', String(e));
  }
  try {
    await locateSipServer(destinationFromUri('sip:nowhere.test'), exampleZone());
    assert.unreachable('should throw');
  } catch (e) {
    assert.ok(isDnsError(e) && e.code === 'no-targets', String(e));
  }
});

test('SRV targets of "." (service not offered) are dropped; duplicates are listed once', async () => {
  const dns = new FakeDns({
    srv: { '_sip._udp.d.test': [srv('.', 0, 1), srv('s.d.test', 5060, 2), srv('s.d.test', 5060, 3)] },
    a: { 's.d.test': ['10.0.0.5'] },
  });
  const r = await locateSipServer(destinationFromHost('d.test', { transport: 'udp' }), dns);
  assert.equal(brief(r.targets), ['udp:10.0.0.5:5060']);
});

test('TLS identity: the SIP domain by default (RFC 5922), or the SRV target host when asked', async () => {
  const byDomain = await locateSipServer(destinationFromUri('sips:example.com'), exampleZone());
  assert.is(byDomain.targets[0]!.serverName, 'example.com');
  const byTarget = await locateSipServer(destinationFromUri('sips:example.com'), exampleZone(), { tlsIdentity: 'target' });
  assert.is(byTarget.targets[0]!.serverName, 'tls1.example.com');
});

test('asking for a transport that is not enabled is refused', async () => {
  try {
    await locateSipServer(destinationFromUri('sips:example.com'), exampleZone(), { transports: ['udp', 'tcp'] });
    assert.unreachable('should throw');
  } catch (e) {
    assert.ok(isDnsError(e) && e.code === 'no-targets', String(e));
  }
});

test.run();
