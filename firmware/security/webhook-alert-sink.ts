/**
 * I/O adapter: alerts POSTed as JSON to a webhook with `fetch`. `emit` only queues (bounded: the
 * oldest alert is dropped when full) and returns; one request at a time, each with a timeout, and
 * a bounded number of retries with doubling back-off on network errors, timeouts, 408, 429 and
 * 5xx. Timers run on the injected Clock. The URL and headers (which may hold tokens) are never
 * logged or put in alerts.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Alert, AlertSink } from './alert.js';

export interface WebhookSinkOptions {
  url: string;
  clock: Clock;
  fetch?: typeof fetch;
  /** Extra request headers, e.g. an Authorization token. */
  headers?: Record<string, string>;
  /** Attempts after the first. Default 3. */
  maxRetries?: number;
  /** First back-off, doubled per retry. Default 1000 ms. */
  backoffMs?: number;
  /** Per-request timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Alerts waiting at most. Default 100. */
  maxQueue?: number;
  /** Sent as "host" in the body. */
  hostname?: string;
  log?: Logger;
}

export interface WebhookStats {
  sent: number;
  failed: number;
  dropped: number;
  retries: number;
}

export interface WebhookSink extends AlertSink {
  readonly stats: WebhookStats;
  /** Resolves once nothing is queued or in flight (for tests and shutdown). */
  idle(): Promise<void>;
  /** Stop sending; queued alerts are dropped. */
  close(): void;
}

type Outcome = 'ok' | 'retry' | 'give-up';

export function createWebhookAlertSink(o: WebhookSinkOptions): WebhookSink {
  const doFetch = o.fetch ?? globalThis.fetch;
  const maxRetries = o.maxRetries ?? 3;
  const backoffMs = o.backoffMs ?? 1000;
  const timeoutMs = o.timeoutMs ?? 5000;
  const maxQueue = o.maxQueue ?? 100;
  const origin = safeOrigin(o.url);
  const stats: WebhookStats = { sent: 0, failed: 0, dropped: 0, retries: 0 };
  const queue: string[] = [];
  const waiters: Array<() => void> = [];
  let running = false;
  let closed = false;

  const sleep = (ms: number) => new Promise<void>((resolve) => o.clock.at(o.clock.now() + ms, resolve));

  async function attempt(body: string): Promise<Outcome> {
    const ac = new AbortController();
    const cancel = o.clock.at(o.clock.now() + timeoutMs, () => ac.abort());
    try {
      const res = await doFetch(o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...o.headers },
        body,
        signal: ac.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return 'ok';
      o.log?.warn('alert webhook refused', { webhook: origin, status: res.status });
      return res.status === 408 || res.status === 429 || res.status >= 500 ? 'retry' : 'give-up';
    } catch (e) {
      o.log?.warn('alert webhook unreachable', { webhook: origin, error: ac.signal.aborted ? 'timeout' : (e as Error).message });
      return 'retry';
    } finally {
      cancel();
    }
  }

  async function pump(): Promise<void> {
    running = true;
    try {
      while (!closed && queue.length) {
        const body = queue.shift() as string;
        let outcome = await attempt(body);
        for (let retry = 0; outcome === 'retry' && retry < maxRetries && !closed; retry++) {
          stats.retries++;
          await sleep(backoffMs * 2 ** retry);
          if (closed) break;
          outcome = await attempt(body);
        }
        if (outcome === 'ok') stats.sent++;
        else stats.failed++;
      }
    } finally {
      running = false;
      for (const w of waiters.splice(0)) w();
    }
  }

  return {
    stats,
    emit(alert: Alert) {
      if (closed) return;
      const body = JSON.stringify({
        app: 'tipring',
        ...(o.hostname ? { host: o.hostname } : {}),
        time: o.clock.wallTime().toISOString(),
        code: alert.code,
        severity: alert.severity,
        message: alert.message,
        fields: alert.fields,
      });
      queue.push(body);
      if (queue.length > maxQueue) {
        queue.shift();
        stats.dropped++;
      }
      if (!running) void pump();
    },
    idle() {
      if (!running && !queue.length) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    close() {
      closed = true;
      stats.dropped += queue.length;
      queue.length = 0;
    },
  };
}

/** scheme://host:port only: paths and queries of webhook URLs often carry tokens. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}
