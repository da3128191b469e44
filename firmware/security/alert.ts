/**
 * Security alerts: a stable `code`, a severity (RFC 5424 names), a one-line message and flat
 * fields. Cores build them with `makeAlert` (which scrubs secrets) and hand them to an injected
 * `AlertSink`; sinks never throw and never block the caller.
 */
import type { Logger } from '../core/log.js';

export type AlertCode =
  | 'toll-fraud-blocked'
  | 'rate-limit'
  | 'foreign-registration'
  | 'media-foreign-source'
  | 'media-excess-bitrate'
  | 'invite-auth-failed'
  | 'srtp-auth-failed'
  | 'srtp-negotiation-failed';

/** RFC 5424 severities, most severe first (value = the syslog severity number). */
export const SEVERITIES = Object.freeze({ emergency: 0, alert: 1, critical: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7 });
export type AlertSeverity = keyof typeof SEVERITIES;

export type AlertFieldValue = string | number | boolean;

export interface Alert {
  code: AlertCode | (string & {});
  severity: AlertSeverity;
  message: string;
  /** Monotonic time (ms) it was raised at; sinks stamp wall-clock time themselves. */
  at: number;
  fields: Record<string, AlertFieldValue>;
}

export interface AlertSink {
  emit(alert: Alert): void;
}

const MAX_STRING = 256;
/** Field names whose values are never sent (a superset of the logger's list: keys and salts too). */
const SECRET_KEYS = /pass(word)?|secret|token|authori[sz]ation|^ha1$|private|credential|^key$|master|salt|nonce|response|cookie/i;
/** SDES keys, digest responses, bearer tokens and the like, wherever they hide in a string. */
const SECRET_TEXT = /(inline:)[A-Za-z0-9+/=]+|((?:response|nonce|cnonce|password|secret|token)\s*=\s*"?)[^",\s]+|(Bearer\s+)\S+/gi;

/** Scrub a string: inline keys, digest responses and bearer tokens become ***; long strings are cut. */
export function scrubText(s: string): string {
  const clean = s.replace(SECRET_TEXT, (_m, a?: string, b?: string, c?: string) => `${a ?? b ?? c ?? ''}***`);
  return clean.length > MAX_STRING ? clean.slice(0, MAX_STRING - 1) + '…' : clean;
}

/**
 * Flatten and scrub fields: secret-looking keys are redacted, binary values (keys) dropped,
 * nested objects flattened with dotted names, strings scrubbed and cut to 256 characters.
 */
export function sanitizeFields(fields: Record<string, unknown>): Record<string, AlertFieldValue> {
  const out: Record<string, AlertFieldValue> = {};
  const walk = (obj: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      const name = prefix + k;
      if (SECRET_KEYS.test(k)) out[name] = '***';
      else if (v === undefined || v === null || typeof v === 'function') continue;
      else if (v instanceof Uint8Array || v instanceof ArrayBuffer) out[name] = '[binary]';
      else if (typeof v === 'string') out[name] = scrubText(v);
      else if (typeof v === 'number' || typeof v === 'boolean') out[name] = v;
      else if (typeof v === 'bigint') out[name] = v.toString();
      else if (v instanceof Error) out[name] = scrubText(`${v.name}: ${v.message}`);
      else if (Array.isArray(v)) out[name] = scrubText(v.map(String).join(','));
      else if (typeof v === 'object' && depth < 3) walk(v as Record<string, unknown>, name + '.', depth + 1);
    }
  };
  walk(fields, '', 0);
  return out;
}

export function makeAlert(code: Alert['code'], severity: AlertSeverity, message: string, fields: Record<string, unknown>, at: number): Alert {
  return { code, severity, message: scrubText(message), at, fields: sanitizeFields(fields) };
}

/** Send every alert to each sink; one failing sink does not stop the others. */
export function fanOutAlerts(...sinks: AlertSink[]): AlertSink {
  return {
    emit(alert) {
      for (const s of sinks) {
        try {
          s.emit(alert);
        } catch {
          // a sink must not break the caller
        }
      }
    },
  };
}

/** Alerts as log lines (warn or error level by severity). */
export function logAlertSink(log: Logger): AlertSink {
  return {
    emit(a) {
      const fields = { alert: a.code, severity: a.severity, ...a.fields };
      if (SEVERITIES[a.severity] <= SEVERITIES.error) log.error(a.message, fields);
      else log.warn(a.message, fields);
    },
  };
}

/** An in-memory sink for tests and for `tipring status`: keeps the last `limit` alerts. */
export function memoryAlertSink(limit = 1000): AlertSink & { alerts: Alert[]; clear(): void } {
  const alerts: Alert[] = [];
  return {
    alerts,
    emit(a) {
      alerts.push(a);
      if (alerts.length > limit) alerts.splice(0, alerts.length - limit);
    },
    clear() {
      alerts.length = 0;
    },
  };
}
