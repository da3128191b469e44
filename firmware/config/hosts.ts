/** Checks for host names, IP literals and `host[:port]` strings in the configuration. */
import { isIP, isIPv4, isIPv6 } from 'node:net';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A DNS host name or an IP literal (IPv6 without brackets). Returns a message when bad. */
export function checkHost(host: string): string | undefined {
  if (isIP(host)) return undefined;
  if (/^[\d.]+$/.test(host)) return `"${host}" is not a valid IPv4 address`;
  if (host.includes(':')) return `"${host}" is not a valid IPv6 address`;
  if (host.length > 253 || !host.split('.').every((l) => LABEL.test(l))) {
    return `"${host}" is not a valid host name (letters, digits, '-' and '.')`;
  }
  return undefined;
}

/** An IP address to bind to (no names: binding needs a local address). */
export function checkBindAddress(addr: string): string | undefined {
  return isIP(addr) ? undefined : `"${addr}" is not an IP address (use 0.0.0.0 for all interfaces)`;
}

export type HostPort = { host: string; port?: number } | { error: string };

/**
 * `host`, `host:port`, `[ipv6]` or `[ipv6]:port`. The host comes back without brackets; the port
 * is undefined when not given.
 */
export function parseHostPort(text: string): HostPort {
  if (/^sips?:/i.test(text)) return { error: `write host[:port] without the "${text.split(':')[0]}:" scheme` };
  if (/\s/.test(text)) return { error: 'must not contain spaces' };
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const m = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
    if (!m || !isIPv6(m[1]!)) return { error: `"${text}" is not a valid [IPv6]:port` };
    host = m[1]!;
    portText = m[2];
  } else if (text.indexOf(':') !== text.lastIndexOf(':')) {
    return isIPv6(text)
      ? { error: `put an IPv6 address in brackets: "[${text}]" or "[${text}]:5060"` }
      : { error: `"${text}" is not a valid host[:port]` };
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  if (host === '') return { error: 'the host is missing' };
  const hostProblem = isIPv4(host) || isIPv6(host) ? undefined : checkHost(host);
  if (hostProblem) return { error: hostProblem };
  if (portText === undefined) return { host };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    return { error: `the port must be 1..65535 (got "${portText}")` };
  }
  return { host, port: Number(portText) };
}
