/**
 * The stream transports against a real Kamailio (Debian 5.6, `tls` module from
 * kamailio-tls-modules) on loopback: the UA core registers with digest auth over TCP and over TLS
 * (server certificate from a test CA made with openssl, checked by name with SNI), Kamailio
 * answers our RFC 5626 pings, and a wrong name is refused before anything is sent.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSystemClock } from '../../firmware/core/system-clock.js';
import { memoryLogger } from '../../firmware/core/log.js';
import type { Endpoint, SipResponse } from '../../firmware/sip/message/types.js';
import { BindingMonitor } from '../../firmware/sip/nat/binding-monitor.js';
import { KeepAlive } from '../../firmware/sip/nat/keepalive.js';
import { KeepAliveRunner, keepAliveSender } from '../../firmware/sip/transport/keepalive-runner.js';
import type { TransportEvent, TransportTarget } from '../../firmware/sip/transport/sip-transport.js';
import { openStreamTransport } from '../../firmware/sip/transport/stream-transport.js';
import type { StreamTransport } from '../../firmware/sip/transport/stream-transport.js';
import { startKamailio } from './support/kamailio.js';
import { stopAll } from './support/processes.js';
import type { Proc } from './support/processes.js';
import { createTestCa } from '../unit/transport/support/test-ca.js';
import type { TestCa } from '../unit/transport/support/test-ca.js';
import { freePort, until, waitListening } from '../unit/transport/support/sockets.js';
import { uaOver } from '../unit/transport/support/ua-over-transport.js';
import type { UaHarness } from '../unit/transport/support/ua-over-transport.js';

const e2e = suite('e2e: SIP over TCP and TLS against Kamailio');
const clock = createSystemClock();
let kam: Proc;
let ca: TestCa;
let ports: { udp: number; tcp: number; tls: number };

e2e.before(async () => {
  ca = createTestCa();
  const cert = ca.issue('sip.lab.test', { dns: ['sip.lab.test'] });
  const tcp = await freePort();
  const tls = await freePort();
  ports = { udp: tcp, tcp, tls };
  kam = await startKamailio({
    port: ports.udp,
    extraDefines: ['WITH_TLS', `LISTEN_TCP=tcp:127.0.0.1:${ports.tcp}`, `LISTEN_TLS=tls:127.0.0.1:${ports.tls}`, `TLS_CERT="${cert.certPath}"`, `TLS_KEY="${cert.keyPath}"`],
  });
  await waitListening(ports.tcp, 'kamailio tcp');
  await waitListening(ports.tls, 'kamailio tls');
});

e2e.after(async () => {
  await stopAll();
  ca?.remove();
});

interface Rig {
  transport: StreamTransport;
  ua: UaHarness;
  events: TransportEvent[];
  responses: SipResponse[];
  /** What the UA handed to the transport. */
  sent: Buffer[];
}

async function rig(kind: 'tcp' | 'tls', proxy: TransportTarget): Promise<Rig> {
  const log = memoryLogger('info');
  const events: TransportEvent[] = [];
  const responses: SipResponse[] = [];
  let ua: UaHarness | undefined;
  const transport = await openStreamTransport(
    {
      transport: kind,
      clock,
      log,
      ...(kind === 'tcp' ? { listen: { address: '127.0.0.1', port: 0 } } : { tlsClient: { caFile: ca.certPath } }),
    },
    {
      onMessage: (data, from, message) => {
        if (message?.kind === 'response') responses.push(message);
        ua?.receive(data, from);
      },
      onEvent: (e) => events.push(e),
    },
  );
  const local: Endpoint = { address: '127.0.0.1', port: transport.port || 5060, transport: kind };
  const sent: Buffer[] = [];
  const recording = {
    get address() {
      return transport.address;
    },
    get port() {
      return transport.port;
    },
    send: (data: Buffer, to: TransportTarget) => {
      sent.push(data);
      return transport.send(data, to);
    },
    close: () => transport.close(),
  };
  ua = uaOver(recording, { local, proxy, clock, log });
  return { transport, ua, events, responses, sent };
}

e2e('REGISTER over TCP: challenged, answered, registered; one connection; the Contact says transport=tcp', async () => {
  const proxy: Endpoint = { address: '127.0.0.1', port: ports.tcp, transport: 'tcp' };
  const r = await rig('tcp', proxy);
  r.ua.register();
  await r.ua.waitRegistration('registered');
  const statuses = r.responses.map((m) => m.status);
  assert.ok(statuses.includes(401) && statuses.includes(200), `responses ${statuses.join(',')}`);
  const ok = r.responses.find((m) => m.status === 200)!;
  assert.match(ok.headers.getAll('Contact').join(','), new RegExp(`sip:1000@127\\.0\\.0\\.1:${r.transport.port};transport=tcp`));
  assert.match(ok.headers.get('Via') ?? '', /^SIP\/2\.0\/TCP /);
  const conns = r.transport.connections();
  assert.is(conns.length, 1, 'challenge and retry share one connection');
  assert.equal({ ...conns[0]!.remote }, proxy);
  assert.ok((kam.output().match(/REQ REGISTER/g) ?? []).length >= 2);

  // RFC 3581 over TCP: the registrar reports the source port of our connection
  const monitor = new BindingMonitor({ local: { address: '127.0.0.1', port: r.transport.port } });
  const learned = monitor.observe(ok);
  assert.is(learned?.type, 'binding-learned');
  assert.is(learned?.binding.address, '127.0.0.1');
  assert.ok(learned!.binding.port !== r.transport.port, 'an outbound connection comes from an ephemeral port');

  // RFC 5626 keep-alive on the flow: Kamailio (tcp_crlf_ping) answers every ping with a pong
  const lost: string[] = [];
  const runner = new KeepAliveRunner({
    core: new KeepAlive({ flow: proxy, intervalMs: 150, jitter: 0, responseTimeoutMs: 2000 }),
    clock,
    log: memoryLogger(),
    sendKeepAlive: keepAliveSender(r.transport),
    onLost: (reason) => lost.push(reason),
  });
  const unsubscribe = setInterval(() => {
    for (const e of r.events.splice(0)) if (e.type === 'pong') runner.pong(e.remote), pongs++;
  }, 5);
  let pongs = 0;
  runner.start();
  await until(() => pongs >= 3, 'three pongs from Kamailio', 5000);
  runner.stop();
  clearInterval(unsubscribe);
  assert.equal(lost, []);

  await r.ua.unregister();
  r.ua.stop();
  await r.transport.close();
});

e2e('REGISTER over TLS: certificate checked against the test CA by name (SNI sip.lab.test), registered', async () => {
  const proxy: TransportTarget = { address: '127.0.0.1', port: ports.tls, transport: 'tls', serverName: 'sip.lab.test' };
  const r = await rig('tls', proxy);
  r.ua.register();
  await r.ua.waitRegistration('registered');
  const ok = r.responses.find((m) => m.status === 200)!;
  assert.match(ok.headers.get('Via') ?? '', /^SIP\/2\.0\/TLS /);
  assert.match(ok.headers.getAll('Contact').join(','), /;transport=tls/);
  assert.ok(r.events.some((e) => e.type === 'connected' && e.remote.transport === 'tls'));
  assert.ok(r.transport.ping(proxy));
  await until(() => r.events.some((e) => e.type === 'pong'), 'a pong over TLS', 5000);
  await r.ua.unregister();
  r.ua.stop();
  await r.transport.close();
});

e2e('TLS to Kamailio under a name its certificate does not carry: refused, reported, nothing sent', async () => {
  const proxy: TransportTarget = { address: '127.0.0.1', port: ports.tls, transport: 'tls', serverName: 'other.lab.test' };
  const r = await rig('tls', proxy);
  r.ua.register();
  await until(() => r.events.some((e) => e.type === 'connection-failed'), 'connection-failed', 5000);
  const failed = r.events.find((e) => e.type === 'connection-failed');
  assert.ok(failed?.type === 'connection-failed' && failed.error.code === 'tls-verify-failed', JSON.stringify(failed));
  const callId = /Call-ID: (\S+)/.exec(r.sent[0]?.toString() ?? '')?.[1];
  assert.ok(callId, 'the UA did try to send a REGISTER');
  assert.not.ok(kam.output().includes(callId!), 'Kamailio never saw it');
  r.ua.stop();
  await r.transport.close();
});

e2e.run();
