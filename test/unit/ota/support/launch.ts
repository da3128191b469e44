/** Run the real launcher (a child process, as systemd would) against a device root. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './tmp.js';

export interface LaunchRun {
  child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, ms?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kill the launcher and the firmware together (systemd kills the whole cgroup). */
  killAll(signal?: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function launch(root: string, env: NodeJS.ProcessEnv = {}, config = '/dev/null'): LaunchRun {
  const script = join(repoRoot(), 'dist/firmware/ota/launcher-main.js');
  const child = spawn(process.execPath, [script, '--root', root, '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so the test can kill launcher + firmware like a cgroup
    env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', ...env },
  });
  running.add(child);
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    if (process.env['OTA_VERBOSE']) process.stderr.write(d);
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
      for (const w of waiters.splice(0)) w();
    }),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(re, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}\n${out.slice(-2000)}`)), ms);
        const check = () => {
          if (re.test(out)) {
            clearTimeout(timer);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            reject(new Error(`launcher exited before ${re}\n${out.slice(-2000)}`));
          } else waiters.push(check);
        };
        check();
      });
    },
    killAll(signal = 'SIGKILL') {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // gone
      }
    },
  };
}
