/**
 * The transaction layer (RFC 3261 §17): owns every client and server transaction, matches
 * incoming messages to them, runs their timers, and queues what to send and what to tell the TU.
 * Sans-IO: the caller passes `now`, drains `poll()`, and calls `handleTimeout()` at `nextDeadline()`.
 */
import { LocalError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import { randomBytes } from 'node:crypto';
import type { Endpoint, SipMessage, SipRequest, SipResponse } from '../message/types.js';
import {
  clientKeyForRequest,
  clientKeyForResponse,
  findInviteForCancel as lookupInviteForCancel,
  isRfc3261Branch,
  newBranch,
  serverKey,
} from './branch.js';
import { ClientInviteTransaction } from './client-invite.js';
import { ClientNonInviteTransaction } from './client-non-invite.js';
import type { TimeoutTimer, TxEffect } from './effects.js';
import { branchOf, callIdOf, cseqOf, replaceTopVia, topVia } from './message-info.js';
import { annotateReceivedVia, responseDestination } from './response-route.js';
import { ServerInviteTransaction } from './server-invite.js';
import { ServerNonInviteTransaction } from './server-non-invite.js';
import { DEFAULT_TIMERS, validateTimers, type SipTimers } from './timers.js';

export type ClientTransaction = ClientInviteTransaction | ClientNonInviteTransaction;
export type ServerTransaction = ServerInviteTransaction | ServerNonInviteTransaction;

export interface TransactionLayerOptions {
  timers?: SipTimers;
  /** Whether the transport to `dest` is reliable (no retransmissions). Default: anything but UDP. */
  reliable?: (dest: Endpoint) => boolean;
  /** Random token for branches (`newBranch()`). Default: 16 hex digits from node:crypto. */
  random?: () => string;
  log?: Logger;
}

export type LayerOutput =
  | { type: 'transmit'; message: SipMessage; destination: Endpoint }
  /** A new request for the TU. For a CANCEL, `cancels` is the INVITE server transaction it matches (any state). */
  | { type: 'request'; request: SipRequest; from: Endpoint; tx: ServerTransaction; cancels?: ServerTransaction }
  /** An ACK for a 2xx; `tx` is the Accepted INVITE server transaction it matched, if any. */
  | { type: 'ack'; request: SipRequest; from: Endpoint; tx?: ServerTransaction }
  /** A response for the TU; `retransmission` marks a repeated 2xx (same To tag) in Accepted. */
  | { type: 'response'; response: SipResponse; tx: ClientTransaction; retransmission: boolean }
  /** A response that matched no transaction (e.g. a 2xx retransmission after Timer M). */
  | { type: 'stray-response'; response: SipResponse; from: Endpoint }
  | { type: 'timeout'; tx: ClientTransaction | ServerTransaction; timer: TimeoutTimer }
  | { type: 'terminated'; tx: ClientTransaction | ServerTransaction };

type AnyTransaction = ClientTransaction | ServerTransaction;

const defaultRandom = (): string => randomBytes(8).toString('hex');

export class TransactionLayer {
  private readonly timers: SipTimers;
  private readonly isReliable: (dest: Endpoint) => boolean;
  private readonly random: () => string;
  private readonly log: Logger;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly queue: LayerOutput[] = [];

  constructor(options: TransactionLayerOptions = {}) {
    this.timers = validateTimers({ ...(options.timers ?? DEFAULT_TIMERS) });
    this.isReliable = options.reliable ?? ((dest) => dest.transport !== 'udp');
    this.random = options.random ?? defaultRandom;
    this.log = options.log ?? silentLogger;
  }

  /** A fresh RFC 3261 branch ("z9hG4bK" + random). */
  newBranch(): string {
    return newBranch(this.random);
  }

  /** Start a client transaction. The request's top Via must carry an RFC 3261 branch. */
  sendRequest(request: SipRequest, destination: Endpoint, now: number): ClientTransaction {
    if (request.method === 'ACK') {
      throw new LocalError('ack-is-not-a-transaction', 'an ACK for a 2xx is sent with sendStateless()');
    }
    let key: string | undefined;
    try {
      const branch = branchOf(topVia(request));
      if (!isRfc3261Branch(branch)) throw new LocalError('missing-branch', 'top Via needs a z9hG4bK branch');
      key = clientKeyForRequest(request);
    } catch (e) {
      if (e instanceof LocalError) throw e;
      throw new LocalError('bad-request', 'cannot read the top Via of an outgoing request', { cause: e });
    }
    if (key === undefined) throw new LocalError('missing-branch', 'top Via needs a branch');
    if (this.clients.has(key)) {
      throw new LocalError('duplicate-transaction', `a client transaction ${key} already exists`, { context: { key } });
    }
    const options = { id: key, request, destination, reliable: this.isReliable(destination), timers: this.timers };
    const tx: ClientTransaction =
      request.method === 'INVITE' ? new ClientInviteTransaction(options) : new ClientNonInviteTransaction(options);
    this.clients.set(key, tx);
    this.log.debug('client transaction started', { id: key, method: request.method });
    this.apply(tx, tx.start(now));
    return tx;
  }

  /** Send outside any transaction (the ACK for a 2xx, a 2xx after the INVITE transaction ended). */
  sendStateless(message: SipMessage, destination: Endpoint): void {
    this.queue.push({ type: 'transmit', message, destination });
  }

  /** The TU answers a server transaction. Throws IllegalTransitionError if the state forbids it. */
  sendResponse(tx: ServerTransaction, response: SipResponse, now: number): void {
    this.apply(tx, tx.sendResponse(response, now));
  }

  /** A message from the network. Malformed ones (no Via, CSeq ...) are logged and dropped. */
  receive(message: SipMessage, from: Endpoint, now: number): void {
    if (message.kind === 'response') this.receiveResponse(message, from, now);
    else this.receiveRequest(message, from, now);
  }

  handleTimeout(now: number): void {
    const due: Array<[number, AnyTransaction]> = [];
    for (const tx of [...this.clients.values(), ...this.servers.values()]) {
      const d = tx.nextDeadline();
      if (d !== undefined && d <= now) due.push([d, tx]);
    }
    due.sort((a, b) => a[0] - b[0]);
    for (const [, tx] of due) this.apply(tx, tx.handleTimeout(now));
  }

  nextDeadline(): number | undefined {
    let best: number | undefined;
    for (const tx of [...this.clients.values(), ...this.servers.values()]) {
      const d = tx.nextDeadline();
      if (d !== undefined && (best === undefined || d < best)) best = d;
    }
    return best;
  }

  /** The next output, in order, or undefined when drained. */
  poll(): LayerOutput | undefined {
    return this.queue.shift();
  }

  /** The INVITE server transaction a received CANCEL refers to (§9.2), if it still exists. */
  findInviteForCancel(cancel: SipRequest): ServerInviteTransaction | undefined {
    const tx = lookupInviteForCancel(cancel, (key) => this.servers.get(key));
    return tx?.kind === 'server-invite' ? tx : undefined;
  }

  /** Live transactions (for diagnostics and tests). */
  transactions(): { clients: ClientTransaction[]; servers: ServerTransaction[] } {
    return { clients: [...this.clients.values()], servers: [...this.servers.values()] };
  }

  private receiveResponse(response: SipResponse, from: Endpoint, now: number): void {
    let key: string | undefined;
    try {
      key = clientKeyForResponse(response);
    } catch (e) {
      this.drop('response', e, from);
      return;
    }
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (!tx) {
      this.log.debug('stray response', { status: response.status, from: `${from.address}:${from.port}` });
      this.queue.push({ type: 'stray-response', response, from });
      return;
    }
    this.apply(tx, tx.receiveResponse(response, now));
  }

  private receiveRequest(request: SipRequest, from: Endpoint, now: number): void {
    let key: string;
    let responseTo: Endpoint;
    try {
      const marked = annotateReceivedVia(topVia(request), from);
      if (marked) replaceTopVia(request.headers, marked);
      key = serverKey(request);
      responseTo = responseDestination(topVia(request), from, this.isReliable(from));
    } catch (e) {
      this.drop('request', e, from);
      return;
    }
    const existing = this.servers.get(key);
    if (existing) {
      if (request.method !== 'ACK') this.apply(existing, existing.receiveRetransmission(now), from);
      else if (existing.kind === 'server-invite') this.apply(existing, existing.receiveAck(request, now), from);
      return;
    }
    if (request.method === 'ACK') {
      const accepted = this.findAcceptedInvite(request);
      if (accepted) this.apply(accepted, accepted.receiveAck(request, now), from);
      else this.queue.push({ type: 'ack', request, from });
      return;
    }
    const options = {
      id: key,
      request,
      source: from,
      responseDestination: responseTo,
      reliable: this.isReliable(from),
      timers: this.timers,
    };
    const tx: ServerTransaction =
      request.method === 'INVITE' ? new ServerInviteTransaction(options) : new ServerNonInviteTransaction(options);
    this.servers.set(key, tx);
    this.log.debug('server transaction started', { id: key, method: request.method });
    const cancels = request.method === 'CANCEL' ? this.findInviteForCancel(request) : undefined;
    this.queue.push(cancels ? { type: 'request', request, from, tx, cancels } : { type: 'request', request, from, tx });
    this.apply(tx, tx.start(now), from);
  }

  /** The Accepted INVITE server transaction an ACK for a 2xx belongs to (same Call-ID and CSeq number). */
  private findAcceptedInvite(ack: SipRequest): ServerInviteTransaction | undefined {
    let callId: string;
    let seq: number;
    try {
      callId = callIdOf(ack);
      seq = cseqOf(ack).seq;
    } catch {
      return undefined;
    }
    for (const tx of this.servers.values()) {
      if (tx.kind !== 'server-invite' || tx.state !== 'accepted') continue;
      try {
        if (callIdOf(tx.request) === callId && cseqOf(tx.request).seq === seq) return tx;
      } catch {
        // the INVITE had no usable Call-ID/CSeq: it cannot be the one
      }
    }
    return undefined;
  }

  private drop(what: string, error: unknown, from: Endpoint): void {
    const code = (error as { code?: unknown })?.code;
    this.log.warn(`dropping malformed ${what}`, {
      code: typeof code === 'string' ? code : 'unknown',
      error: error instanceof Error ? error.message : String(error),
      from: `${from.address}:${from.port}`,
    });
  }

  private apply(tx: AnyTransaction, effects: TxEffect[], from?: Endpoint): void {
    const isClient = tx.kind === 'client-invite' || tx.kind === 'client-non-invite';
    for (const effect of effects) {
      switch (effect.type) {
        case 'transmit': {
          const destination = isClient ? (tx as ClientTransaction).destination : (tx as ServerTransaction).responseDestination;
          this.queue.push({ type: 'transmit', message: effect.message, destination });
          break;
        }
        case 'response':
          this.queue.push({
            type: 'response',
            response: effect.response,
            tx: tx as ClientTransaction,
            retransmission: effect.retransmission,
          });
          break;
        case 'ack':
          this.queue.push({
            type: 'ack',
            request: effect.request,
            from: from ?? (tx as ServerTransaction).source,
            tx: tx as ServerTransaction,
          });
          break;
        case 'timeout':
          this.log.info('transaction timed out', { id: tx.id, timer: effect.timer });
          this.queue.push({ type: 'timeout', tx, timer: effect.timer });
          break;
        case 'terminated': {
          const map: Map<string, AnyTransaction> = isClient ? this.clients : this.servers;
          if (map.get(tx.id) === tx) map.delete(tx.id);
          this.queue.push({ type: 'terminated', tx });
          break;
        }
      }
    }
  }
}
