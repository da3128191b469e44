/**
 * Cross-check against an independent implementation, libsrtp2:
 *  - always: packets libsrtp 2.5.0 protected (test/fixtures/srtp/libsrtp-vectors.json, made by
 *    libsrtp-harness.c through generate.mjs) must equal ours byte for byte, and unprotect with ours;
 *  - when a C compiler and Debian's libsrtp2-dev are present: the harness is compiled on the spot
 *    and packets go both ways through it (skipped otherwise).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SrtpReceiver, SrtpSender } from '../../../firmware/security/srtp-session.js';
import { AES_CM_128_HMAC_SHA1_32, AES_CM_128_HMAC_SHA1_80 } from '../../../firmware/security/srtp-suites.js';
import type { SrtpSuite } from '../../../firmware/security/srtp-suites.js';
import { fixture, hex, repoRoot, rtcpPacket, rtpPacket } from './support.js';

interface Vectors {
  key: string;
  rtp: { input: string[]; srtp80: string[]; srtp32: string[] };
  rtcp: { input: string[]; srtcp: string[] };
}
const V = JSON.parse(fixture('srtp/libsrtp-vectors.json')) as Vectors;
const keyBytes = hex(V.key);
const master = { key: keyBytes.subarray(0, 16), salt: keyBytes.subarray(16) };

for (const [suite, expected] of [
  [AES_CM_128_HMAC_SHA1_80, V.rtp.srtp80],
  [AES_CM_128_HMAC_SHA1_32, V.rtp.srtp32],
] as Array<[SrtpSuite, string[]]>) {
  test(`${suite.name}: our protect equals libsrtp's for ${V.rtp.input.length} packets (wrap, CSRCs, extension, padding)`, () => {
    const tx = new SrtpSender({ suite, master });
    const rx = new SrtpReceiver({ suite, master });
    V.rtp.input.forEach((plain, i) => {
      assert.is(tx.protectRtp(hex(plain)).toString('hex'), expected[i], `packet ${i}`);
      assert.is(rx.unprotectRtp(hex(expected[i] as string)).toString('hex'), plain, `unprotect ${i}`);
    });
  });
}

test("SRTCP: our protect equals libsrtp's (E flag set), and we read libsrtp's", () => {
  const tx = new SrtpSender({ suite: AES_CM_128_HMAC_SHA1_80, master });
  const rx = new SrtpReceiver({ suite: AES_CM_128_HMAC_SHA1_80, master });
  // RFC 3711 §3.4 starts the SRTCP index at 0, as we do; libsrtp starts at 1. The index travels
  // in the packet, so both interoperate; to compare bytes, spend our index 0 first.
  assert.is(tx.protectRtcp(hex(V.rtcp.input[0] as string)).readUInt32BE(32), 0x80000000);
  V.rtcp.input.forEach((plain, i) => {
    assert.is((V.rtcp.srtcp[i] as string).slice(64, 72), (0x80000001 + i).toString(16), 'libsrtp index');
    assert.is(tx.protectRtcp(hex(plain)).toString('hex'), V.rtcp.srtcp[i], `packet ${i}`);
    assert.is(rx.unprotectRtcp(hex(V.rtcp.srtcp[i] as string)).toString('hex'), plain);
  });
});

function buildHarness(): string | undefined {
  if (!existsSync('/usr/include/srtp2/srtp.h')) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-libsrtp-'));
  const exe = path.join(dir, 'libsrtp-harness');
  try {
    execFileSync('cc', ['-o', exe, path.join(repoRoot(), 'test/fixtures/srtp/libsrtp-harness.c'), '-lsrtp2'], { stdio: 'pipe' });
    return exe;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const harness = buildHarness();
const live = harness ? test : test.skip;
if (!harness) console.log('  (libsrtp2-dev or cc missing: live libsrtp cross-check skipped)');

function run(mode: string, suite: string, packets: Buffer[]): string[] {
  const out = execFileSync(harness as string, [mode, suite, V.key], { input: packets.map((p) => p.toString('hex')).join('\n') + '\n' });
  return out.toString().trim().split('\n');
}

live('live libsrtp: it unprotects 300 of our packets across a wrap, and we unprotect 300 of its', () => {
  for (const [suite, arg] of [[AES_CM_128_HMAC_SHA1_80, '80'], [AES_CM_128_HMAC_SHA1_32, '32']] as Array<[SrtpSuite, string]>) {
    const plain = Array.from({ length: 300 }, (_, i) => rtpPacket((65400 + i) & 0xffff, 0x0badcafe, 40 + (i % 120)));
    const tx = new SrtpSender({ suite, master });
    const ours = plain.map((p) => tx.protectRtp(p));
    const back = run('unprotect', arg, ours);
    back.forEach((h, i) => assert.is(h, (plain[i] as Buffer).toString('hex'), `libsrtp unprotect ${i}`));
    const theirs = run('protect', arg, plain);
    const rx = new SrtpReceiver({ suite, master });
    theirs.forEach((h, i) => assert.is(rx.unprotectRtp(hex(h)).toString('hex'), (plain[i] as Buffer).toString('hex'), `our unprotect ${i}`));
    // And libsrtp refuses what we tampered with, as we do.
    const bad = Buffer.from(ours[5] as Buffer);
    bad[20] = (bad[20] as number) ^ 0x80;
    assert.match(run('unprotect', arg, [bad])[0] as string, /^ERR /);
  }
  const rtcp = [rtcpPacket(0x0badcafe, 3), rtcpPacket(0x0badcafe, 5)];
  const tx = new SrtpSender({ suite: AES_CM_128_HMAC_SHA1_80, master });
  const back = run('unprotect-rtcp', '80', rtcp.map((p) => tx.protectRtcp(p)));
  back.forEach((h, i) => assert.is(h, (rtcp[i] as Buffer).toString('hex')));
});

test.after(() => {
  if (harness) rmSync(path.dirname(harness), { recursive: true, force: true });
});

test.run();
