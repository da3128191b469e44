/**
 * Decodes the RFC 2833 DTMF captures shipped by Debian's sip-tester (SIPp) with our own pcap
 * reader (libpcap global header + records + Ethernet/IPv4/IPv6/UDP) and the telephone-event
 * receiver. Skipped, visibly, when the captures are not installed (apt-get install sip-tester).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { parseRtp } from '../../../firmware/media/rtp-packet.js';
import type { RtpPacket } from '../../../firmware/media/rtp-packet.js';
import { decodeTelephoneEvents } from '../../../firmware/media/telephone-event.js';
import { TelephoneEventReceiver } from '../../../firmware/media/telephone-event-receiver.js';
import type { TelephoneEventNotice } from '../../../firmware/media/telephone-event-receiver.js';

const DIR = '/usr/share/sip-tester';
const FILES: Array<[string, string]> = [
  ...'0123456789'.split('').map((d): [string, string] => [`dtmf_2833_${d}.pcap`, d]),
  ['dtmf_2833_pound.pcap', '#'],
  ['dtmf_2833_star.pcap', '*'],
];

interface UdpRecord {
  timeMs: number;
  payload: Uint8Array;
}

/** UDP payloads of a classic libpcap file (µs or ns timestamps, either byte order; Ethernet or Linux SLL). */
function readPcapUdp(buf: Buffer): UdpRecord[] {
  const magic = buf.readUInt32LE(0);
  let le: boolean;
  let nano = false;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (buf.readUInt32BE(0) === 0xa1b2c3d4 || buf.readUInt32BE(0) === 0xa1b23c4d) le = false;
  else throw new Error(`not a pcap file (magic ${magic.toString(16)})`);
  nano = (le ? magic : buf.readUInt32BE(0)) === 0xa1b23c4d;
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20);
  const out: UdpRecord[] = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const sec = u32(o);
    const frac = u32(o + 4);
    const incl = u32(o + 8);
    const frame = buf.subarray(o + 16, o + 16 + incl);
    o += 16 + incl;
    let p: number;
    let etherType: number;
    if (linkType === 1) {
      p = 14;
      etherType = frame.readUInt16BE(12);
      while (etherType === 0x8100 || etherType === 0x88a8) {
        etherType = frame.readUInt16BE(p + 2);
        p += 4;
      }
    } else if (linkType === 113) {
      p = 16;
      etherType = frame.readUInt16BE(14);
    } else throw new Error(`link type ${linkType} not supported`);
    let proto: number;
    if (etherType === 0x0800) {
      proto = frame[p + 9] as number;
      p += ((frame[p] as number) & 0x0f) * 4;
    } else if (etherType === 0x86dd) {
      proto = frame[p + 6] as number;
      p += 40;
    } else continue;
    if (proto !== 17) continue;
    const udpLen = frame.readUInt16BE(p + 4);
    out.push({ timeMs: sec * 1000 + frac / (nano ? 1e6 : 1e3), payload: frame.subarray(p + 8, p + udpLen) });
  }
  return out;
}

const present = FILES.filter(([f]) => existsSync(`${DIR}/${f}`));
if (present.length === 0) {
  console.log(`SKIP telephone-event-pcap: no SIPp captures in ${DIR} (apt-get install sip-tester)`);
}

for (const [file, digit] of present) {
  test(`${file}: one '${digit}' event, begun at its marker packet, ended by its E packets`, () => {
    const udp = readPcapUdp(readFileSync(`${DIR}/${file}`));
    const rtp: Array<{ at: number; p: RtpPacket }> = [];
    for (const u of udp) {
      const p = parseRtp(u.payload);
      if (p.payloadType >= 96 && p.payload.length % 4 === 0) rtp.push({ at: u.timeMs - (udp[0] as UdpRecord).timeMs, p });
    }
    assert.ok(rtp.length >= 4, `${rtp.length} telephone-event packets`);
    const events = rtp.map((x) => decodeTelephoneEvents(x.p.payload).at(-1)!);
    const endCount = events.filter((e) => e.end).length;
    assert.ok(endCount >= 1, 'has end packets');
    assert.ok(rtp.every((x) => x.p.timestamp === rtp[0]!.p.timestamp), 'one start timestamp');
    const rx = new TelephoneEventReceiver();
    const notices: TelephoneEventNotice[] = [];
    for (const x of rtp) notices.push(...rx.receive(x.p, x.at));
    assert.equal(
      notices.map((n) => [n.type, n.digit]),
      [
        ['begin', digit],
        ['end', digit],
      ],
    );
    const begin = notices[0] as Extract<TelephoneEventNotice, { type: 'begin' }>;
    const end = notices[1] as Extract<TelephoneEventNotice, { type: 'end' }>;
    assert.is(begin.markerSeen, rtp[0]!.p.marker);
    assert.is(end.reason, 'end-bit');
    assert.is(end.duration, Math.max(...events.map((e) => e.duration)));
    assert.ok(end.duration > 0);
  });
}

test.run();
