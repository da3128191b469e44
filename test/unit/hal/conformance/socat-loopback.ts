/**
 * A loopback serial port made of a real pseudo-terminal: `socat pty,link=X,raw,echo=0 exec:cat`
 * echoes everything written to X. The real serialport backend opens it like any tty.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { realUntil } from './support.js';

export function haveSocat(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export interface PtyLoopback {
  path: string;
  close(): Promise<void>;
}

export async function startPtyLoopback(): Promise<PtyLoopback> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-pty-'));
  const link = path.join(dir, 'loop');
  const child: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${link}`, 'exec:cat'], { stdio: 'ignore' });
  if (!(await realUntil(() => existsSync(link) || child.exitCode !== null, 5000)) || !existsSync(link)) {
    child.kill('SIGKILL');
    throw new Error('socat did not create the loopback pty');
  }
  return {
    path: link,
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}
