/** In-memory network for sans-IO UA tests: delivers datagrams between cores on a virtual clock. */
import type { Endpoint } from '../../../firmware/sip/message/types.js';
import type { UaEvent } from '../../../firmware/sip/ua/ua-events.js';

export interface NetNode {
  endpoint: Endpoint;
  receive(data: Buffer, from: Endpoint, now: number): void;
  handleTimeout(now: number): void;
  nextDeadline(): number | undefined;
  /** Datagrams and events the node produced. */
  drain(): { transmits: Array<{ data: Buffer; destination: Endpoint }>; events: UaEvent[] };
}

export class Net {
  now = 0;
  readonly nodes: NetNode[] = [];
  readonly events = new Map<NetNode, UaEvent[]>();
  readonly log: string[] = [];
  /** Return true to drop a datagram. */
  drop: (data: Buffer, from: Endpoint, to: Endpoint) => boolean = () => false;
  private queue: Array<{ data: Buffer; from: Endpoint; to: Endpoint }> = [];

  add(n: NetNode): NetNode {
    this.nodes.push(n);
    this.events.set(n, []);
    return n;
  }

  private key(e: Endpoint): string {
    return `${e.address}:${e.port}`;
  }

  flush(): void {
    for (let guard = 0; guard < 1000; guard++) {
      for (const n of this.nodes) {
        const { transmits, events } = n.drain();
        this.events.get(n)!.push(...events);
        for (const t of transmits) this.queue.push({ data: t.data, from: n.endpoint, to: t.destination });
      }
      const q = this.queue;
      this.queue = [];
      if (!q.length) return;
      for (const m of q) {
        this.log.push(`${this.now} ${this.key(m.from)} -> ${this.key(m.to)} ${m.data.toString('utf8').split('\r\n')[0]}`);
        if (this.drop(m.data, m.from, m.to)) continue;
        const dest = this.nodes.find((n) => this.key(n.endpoint) === this.key(m.to));
        dest?.receive(m.data, m.from, this.now);
      }
    }
    throw new Error('network did not settle');
  }

  /** Run time forward to `t`, firing every node's deadlines in order. */
  advanceTo(t: number): void {
    this.flush();
    for (;;) {
      let next: number | undefined;
      for (const n of this.nodes) {
        const d = n.nextDeadline();
        if (d !== undefined && (next === undefined || d < next)) next = d;
      }
      if (next === undefined || next > t) break;
      this.now = Math.max(this.now, next);
      for (const n of this.nodes) {
        const d = n.nextDeadline();
        if (d !== undefined && d <= this.now) n.handleTimeout(this.now);
      }
      this.flush();
    }
    this.now = t;
  }

  advance(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  eventsOf(n: NetNode): UaEvent[] {
    return this.events.get(n)!;
  }
}
