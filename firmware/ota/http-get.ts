/**
 * One HTTP(S) GET with the guards TUF leaves to implementations: an idle timeout (slow retrieval:
 * no byte for `idleTimeoutMs`) and an overall deadline, both on the injected Clock. The response
 * body is handed to `handle` as a stream; call `activity()` on every chunk to re-arm the idle timer.
 * No redirects are followed (a static repository does not need them).
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Cancel, Clock } from '../core/clock.js';
import { UpdateRejectedError } from './errors.js';

export interface HttpGetOptions {
  clock: Clock;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  headers?: Record<string, string>;
}

export interface ResponseGuard {
  /** Bytes arrived: push the idle deadline back. */
  activity(): void;
}

export async function httpGet<T>(url: string, opts: HttpGetOptions, handle: (res: IncomingMessage, guard: ResponseGuard) => Promise<T>): Promise<T> {
  const { clock } = opts;
  const mod = url.startsWith('https:') ? https : url.startsWith('http:') ? http : undefined;
  if (!mod) throw new UpdateRejectedError('network', `unsupported URL ${url}`);
  return new Promise<T>((resolve, reject) => {
    let idleCancel: Cancel | undefined;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      idleCancel?.();
      totalCancel();
      fn();
    };
    const req = mod.get(url, { headers: { 'user-agent': 'tipring-updater', ...opts.headers } });
    const abort = (why: string) => {
      const err = new UpdateRejectedError('slow-retrieval', `${url}: ${why}`);
      req.destroy(err);
      finish(() => reject(err));
    };
    const armIdle = () => {
      idleCancel?.();
      idleCancel = clock.at(clock.now() + opts.idleTimeoutMs, () => abort(`no data for ${opts.idleTimeoutMs} ms`));
    };
    const totalCancel = clock.at(clock.now() + opts.totalTimeoutMs, () => abort(`not finished within ${opts.totalTimeoutMs} ms`));
    armIdle();
    req.on('error', (e) => {
      finish(() => reject(e instanceof UpdateRejectedError ? e : new UpdateRejectedError('network', `${url}: ${e.message}`, { cause: e })));
    });
    req.on('response', (res) => {
      armIdle();
      handle(res, { activity: armIdle }).then(
        (v) => {
          res.resume();
          req.destroy();
          finish(() => resolve(v));
        },
        (e: unknown) => {
          req.destroy();
          finish(() => reject(e));
        },
      );
    });
  });
}
