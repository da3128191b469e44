/** Builders shared by the transaction tests (not a test file itself). */
import { Headers } from '../../../firmware/sip/message/headers.js';
import type { Endpoint, SipRequest, SipResponse } from '../../../firmware/sip/message/types.js';
import type { LayerOutput, TransactionLayer } from '../../../firmware/sip/transaction/transaction-layer.js';

export const LOCAL: Endpoint = { address: '192.0.2.10', port: 5060, transport: 'udp' };
export const PEER: Endpoint = { address: '192.0.2.20', port: 5060, transport: 'udp' };
export const PEER_TCP: Endpoint = { address: '192.0.2.20', port: 5060, transport: 'tcp' };

export interface RequestSpec {
  method: string;
  branch: string;
  cseq?: number;
  cseqMethod?: string;
  callId?: string;
  uri?: string;
  /** sent-by of the top Via, e.g. "192.0.2.20:5060". */
  sentBy?: string;
  transport?: string;
  viaParams?: string;
  toTag?: string;
  routes?: string[];
}

export function request(spec: RequestSpec): SipRequest {
  const h = new Headers();
  const viaTail = spec.viaParams ? `;${spec.viaParams}` : '';
  h.append('Via', `SIP/2.0/${spec.transport ?? 'UDP'} ${spec.sentBy ?? '192.0.2.20:5060'};branch=${spec.branch}${viaTail}`);
  h.append('Max-Forwards', '70');
  for (const r of spec.routes ?? []) h.append('Route', r);
  h.append('From', '"Alice" <sip:alice@example.com>;tag=from1');
  h.append('To', `<sip:bob@example.com>${spec.toTag ? `;tag=${spec.toTag}` : ''}`);
  h.append('Call-ID', spec.callId ?? 'call-1@example.com');
  h.append('CSeq', `${spec.cseq ?? 1} ${spec.cseqMethod ?? spec.method}`);
  h.append('Content-Length', '0');
  return {
    kind: 'request',
    method: spec.method,
    uri: spec.uri ?? 'sip:bob@example.com',
    version: 'SIP/2.0',
    headers: h,
    body: Buffer.alloc(0),
  };
}

/** A response to `req` as the peer would build it (Vias, From, To + tag, Call-ID, CSeq copied). */
export function response(req: SipRequest, status: number, reason: string, toTag?: string): SipResponse {
  const h = new Headers();
  for (const v of req.headers.getAll('Via')) h.append('Via', v);
  h.append('From', req.headers.get('From') ?? '');
  const to = req.headers.get('To') ?? '';
  h.append('To', toTag && !/;tag=/.test(to) ? `${to};tag=${toTag}` : to);
  h.append('Call-ID', req.headers.get('Call-ID') ?? '');
  h.append('CSeq', req.headers.get('CSeq') ?? '');
  h.append('Content-Length', '0');
  return { kind: 'response', status, reason, version: 'SIP/2.0', headers: h, body: Buffer.alloc(0) };
}

export function drain(layer: TransactionLayer): LayerOutput[] {
  const out: LayerOutput[] = [];
  for (let o = layer.poll(); o; o = layer.poll()) out.push(o);
  return out;
}

export interface Timed {
  at: number;
  out: LayerOutput;
}

/** Jump from deadline to deadline up to `end`, collecting outputs with the time they were produced. */
export function runUntil(layer: TransactionLayer, end: number): Timed[] {
  const seen: Timed[] = [];
  for (let d = layer.nextDeadline(); d !== undefined && d <= end; d = layer.nextDeadline()) {
    layer.handleTimeout(d);
    for (const out of drain(layer)) seen.push({ at: d, out });
  }
  return seen;
}

export function transmitTimes(events: Timed[]): number[] {
  return events.filter((e) => e.out.type === 'transmit').map((e) => e.at);
}

/** The sum of a retransmission schedule: first at t1, interval doubling, capped at cap, before `end`. */
export function schedule(t1: number, cap: number, end: number): number[] {
  const times: number[] = [];
  let interval = t1;
  for (let t = t1; t < end; ) {
    times.push(t);
    interval = Math.min(interval * 2, cap);
    t += interval;
  }
  return times;
}
