/** Child processes for end-to-end tests: logged, awaitable output, always stopped. */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';

export interface Proc {
  readonly child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited(): Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Proc>();

export function spawnProc(name: string, cmd: string, args: string[], options: SpawnOptions = {}): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    if (process.env['E2E_VERBOSE']) process.stderr.write(`[${name}] ${d}`);
    for (const w of waiters.splice(0)) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.on('error', (e) => {
    out += `\n[spawn error] ${e.message}\n`;
  });
  const proc: Proc = {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${pattern}\n--- output ---\n${out.slice(-3000)}`)), timeoutMs);
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            reject(new Error(`${name} exited (${child.exitCode}) before ${pattern}\n--- output ---\n${out.slice(-3000)}`));
          } else waiters.push(check);
        };
        check();
        exit.then(() => waiters.length && check());
      });
    },
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      running.delete(proc);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 4000);
      await exit;
      clearTimeout(t);
    },
  };
  running.add(proc);
  return proc;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

process.on('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Run a command to completion; resolves with its exit code and output. */
export async function runToEnd(name: string, cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const p = spawnProc(name, 'timeout', [String(Math.ceil(timeoutMs / 1000)), cmd, ...args]);
  const code = await p.exited();
  return { code, output: p.output() };
}
