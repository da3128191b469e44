/**
 * A TCP rig endpoint exposed as a serial device: `socat pty,link=<dir>/rig1,raw,echo=0 tcp:host:port`.
 * The HIL suite then opens `<dir>/rig1` with the real serialport backend, exactly as it opens a
 * fixture's /dev/ttyACM0, so the serial path (a real tty, termios, flock) is exercised in CI.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnProc } from '../../e2e/support/processes.js';
import type { Proc } from '../../e2e/support/processes.js';

export interface PtyBridge {
  /** The serial device path (a symlink to /dev/pts/N). */
  path: string;
  proc: Proc;
}

export async function startPtyBridge(host: string, port: number, name = 'rig1'): Promise<PtyBridge> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-hil-'));
  const link = path.join(dir, name);
  const proc = spawnProc(`socat:${name}`, 'socat', ['-d', '-d', `pty,link=${link},raw,echo=0`, `tcp:${host}:${port}`]);
  const end = Date.now() + 10_000;
  while (!existsSync(link)) {
    if (proc.child.exitCode !== null || Date.now() > end) {
      await proc.stop();
      throw new Error(`socat did not create ${link}:\n${proc.output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { path: link, proc };
}
