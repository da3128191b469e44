/** Shared helpers for the security unit tests (not a test file itself). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export function fixture(relative: string): string {
  return readFileSync(path.join(repoRoot(), 'test/fixtures', relative), 'utf8');
}

export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

/** A plain RTP packet (PCMU, 160-byte payload by default) with a payload pattern derived from seq. */
export function rtpPacket(seq: number, ssrc = 0x11223344, payloadLength = 160): Buffer {
  const b = Buffer.alloc(12 + payloadLength);
  b[0] = 0x80;
  b[1] = 0x00;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 160) >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  for (let i = 0; i < payloadLength; i++) b[12 + i] = (i * 13 + seq) & 0xff;
  return b;
}

/** A plain RTCP receiver report. */
export function rtcpPacket(ssrc = 0x11223344, fill = 1): Buffer {
  const b = Buffer.alloc(32);
  b[0] = 0x81;
  b[1] = 201;
  b.writeUInt16BE(7, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  for (let i = 8; i < 32; i++) b[i] = (i * fill) & 0xff;
  return b;
}
