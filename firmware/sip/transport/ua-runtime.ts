/** Runs a sans-IO UserAgent on a UDP transport and a clock; hands its events to a listener. */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { Pump } from '../../core/pump.js';
import type { UaEvent } from '../ua/ua-events.js';
import type { UserAgent } from '../ua/user-agent.js';
import type { SipTransport } from './sip-transport.js';

export class UaRuntime {
  private readonly pump: Pump;
  private listener: (e: UaEvent) => void = () => {};

  constructor(
    readonly ua: UserAgent,
    private readonly transport: SipTransport,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.pump = new Pump(clock, ua, () => this.drain());
  }

  onEvent(listener: (e: UaEvent) => void): void {
    this.listener = listener;
  }

  /** Feed a datagram from the transport. */
  receive(data: Buffer, from: { address: string; port: number; transport: 'udp' | 'tcp' | 'tls' }): void {
    this.ua.receive(data, from, this.clock.now());
    this.pump.kick();
  }

  /** Run a command against the UA at the current time, then flush what it produced. */
  run<T>(command: (ua: UserAgent, now: number) => T): T {
    const result = command(this.ua, this.clock.now());
    this.pump.kick();
    return result;
  }

  stop(): void {
    this.pump.stop();
  }

  private drain(): void {
    for (let o = this.ua.poll(); o; o = this.ua.poll()) {
      if (o.type === 'transmit') {
        this.transport.send(o.data, o.destination).catch((e) => this.log.warn('SIP send failed', { error: e, to: o.destination.address }));
      } else {
        try {
          this.listener(o.event);
        } catch (e) {
          this.log.error('UA event listener failed', { error: e, event: o.event.type });
        }
      }
    }
  }
}
