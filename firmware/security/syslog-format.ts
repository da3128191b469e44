/**
 * RFC 5424 syslog messages for alerts, pure:
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID code="…" severity="…" field="…" …] BOM MSG
 * PRI = facility · 8 + severity; MSGID is the alert code; the fields go in one SD element.
 * Messages are cut to `maxBytes` (RFC 5426: receivers over IPv4 should take 2048 bytes).
 */
import { SEVERITIES } from './alert.js';
import type { Alert } from './alert.js';

export const FACILITIES = Object.freeze({
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10, ftp: 11,
  ntp: 12, audit: 13, alert: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
});
export type SyslogFacility = keyof typeof FACILITIES;

export interface SyslogFormatOptions {
  facility?: SyslogFacility;
  hostname?: string;
  appName?: string;
  procId?: string | number;
  /** SD-ID of the element carrying the fields. Default tipring@32473 (32473: the documentation PEN of RFC 5612). */
  sdId?: string;
  maxBytes?: number;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** PRINTUSASCII only (33..126), at most `max` characters, '-' if empty. */
function token(s: string | number | undefined, max: number): string {
  const t = String(s ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return t || '-';
}

/** SD-NAME: printable ASCII without '=', ' ', ']', '"', at most 32. */
function sdName(s: string): string {
  return s.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32) || '_';
}

function sdValue(v: string | number | boolean): string {
  return String(v).replace(/[\\"\]]/g, (c) => '\\' + c);
}

export function formatSyslog(alert: Alert, wallTime: Date, o: SyslogFormatOptions = {}): Buffer {
  const pri = FACILITIES[o.facility ?? 'auth'] * 8 + SEVERITIES[alert.severity];
  const header = `<${pri}>1 ${wallTime.toISOString()} ${token(o.hostname, 255)} ${token(o.appName ?? 'tipring', 48)} ${token(o.procId, 128)} ${token(alert.code, 32)}`;
  const params = [`code="${sdValue(alert.code)}"`, `severity="${alert.severity}"`];
  for (const [k, v] of Object.entries(alert.fields)) params.push(`${sdName(k)}="${sdValue(v)}"`);
  const maxBytes = o.maxBytes ?? 2048;
  const id = sdName(o.sdId ?? 'tipring@32473');
  // Drop trailing fields until header + structured data leave room for some message.
  let sd = `[${id} ${params.join(' ')}]`;
  while (Buffer.byteLength(`${header} ${sd} `) + BOM.length > maxBytes && params.length > 2) {
    params.pop();
    sd = `[${id} ${params.join(' ')}]`;
  }
  const head = Buffer.from(`${header} ${sd} `, 'utf8');
  const room = Math.max(0, maxBytes - head.length - BOM.length);
  return Buffer.concat([head, BOM, utf8Prefix(alert.message, room)]);
}

/** The longest prefix of `s` that fits in `bytes` bytes of UTF-8 without splitting a character. */
function utf8Prefix(s: string, bytes: number): Buffer {
  const b = Buffer.from(s, 'utf8');
  if (b.length <= bytes) return b;
  let end = bytes;
  while (end > 0 && ((b[end] as number) & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}
