/** MediaPath with two streams (three-way, mixed locally) and the call-waiting tone overlay. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MediaPath } from '../../../firmware/call/media-path.js';
import { silentLogger } from '../../../firmware/core/log.js';
import { PCMU } from '../../../firmware/media/codecs.js';
import { parseRtp, serializeRtp } from '../../../firmware/media/rtp-packet.js';
import { US } from '../../../firmware/line/profiles/us.js';
import type { NegotiatedMedia } from '../../../firmware/sip/sdp/sdp.js';

const A: NegotiatedMedia = { remoteAddress: '127.0.0.1', remotePort: 4000, payloadType: 0, encoding: 'PCMU', clockRate: 8000, ptime: 20, direction: 'sendrecv' };
const B: NegotiatedMedia = { ...A, remotePort: 4002 };

function sine(freq: number, amp: number, offset = 0): Int16Array {
  const out = new Int16Array(160);
  for (let i = 0; i < 160; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * freq * (i + offset)) / 8000));
  return out;
}

function packet(pcm: Int16Array, seq: number): Buffer {
  const payload = new Uint8Array(160);
  PCMU.encode(pcm, payload);
  return serializeRtp({ marker: seq === 0, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc: 42, payload });
}

function energy(x: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += x[i]! * x[i]!;
  return Math.sqrt(e / x.length);
}

/** Run `periods` periods with A sending a tone and B silent; return what B received and what the earpiece heard. */
function runMix(streams: NegotiatedMedia[], periods = 20) {
  const mp = new MediaPath(US, silentLogger);
  mp.setStreams(streams);
  const toB: Int16Array[] = [];
  const heard: number[] = [];
  for (let k = 0; k < periods; k++) {
    const now = k * 20;
    mp.receiveRtp(packet(sine(1000, 8000, k * 160), k), { address: A.remoteAddress, port: A.remotePort }, now);
    const playout = new Int16Array(160);
    mp.period(new Int16Array(160), playout, now);
    heard.push(energy(playout));
    for (let p = mp.pollRtp(); p; p = mp.pollRtp()) {
      if (p.port === B.remotePort) {
        const out = new Int16Array(160);
        PCMU.decode(parseRtp(p.data).payload, out);
        toB.push(out);
      }
    }
  }
  return { mp, toB, heard };
}

test('three-way: each far end gets its own RTP stream, and B hears A (mixed locally)', () => {
  const { mp, toB, heard } = runMix([A, B]);
  assert.is(mp.streamCount, 2);
  assert.is(toB.length, 20, 'one packet per period to B');
  const late = toB.slice(10).map(energy);
  assert.ok(Math.min(...late) > 2000, `B should hear A's tone, energies ${late.map(Math.round)}`);
  assert.ok(Math.max(...heard.slice(10)) > 2000, 'the handset hears A as well');
});

test('one stream: the other far end is not sent anything (held parties hear nothing)', () => {
  const { toB } = runMix([A]);
  assert.is(toB.length, 0);
});

test('the call-waiting tone is laid over the far end audio instead of replacing it', () => {
  const mp = new MediaPath(US, silentLogger);
  mp.setStreams([A]);
  mp.setCallWaitingTone(true);
  const heard: number[] = [];
  for (let k = 0; k < 40; k++) {
    mp.receiveRtp(packet(sine(1000, 8000, k * 160), k), { address: A.remoteAddress, port: A.remotePort }, k * 20);
    const playout = new Int16Array(160);
    mp.period(new Int16Array(160), playout, k * 20);
    heard.push(energy(playout));
  }
  // the 440 Hz burst lasts 300 ms, then 10 s of silence: the far end must stay audible after it
  assert.ok(Math.min(...heard.slice(25, 40)) > 2000, `far end muted by the tone: ${heard.map(Math.round)}`);
  mp.setCallWaitingTone(false);
});

test('packets from an endpoint that is not one of the streams are counted as foreign', () => {
  const mp = new MediaPath(US, silentLogger);
  mp.setStreams([A, B]);
  mp.receiveRtp(packet(sine(1000, 1000), 0), { address: '10.0.0.9', port: 4000 }, 0);
  assert.is(mp.stats.droppedForeign, 1);
});

test.run();
