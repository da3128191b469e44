/**
 * Test helper: a real `UserAgent` (the UA core) for line 1000/pass1000@lab.test, driven by the
 * lead's `UaRuntime` over any SIP transport, with its events and received messages recorded.
 */
import type { Clock } from '../../../../firmware/core/clock.js';
import type { Logger } from '../../../../firmware/core/log.js';
import type { Endpoint } from '../../../../firmware/sip/message/types.js';
import type { SipTransport } from '../../../../firmware/sip/transport/sip-transport.js';
import { UaRuntime } from '../../../../firmware/sip/transport/ua-runtime.js';
import type { UaEvent } from '../../../../firmware/sip/ua/ua-events.js';
import { UserAgent } from '../../../../firmware/sip/ua/user-agent.js';
import type { SipTimers } from '../../../../firmware/sip/transaction/timers.js';
import { until } from './sockets.js';

export interface UaHarness {
  ua: UserAgent;
  runtime: UaRuntime;
  events: UaEvent[];
  /** Feed a message from the transport (wire this into the transport's onMessage). */
  receive(data: Buffer, from: Endpoint): void;
  register(): void;
  waitRegistration(state: string, guardMs?: number): Promise<UaEvent>;
  unregister(): Promise<void>;
  stop(): void;
}

export function uaOver(
  transport: SipTransport,
  o: { local: Endpoint; proxy: Endpoint; clock: Clock; log: Logger; user?: string; password?: string; timers?: SipTimers },
): UaHarness {
  const user = o.user ?? '1000';
  const ua = new UserAgent({
    account: { registrarHost: o.proxy.address, registrarPort: o.proxy.port, domain: 'lab.test', user, authUser: user, password: o.password ?? `pass${user}`, expires: 300 },
    local: { address: o.local.address, port: o.local.port, transport: o.local.transport },
    proxy: o.proxy,
    log: o.log,
    userAgent: 'tipring-transport-test',
    ...(o.timers ? { timers: o.timers } : {}),
  });
  const runtime = new UaRuntime(ua, transport, o.clock, o.log);
  const events: UaEvent[] = [];
  runtime.onEvent((e) => events.push(e));
  return {
    ua,
    runtime,
    events,
    receive: (data, from) => runtime.receive(data, from),
    register: () => runtime.run((u, now) => u.register(now)),
    async waitRegistration(state, guardMs = 15_000) {
      await until(() => events.some((e) => e.type === 'registration' && e.state === state), `registration ${state}`, guardMs);
      return events.find((e) => e.type === 'registration' && e.state === state)!;
    },
    unregister: () =>
      new Promise<void>((resolve) => {
        runtime.run((u, now) => u.unregister(now, resolve));
      }),
    stop: () => runtime.stop(),
  };
}
