/**
 * systemd notifications (READY=1, WATCHDOG=1, STOPPING=1, STATUS=...) to $NOTIFY_SOCKET.
 *
 * Node cannot send on a Unix datagram socket, and a short-lived `systemd-notify` races with
 * systemd (it may exit before systemd reads its cgroup, and the message is dropped). So a small
 * long-lived helper does the sending: `python3` reading one message per line from our pipe (it
 * stays in the service's cgroup; NotifyAccess=all). Without python3, each message falls back to
 * `systemd-notify` (racy, but mostly works). With no NOTIFY_SOCKET, nothing is sent.
 */
import { spawn as nodeSpawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface SdNotifier {
  readonly enabled: boolean;
  notify(message: string): void;
  close(): void;
}

const HELPER = [
  'import os, socket, sys',
  'addr = os.environ["NOTIFY_SOCKET"]',
  'addr = "\\0" + addr[1:] if addr.startswith("@") else addr',
  's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
  'for line in sys.stdin:',
  '    try:',
  '        s.sendto(line.rstrip("\\n").replace("\\\\n", "\\n").encode(), addr)',
  '    except OSError as e:',
  '        print("sd-notify: %s" % e, file=sys.stderr)',
].join('\n');

export type SpawnFn = typeof nodeSpawn;

export function createSdNotifier(env: NodeJS.ProcessEnv = process.env, spawn: SpawnFn = nodeSpawn): SdNotifier {
  const socketPath = env['NOTIFY_SOCKET'];
  if (!socketPath) return { enabled: false, notify: () => {}, close: () => {} };
  let helper: ChildProcess | undefined;
  let helperFailed = false;
  const startHelper = () => {
    const child = spawn('python3', ['-c', HELPER], { stdio: ['pipe', 'ignore', 'inherit'], env: { ...env, NOTIFY_SOCKET: socketPath } });
    child.on('error', () => {
      helperFailed = true;
      helper = undefined;
    });
    child.on('exit', () => {
      if (helper === child) helper = undefined;
    });
    child.stdin?.on('error', () => {});
    (child as unknown as { unref?: () => void }).unref?.();
    return child;
  };
  const fallback = (message: string) => {
    const c = spawn('systemd-notify', message.split('\n'), { stdio: 'ignore', env });
    c.on('error', () => {});
  };
  return {
    enabled: true,
    notify(message: string) {
      if (!helper && !helperFailed) helper = startHelper();
      if (helper?.stdin?.writable) helper.stdin.write(`${message.replace(/\n/g, '\\n')}\n`);
      else fallback(message);
    },
    close() {
      helper?.stdin?.end();
      helper = undefined;
    },
  };
}

/** Watchdog ping interval from systemd's WATCHDOG_USEC (half the timeout), or undefined. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const usec = Number(env['WATCHDOG_USEC'] ?? NaN);
  return Number.isFinite(usec) && usec > 0 ? usec / 2000 : undefined;
}
