/** Media budget figures, the excess-bitrate alarm on a FakeClock, foreign-source counting, RTP latching. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { Pump } from '../../../firmware/core/pump.js';
import { memoryAlertSink } from '../../../firmware/security/alert.js';
import { mediaBudget } from '../../../firmware/security/media-budget.js';
import { MediaGuard } from '../../../firmware/security/media-guard.js';
import type { MediaDirection, MediaGuardOptions } from '../../../firmware/security/media-guard.js';
import { RtpLatch } from '../../../firmware/security/rtp-latch.js';
import type { NegotiatedMedia } from '../../../firmware/sip/sdp/sdp.js';

const G711: NegotiatedMedia = { remoteAddress: '192.0.2.10', remotePort: 6000, payloadType: 0, encoding: 'PCMU', clockRate: 8000, ptime: 20, direction: 'sendrecv' };

test('budget: G.711 20 ms is 50 packets/s of 160 B; 80.0 / 87.2 / 95.2 kbit/s at IP / Ethernet frame / Ethernet wire', () => {
  const ip = mediaBudget(G711, { link: 'none' });
  assert.is(ip.packetsPerSecond, 50);
  assert.is(ip.payloadBytes, 160);
  assert.is(ip.rtpPacketBytes, 172);
  assert.is(ip.packetBytes, 200);
  assert.is(ip.bitsPerSecond, 80_000);
  const eth = mediaBudget(G711); // default: IPv4 over Ethernet frames (header + FCS)
  assert.is(eth.packetBytes, 218);
  assert.is(eth.bitsPerSecond, 87_200);
  const wire = mediaBudget(G711, { link: 'ethernet-wire' }); // + preamble/SFD 8 + inter-frame gap 12
  assert.is(wire.packetBytes, 238);
  assert.is(wire.bitsPerSecond, 95_200);
  assert.is(mediaBudget(G711, { vlan: true }).bitsPerSecond, 88_800);
  assert.is(mediaBudget(G711, { ipVersion: 6 }).bitsPerSecond, 95_200);
  assert.is(mediaBudget(G711, { srtpTagBytes: 10 }).bitsPerSecond, 91_200);
  assert.is(mediaBudget({ ...G711, encoding: 'G729' }).bitsPerSecond, 31_200);
  assert.is(mediaBudget({ ...G711, ptime: 30 }).bitsPerSecond, (240 + 58) * 8 * (1000 / 30));
  assert.is(mediaBudget({ encoding: 'opus', clockRate: 48000, ptime: 20, payloadBytes: 80 }).rtpPacketBytes, 92);
  assert.throws(() => mediaBudget({ encoding: 'opus', clockRate: 48000, ptime: 20 }), /payloadBytes/);
});

interface Rig {
  clock: FakeClock;
  guard: MediaGuard;
  alerts: ReturnType<typeof memoryAlertSink>;
  pump: Pump;
}

function rig(extra: Partial<MediaGuardOptions> = {}): Rig {
  const clock = new FakeClock();
  const alerts = memoryAlertSink();
  const guard = new MediaGuard({ media: G711, alerts, context: { line: 1 }, ...extra });
  const pump = new Pump(clock, guard, () => {});
  return { clock, guard, alerts, pump };
}

/** Send `pps` packets per second of `bytes` each from `from` for `ms`; jitter clusters them in pairs. */
function stream(r: Rig, o: { direction?: MediaDirection; pps: number; ms: number; bytes?: number; from?: number; jitterPairs?: boolean }) {
  const start = o.from ?? r.clock.now();
  const gap = 1000 / o.pps;
  const n = Math.floor(o.ms / gap);
  for (let k = 0; k < n; k++) {
    let t = start + k * gap;
    if (o.jitterPairs && k % 2 === 0) t += gap * 0.9; // late, then on time: bunched in pairs
    if (t > r.clock.now()) r.clock.advanceTo(t);
    r.guard.onPacket(o.direction ?? 'inbound', o.bytes ?? 172, r.clock.now());
    r.pump.kick();
  }
  r.clock.advanceTo(start + o.ms);
}

test('3× the expected rate raises media-excess-bitrate once, after 5 s sustained and within the 1 s window', () => {
  const r = rig();
  let alarmAt: number | undefined;
  const origEmit = r.alerts.emit.bind(r.alerts);
  r.alerts.emit = (a) => {
    alarmAt ??= r.clock.now();
    origEmit(a);
  };
  stream(r, { pps: 150, ms: 12_000 });
  assert.is(r.alerts.alerts.length, 1);
  const a = r.alerts.alerts[0]!;
  assert.is(a.code, 'media-excess-bitrate');
  assert.is(a.fields.direction, 'inbound');
  assert.is(a.fields.line, 1);
  assert.ok((a.fields.kbps as number) > 2 * 87.2);
  assert.ok(alarmAt! >= 5000 && alarmAt! <= 5000 + 1000, `alarm at ${alarmAt}`);
  assert.is(r.guard.state('inbound'), 'alarmed');
  assert.is(r.guard.state('outbound'), 'normal');
  assert.is(r.guard.stats().inbound.alarms, 1);
});

test('1.5× the expected rate for 30 s does not alarm', () => {
  const r = rig();
  stream(r, { pps: 75, ms: 30_000 });
  assert.is(r.alerts.alerts.length, 0);
  assert.is(r.guard.state('inbound'), 'normal');
  assert.is(r.guard.stats().inbound.packets, 2250);
});

test('bursts shorter than the sustain time do not alarm (4× for 3 s, then normal, twice)', () => {
  const r = rig();
  for (let i = 0; i < 2; i++) {
    stream(r, { pps: 200, ms: 3000 });
    assert.is(r.guard.state('inbound'), 'exceeding');
    stream(r, { pps: 50, ms: 5000 });
  }
  assert.is(r.alerts.alerts.length, 0);
  assert.is(r.guard.state('inbound'), 'normal');
});

test('a conference with two streams accounted does not false-alarm; the same traffic trips a one-stream budget', () => {
  const conf = rig({ streams: 2 });
  stream(conf, { pps: 100, ms: 20_000, jitterPairs: true }); // two 50 pps streams, bunched by jitter
  stream(conf, { pps: 100, ms: 20_000, direction: 'outbound', from: 0 });
  assert.is(conf.alerts.alerts.length, 0);
  const control = rig({ streams: 1, factor: 1.5 });
  stream(control, { pps: 100, ms: 20_000, jitterPairs: true });
  assert.is(control.alerts.alerts.length, 1);
  // Going from one stream to two mid-call clears a running excess.
  const live = rig();
  stream(live, { pps: 150, ms: 3000 });
  assert.is(live.guard.state('inbound'), 'exceeding');
  live.guard.setStreamCount(2, live.clock.now());
  assert.is(live.guard.state('inbound'), 'normal');
});

test('oversized packets at the normal packet rate alarm on bit rate; silence clears the state via the deadline', () => {
  const r = rig();
  stream(r, { pps: 50, ms: 8000, bytes: 1200 });
  assert.is(r.alerts.alerts.length, 1);
  assert.is(r.guard.state('inbound'), 'alarmed');
  r.clock.advance(2000); // no packets: the pump re-checks as the window empties
  assert.is(r.guard.state('inbound'), 'normal');
  assert.is(r.guard.nextDeadline(), undefined);
  stream(r, { pps: 150, ms: 7000 });
  assert.is(r.alerts.alerts.length, 2, 'a new episode alarms again');
});

test('foreign sources: counted per source, one alert per interval once the threshold is reached', () => {
  const r = rig({ foreignAlertThreshold: 10, foreignAlertIntervalMs: 60_000 });
  const evil = { address: '203.0.113.66', port: 40000 };
  for (let i = 0; i < 9; i++) r.guard.onForeignPacket(evil, 172, i * 20);
  assert.is(r.alerts.alerts.length, 0);
  r.guard.onForeignPacket({ address: '198.51.100.7', port: 5004 }, 60, 200);
  assert.is(r.alerts.alerts.length, 1);
  assert.is(r.alerts.alerts[0]!.code, 'media-foreign-source');
  assert.is(r.alerts.alerts[0]!.fields.packets, 10);
  for (let i = 0; i < 100; i++) r.guard.onForeignPacket(evil, 172, 300 + i);
  assert.is(r.alerts.alerts.length, 1, 'rate-limited to one per interval');
  for (let i = 0; i < 10; i++) r.guard.onForeignPacket(evil, 172, 61_000 + i);
  assert.is(r.alerts.alerts.length, 2);
  const sources = r.guard.foreignSources();
  assert.equal(sources.map((s) => [s.address, s.packets]), [['203.0.113.66', 119], ['198.51.100.7', 1]]);
  assert.is(r.guard.stats().foreign, 120);
  assert.is(sources[0]!.bytes, 119 * 172);
});

test('foreign source list is bounded', () => {
  const r = rig({ maxForeignSources: 3, foreignAlertThreshold: 1000 });
  for (let p = 0; p < 10; p++) r.guard.onForeignPacket({ address: '203.0.113.1', port: 1000 + p }, 10, p);
  assert.equal(r.guard.foreignSources().map((s) => s.port), [1007, 1008, 1009]);
});

test('latch: signalled source only before the answer; first source after it wins; others are foreign', () => {
  const sdp = { address: '192.0.2.10', port: 6000 };
  const nat = { address: '198.51.100.20', port: 31000 };
  const evil = { address: '203.0.113.66', port: 40000 };
  const l = new RtpLatch(sdp);
  assert.is(l.state, 'early');
  assert.ok(l.accept(sdp, 0));
  assert.not.ok(l.accept(nat, 1));
  l.answered(100);
  assert.is(l.nextDeadline(), 3100);
  assert.ok(l.isCandidate(evil, 120));
  assert.is(l.state, 'open', 'isCandidate never latches');
  assert.ok(l.accept(nat, 150));
  assert.is(l.state, 'latched');
  assert.not.ok(l.isCandidate(evil, 155));
  assert.ok(l.isCandidate(nat, 155));
  assert.equal(l.target(), nat);
  assert.not.ok(l.accept(evil, 160));
  assert.not.ok(l.accept(sdp, 170), 'after latching even the signalled address is foreign');
  l.reset({ address: '192.0.2.11', port: 7000 });
  assert.is(l.state, 'early');
  assert.equal(l.target(), { address: '192.0.2.11', port: 7000 });
});

test('latch: the window expires to fixed; sameAddressOnly; disabled latching; illegal transitions throw', () => {
  const sdp = { address: '192.0.2.10', port: 6000 };
  const l = new RtpLatch(sdp, { windowMs: 1000 });
  l.answered(0);
  assert.not.ok(l.accept({ address: '203.0.113.66', port: 1 }, 1000));
  assert.is(l.state, 'fixed');
  assert.ok(l.accept(sdp, 1001));
  const strict = new RtpLatch(sdp, { sameAddressOnly: true });
  strict.answered(0);
  assert.not.ok(strict.accept({ address: '203.0.113.66', port: 6000 }, 1));
  assert.ok(strict.accept({ address: '192.0.2.10', port: 6002 }, 2));
  assert.equal(strict.target(), { address: '192.0.2.10', port: 6002 });
  const off = new RtpLatch(sdp, { enabled: false });
  off.answered(0);
  assert.is(off.state, 'fixed');
  assert.not.ok(off.accept({ address: '192.0.2.10', port: 6002 }, 1));
  off.reset(sdp);
  assert.is(off.state, 'fixed');
  const latched = new RtpLatch(sdp);
  latched.answered(0);
  latched.accept(sdp, 1);
  assert.throws(() => (latched as unknown as { transition(e: string): void }).transition('answer'), (e: unknown) => e instanceof IllegalTransitionError);
});

test.run();
