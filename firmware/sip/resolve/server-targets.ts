/**
 * Adapter: drives a `TargetList` with a `DnsResolver` and a Clock, so that the composition root
 * can ask "which server now?" (`current()`, resolving first when the list is new, expired or used
 * up) and report outcomes (`failed()`, `succeeded()`). Concurrent callers share one resolution.
 */
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { DnsResolver } from './dns.js';
import { DnsError } from './dns.js';
import { locateSipServer } from './server-locator.js';
import type { LocateOptions, SipTarget } from './server-locator.js';
import type { SipDestination } from './sip-destination.js';
import { TargetList } from './target-list.js';
import type { TargetFailure, TargetListOptions } from './target-list.js';

export interface ServerTargetsOptions {
  destination: SipDestination;
  dns: DnsResolver;
  clock: Clock;
  log: Logger;
  locate?: LocateOptions;
  list?: Omit<TargetListOptions, 'log'>;
}

export class ServerTargets {
  readonly list: TargetList;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly o: ServerTargetsOptions) {
    this.list = new TargetList({ ...o.list, log: o.log });
  }

  /** The target to use now; resolves DNS first when needed. Rejects with a DnsError when nothing is known. */
  async current(): Promise<SipTarget> {
    if (this.inFlight) await this.inFlight;
    else if (this.list.needsResolution(this.o.clock.now())) await this.refresh();
    const t = this.list.current();
    if (t) return t;
    throw new DnsError('no-targets', `no reachable SIP server for ${this.o.destination.host}`, { context: { host: this.o.destination.host } });
  }

  /** Resolve again now (shared by concurrent callers). */
  refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.list.beginResolution(this.o.clock.now());
    this.inFlight = locateSipServer(this.o.destination, this.o.dns, this.o.locate)
      .then(
        (located) => this.list.resolved(located, this.o.clock.now()),
        (e: unknown) => this.list.resolutionFailed(e as Error, this.o.clock.now()),
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** Give up `target` (timeout, 503, connection failure); returns the next one if the list has one. */
  failed(target: SipTarget, reason: TargetFailure, retryAfterS?: number): SipTarget | undefined {
    return this.list.failed(target, reason, this.o.clock.now(), retryAfterS);
  }

  succeeded(target: SipTarget): void {
    this.list.succeeded(target, this.o.clock.now());
  }
}
