/**
 * Adapter: runs a sans-IO `KeepAlive` (firmware/sip/nat/keepalive.ts) on a Clock. Writes its
 * keep-alives through `sendKeepAlive` (see `keepAliveSender`), asks the owner to send OPTIONS,
 * feeds pongs and OPTIONS outcomes back, and reports a lost flow to `onLost`.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { Pump } from '../../core/pump.js';
import type { Endpoint } from '../message/types.js';
import type { KeepAlive, KeepAliveLossReason } from '../nat/keepalive.js';
import { endpointKey } from './sip-transport.js';
import type { SipTransport, TransportTarget } from './sip-transport.js';
import type { StreamTransport } from './stream-transport.js';
import { MultiTransport } from './multi-transport.js';
import { TransportError } from './transport-errors.js';

export interface KeepAliveRunnerOptions {
  core: KeepAlive;
  clock: Clock;
  log: Logger;
  /** Write keep-alive octets on the flow; reject when the flow is gone. */
  sendKeepAlive(data: Buffer, flow: Endpoint): Promise<void>;
  /** Send an OPTIONS on the flow (method 'options'); resolve with the final status, reject on timeout/transport error. */
  sendOptions?(flow: Endpoint): Promise<number>;
  onLost(reason: KeepAliveLossReason | 'send-failed', flow: Endpoint): void;
}

export class KeepAliveRunner {
  private readonly pump: Pump;
  private readonly flowKey: string;

  constructor(private readonly o: KeepAliveRunnerOptions) {
    this.pump = new Pump(o.clock, o.core, () => this.drain());
    this.flowKey = endpointKey(o.core.flow);
  }

  start(): void {
    this.o.core.start(this.o.clock.now());
    this.pump.kick();
  }

  stop(): void {
    if (this.o.core.state !== 'stopped') this.o.core.stop();
    this.pump.kick();
  }

  /** Feed a transport event's pong (ignored unless it is this runner's flow). */
  pong(remote: Endpoint): void {
    if (endpointKey(remote) !== this.flowKey) return;
    this.o.core.pong(this.o.clock.now());
    this.pump.kick();
  }

  private drain(): void {
    for (let out = this.o.core.poll(); out; out = this.o.core.poll()) {
      switch (out.type) {
        case 'send':
          this.o.sendKeepAlive(out.data, out.flow).catch((e) => this.sendFailed(e, out.flow));
          break;
        case 'send-options': {
          const send = this.o.sendOptions;
          if (!send) {
            this.sendFailed(new Error('no OPTIONS sender configured'), out.flow);
            break;
          }
          send(out.flow).then(
            (status) => {
              this.o.core.optionsAnswered(status, this.o.clock.now());
              this.pump.kick();
            },
            (e: unknown) => {
              this.o.core.optionsFailed(this.o.clock.now(), e instanceof TransportError ? 'transport' : 'timeout');
              this.pump.kick();
            },
          );
          break;
        }
        case 'keepalive-lost':
          this.o.log.warn('NAT keep-alive lost', { flow: `${out.flow.transport}:${out.flow.address}:${out.flow.port}`, reason: out.reason });
          this.o.onLost(out.reason, out.flow);
          break;
      }
    }
  }

  private sendFailed(e: unknown, flow: Endpoint): void {
    this.o.log.warn('NAT keep-alive could not be sent', { error: e, flow: `${flow.transport}:${flow.address}:${flow.port}` });
    if (this.o.core.state !== 'stopped') this.o.core.stop();
    this.pump.kick();
    this.o.onLost('send-failed', flow);
  }
}

function isStream(t: SipTransport | undefined): t is StreamTransport {
  return t !== undefined && typeof (t as Partial<StreamTransport>).ping === 'function';
}

/**
 * The keep-alive writer for a transport: UDP flows get a datagram; TCP/TLS flows get an RFC 5626
 * ping on the existing connection only (never a new connection: a keep-alive on a fresh
 * connection would hide that the registered flow is gone).
 */
export function keepAliveSender(transport: SipTransport): (data: Buffer, flow: TransportTarget) => Promise<void> {
  return async (data, flow) => {
    const t = transport instanceof MultiTransport ? transport.get(flow.transport) : transport;
    if (flow.transport === 'udp' || !isStream(t)) {
      await (t ?? transport).send(data, flow);
      return;
    }
    if (!t.ping(flow)) throw new TransportError('connection-closed', `no open ${flow.transport} flow to ${flow.address}:${flow.port}`, flow);
  };
}
