/**
 * RFC 3263 server location with failover, for real: a local dnsmasq serves NAPTR/SRV/A records
 * for lab.test that list two registrars, the preferred one down; node:dns (Resolver.setServers)
 * finds them, the UA core's REGISTER goes to the first, fails (TCP: connection refused; UDP: no
 * answer until Timer F), and the second target, a real Kamailio, registers the line.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../firmware/core/log.js';
import { createSystemClock } from '../../firmware/core/system-clock.js';
import type { Endpoint } from '../../firmware/sip/message/types.js';
import { NodeDnsResolver } from '../../firmware/sip/resolve/node-dns-resolver.js';
import type { SipTarget } from '../../firmware/sip/resolve/server-locator.js';
import { ServerTargets } from '../../firmware/sip/resolve/server-targets.js';
import { destinationFromUri } from '../../firmware/sip/resolve/sip-destination.js';
import type { TargetFailure } from '../../firmware/sip/resolve/target-list.js';
import type { SipTransport, TransportEvent } from '../../firmware/sip/transport/sip-transport.js';
import { openStreamTransport } from '../../firmware/sip/transport/stream-transport.js';
import { openUdpTransport } from '../../firmware/sip/transport/udp-transport.js';
import { startKamailio } from './support/kamailio.js';
import { spawnProc, stopAll } from './support/processes.js';
import type { Proc } from './support/processes.js';
import { freePort, until, waitListening } from '../unit/transport/support/sockets.js';
import { uaOver } from '../unit/transport/support/ua-over-transport.js';
import type { UaHarness } from '../unit/transport/support/ua-over-transport.js';

const e2e = suite('e2e: RFC 3263 SRV failover with a local DNS server');
const clock = createSystemClock();
let kam: Proc;
let dnsmasq: Proc;
let dnsPort: number;
let kamPort: number;
let deadTcp: number;
let deadUdp: number;

e2e.before(async () => {
  kamPort = await freePort();
  deadTcp = await freePort();
  deadUdp = await freePort();
  dnsPort = await freePort();
  kam = await startKamailio({ port: kamPort, extraDefines: ['WITH_TCP', `LISTEN_TCP=tcp:127.0.0.1:${kamPort}`] });
  await waitListening(kamPort, 'kamailio tcp');
  dnsmasq = spawnProc('dnsmasq', 'dnsmasq', [
    '-k', '--conf-file=/dev/null', `--port=${dnsPort}`, '--listen-address=127.0.0.1', '--bind-interfaces',
    '--no-resolv', '--no-hosts', '--pid-file=', '--user=root', '--log-queries', '--log-facility=-', '--local-ttl=60',
    '--local=/lab.test/',
    // NAPTR: TCP first, then UDP; each SRV lists the dead server first (priority 10), Kamailio second (20)
    '--naptr-record=lab.test,10,10,S,SIP+D2T,,_sip._tcp.lab.test',
    '--naptr-record=lab.test,20,10,S,SIP+D2U,,_sip._udp.lab.test',
    `--srv-host=_sip._tcp.lab.test,sip-a.lab.test,${deadTcp},10,100`,
    `--srv-host=_sip._tcp.lab.test,sip-b.lab.test,${kamPort},20,100`,
    `--srv-host=_sip._udp.lab.test,sip-a.lab.test,${deadUdp},10,100`,
    `--srv-host=_sip._udp.lab.test,sip-b.lab.test,${kamPort},20,100`,
    '--host-record=sip-a.lab.test,127.0.0.1',
    '--host-record=sip-b.lab.test,127.0.0.1',
  ]);
  await dnsmasq.waitFor(/started, version/, 10_000);
});

e2e.after(async () => {
  await stopAll();
});

function targets(uri: string, transports: Array<Endpoint['transport']>): ServerTargets {
  return new ServerTargets({
    destination: destinationFromUri(uri),
    dns: new NodeDnsResolver({ servers: [`127.0.0.1:${dnsPort}`], timeoutMs: 2000, tries: 1 }),
    clock,
    log: memoryLogger(),
    locate: { transports, families: 'ipv4' },
  });
}

e2e('node:dns through dnsmasq: NAPTR → SRV → A gives both registrars, the preferred (dead) one first', async () => {
  const t = targets('sip:lab.test', ['udp', 'tcp']);
  await t.current();
  const list = t.list.list().map((x) => `${x.transport}:${x.address}:${x.port}:${x.via}`);
  assert.equal(list, [
    `tcp:127.0.0.1:${deadTcp}:naptr`, `tcp:127.0.0.1:${kamPort}:naptr`,
    `udp:127.0.0.1:${deadUdp}:naptr`, `udp:127.0.0.1:${kamPort}:naptr`,
  ]);
  assert.is(t.list.list()[0]!.serverName, 'lab.test');
  assert.match(dnsmasq.output(), /query\[NAPTR\] lab\.test/);
  assert.match(dnsmasq.output(), /query\[SRV\] _sip\._tcp\.lab\.test/);
});

/** Register through `st`, moving to the next target whenever `outcomeOf` says the current one failed (RFC 3263 §4.3). */
async function registerWithFailover(
  st: ServerTargets,
  transport: SipTransport,
  local: Endpoint,
  inbox: { ua?: UaHarness },
  outcomeOf: (ua: UaHarness, target: SipTarget) => Promise<'registered' | TargetFailure>,
): Promise<{ tried: SipTarget[]; registeredAt: SipTarget }> {
  const tried: SipTarget[] = [];
  for (;;) {
    const target = await st.current();
    tried.push(target);
    const ua = uaOver(transport, { local, proxy: target, clock, log: memoryLogger(), timers: { T1: 50, T2: 400, T4: 500 } });
    inbox.ua = ua;
    ua.register();
    const outcome = await outcomeOf(ua, target);
    if (outcome === 'registered') {
      st.succeeded(target);
      await ua.unregister();
      ua.stop();
      return { tried, registeredAt: target };
    }
    ua.stop();
    if (!st.failed(target, outcome)) throw new Error('every target failed');
  }
}

e2e('TCP: the first SRV target refuses the connection; the REGISTER goes to the second and succeeds', async () => {
  const st = targets('sip:lab.test', ['tcp']);
  const events: TransportEvent[] = [];
  const inbox: { ua?: UaHarness } = {};
  const tcp = await openStreamTransport(
    { transport: 'tcp', clock, log: memoryLogger(), listen: { address: '127.0.0.1', port: 0 } },
    { onMessage: (d, f) => inbox.ua?.receive(d, f), onEvent: (e) => events.push(e) },
  );
  const result = await registerWithFailover(st, tcp, { address: '127.0.0.1', port: tcp.port, transport: 'tcp' }, inbox, async (ua, target) => {
    await until(
      () => ua.events.some((e) => e.type === 'registration' && e.state === 'registered') || events.some((e) => e.type === 'connection-failed' && e.remote.port === target.port),
      'registered or connection-failed',
      15_000,
    );
    return ua.events.some((e) => e.type === 'registration' && e.state === 'registered') ? 'registered' : 'connect-failed';
  });
  assert.equal(result.tried.map((t) => t.port), [deadTcp, kamPort]);
  assert.is(result.registeredAt.port, kamPort);
  const failed = events.find((e) => e.type === 'connection-failed');
  assert.ok(failed?.type === 'connection-failed' && failed.remote.port === deadTcp && failed.error.code === 'connect-failed');
  assert.ok((kam.output().match(/REQ REGISTER/g) ?? []).length >= 2, 'Kamailio got the REGISTERs');
  assert.is(st.list.current()?.port, kamPort, 'the working target is remembered');
  await tcp.close();
});

e2e('UDP: the first SRV target never answers (Timer F); the next REGISTER goes to the second and succeeds', async () => {
  const st = targets('sip:lab.test;transport=udp', ['udp']);
  const inbox: { ua?: UaHarness } = {};
  const udp = await openUdpTransport('127.0.0.1', 0, (d, f) => inbox.ua?.receive(d, f));
  const result = await registerWithFailover(st, udp, { address: '127.0.0.1', port: udp.port, transport: 'udp' }, inbox, async (ua) => {
    await until(() => ua.events.some((e) => e.type === 'registration' && (e.state === 'registered' || e.state === 'retry-wait')), 'an outcome', 15_000);
    const e = ua.events.find((x) => x.type === 'registration' && (x.state === 'registered' || x.state === 'retry-wait'));
    if (e?.type === 'registration' && e.state === 'retry-wait') {
      assert.match(e.reason ?? '', /timeout/);
      return 'timeout';
    }
    return 'registered' as const;
  });
  assert.equal(result.tried.map((t) => `${t.transport}:${t.port}`), [`udp:${deadUdp}`, `udp:${kamPort}`]);
  await udp.close();
});

e2e('the TTL of the list is honoured on the (fake) clock: re-resolution after local-ttl', async () => {
  const fake = new FakeClock(0);
  const st = new ServerTargets({
    destination: destinationFromUri('sip:lab.test;transport=tcp'),
    dns: new NodeDnsResolver({ servers: [`127.0.0.1:${dnsPort}`] }),
    clock: fake,
    log: memoryLogger(),
    locate: { families: 'ipv4' },
  });
  await st.current();
  assert.is(st.list.nextDeadline(), 60_000, 'A records carry --local-ttl=60; SRV has no TTL in node:dns (default 300)');
  const queries = () => (dnsmasq.output().match(/query\[SRV\] _sip\._tcp\.lab\.test/g) ?? []).length;
  const before = queries();
  fake.advance(59_999);
  await st.current();
  fake.advance(1);
  await st.current();
  await until(() => queries() > before, 'a new SRV query', 5000);
  assert.is(queries(), before + 1, 'exactly one re-resolution');
});

e2e.run();
