/**
 * Who may talk to us (issue: ghost calls). Pure: a request and its source in, a verdict out.
 * - requests from anywhere but the proxy (and the trusted list) are dropped without an answer,
 *   so a scanner learns nothing;
 * - out-of-dialog requests must be addressed to this line's user (Request-URI), else 404.
 */
import { parseUri } from '../message/uri.js';
import type { Endpoint, SipRequest } from '../message/types.js';

export interface InboundPolicyOptions {
  acceptFrom: 'proxy' | 'any';
  /** Sources accepted: "address" (any port) or "address:port". */
  trusted: string[];
  checkRequestUri: boolean;
  /** User parts this line answers to (the AOR user and the Contact user). */
  users: string[];
}

export type InboundVerdict =
  | { action: 'accept' }
  | { action: 'drop'; reason: string }
  | { action: 'reject'; status: number; reason: string };

function sourceMatches(rule: string, from: Endpoint): boolean {
  const v6 = rule.startsWith('[');
  const lastColon = rule.lastIndexOf(':');
  const hasPort = v6 ? rule.includes(']:') : lastColon > 0 && rule.indexOf(':') === lastColon;
  const address = (hasPort ? rule.slice(0, lastColon) : rule).replace(/^\[|\]$/g, '');
  const port = hasPort ? Number(rule.slice(lastColon + 1)) : undefined;
  const norm = (a: string) => a.replace(/^::ffff:/, '').toLowerCase();
  return norm(address) === norm(from.address) && (port === undefined || port === from.port);
}

export class InboundPolicy {
  constructor(private readonly options: InboundPolicyOptions) {}

  check(request: SipRequest, from: Endpoint): InboundVerdict {
    const o = this.options;
    if (o.acceptFrom === 'proxy' && !o.trusted.some((t) => sourceMatches(t, from))) {
      return { action: 'drop', reason: `source ${from.address}:${from.port} is not the proxy` };
    }
    const inDialog = /;\s*tag=/i.test(request.headers.get('To') ?? '');
    if (o.checkRequestUri && !inDialog && request.method !== 'ACK' && request.method !== 'CANCEL') {
      let user: string | undefined;
      try {
        user = parseUri(request.uri).user;
      } catch {
        user = undefined;
      }
      if (!user || !o.users.includes(user)) {
        return { action: 'reject', status: 404, reason: `Request-URI user '${user ?? ''}' is not this line` };
      }
    }
    return { action: 'accept' };
  }
}
