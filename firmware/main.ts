/**
 * The composition root: the only place that picks real or simulated backends and wires the
 * firmware together from the config.
 */
import { lookup } from 'node:dns/promises';
import { getBoard } from '../board/index.js';
import type { BoardDefinition, LineDefinition } from '../board/types.js';
import type { Hal } from '../hal/hal.js';
import { createSimHal } from '../hal/sim/create-sim-hal.js';
import { RigSession } from '../hal/rig/rig-session.js';
import { startRigServer } from '../hal/rig/rig-server.js';
import type { Clock } from './core/clock.js';
import { LocalError } from './core/errors.js';
import { createLogger, lineSink } from './core/log.js';
import type { Logger } from './core/log.js';
import { createSystemClock } from './core/system-clock.js';
import { openRtpSocket } from './call/rtp-socket.js';
import type { TipringConfig } from './config/schema.js';
import { LineController } from './line/line-controller.js';
import { DEFAULT_TIMINGS } from './line/line-fsm.js';
import { lineFeatureOptions } from './line/line-options.js';
import { getProfile } from './line/profiles/index.js';
import { Ag1171Driver } from './line/slic/ag1171-driver.js';
import { Si321xDriver } from './line/slic/si321x/index.js';
import { createRealHal } from '../hal/create-real-hal.js';
import { createHealthReporter } from './ota/health.js';
import { EXIT_RESTART } from './ota/launcher.js';
import { createUpdateService } from './ota/update-service.js';
import type { UpdateService } from './ota/update-service.js';
import { DEFAULT_SETTINGS_PATH, loadSettings } from './ota/update-settings.js';
import type { SlicDriver } from './line/slic/types.js';
import { localAddressFor, openUdpTransport } from './sip/transport/udp-transport.js';
import { UaRuntime } from './sip/transport/ua-runtime.js';
import { randomBytes } from 'node:crypto';
import { startControlServer } from './control/control-server.js';
import { DigestVerifier } from './sip/auth/digest-server.js';
import { InboundPolicy } from './sip/ua/inbound-policy.js';
import type { UaEvent } from './sip/ua/ua-events.js';
import { fanOutAlerts, logAlertSink, makeAlert } from './security/alert.js';
import type { AlertSink } from './security/alert.js';
import { CallGuard } from './security/call-guard.js';
import type { NumberClass } from './security/numbering/types.js';
import { RateLimiter } from './security/rate-limiter.js';
import { createSyslogAlertSink } from './security/syslog-alert-sink.js';
import { createWebhookAlertSink } from './security/webhook-alert-sink.js';
import { UserAgent } from './sip/ua/user-agent.js';

/** Refusal codes of the call guard (it alerts for them itself). */
const REFUSAL_CODES: Record<string, true> = { 'invalid-number': true, 'blocked-pattern': true, 'not-in-allow-list': true, 'class-blocked': true, 'path-blocked': true };

export interface RunningFirmware {
  stop(): Promise<void>;
  lines: LineController[];
}

export interface RunOptions {
  configPath: string;
  clock?: Clock;
  log?: Logger;
  /** Called with each line's rig endpoint (sim board) once listening. */
  onRig?: (line: number, host: string, port: number) => void;
}

function createSlic(def: LineDefinition, hal: Hal, clock: Clock, log: Logger): SlicDriver {
  switch (def.slic.chip) {
    case 'ag1171':
      return new Ag1171Driver({ gpio: hal.gpio, pins: def.slic.pins, clock, log });
    case 'si3215':
      return new Si321xDriver({ spi: hal.spi, gpio: hal.gpio, clock, log, slic: def.slic });
    default:
      throw new LocalError('unsupported-slic', `no driver for SLIC chip '${(def.slic as { chip: string }).chip}'`);
  }
}

async function resolveHost(host: string): Promise<string> {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return host;
  const r = await lookup(host);
  return r.address;
}

export async function runFirmware(config: TipringConfig, options: RunOptions): Promise<RunningFirmware> {
  const clock = options.clock ?? createSystemClock();
  const log = options.log ?? createLogger(lineSink(), config.logLevel);
  // update settings (when this device takes signed updates) and health for the update launcher and
  // the systemd watchdog (READY=1, WATCHDOG=1)
  const settings = await loadSettings(process.env['TIPRING_UPDATE_SETTINGS'] ?? DEFAULT_SETTINGS_PATH).catch(() => undefined);
  const health = createHealthReporter({ clock, log: log.child({ part: 'health' }), ...(settings?.health ? { timings: settings.health } : {}) });
  health.markConfigLoaded();
  const board: BoardDefinition = getBoard(config.board);
  if (config.lines.length > board.lines.length) {
    throw new LocalError('too-many-lines', `board '${board.name}' has ${board.lines.length} line(s); the config uses ${config.lines.length}`);
  }
  let hal: Hal;
  let sim: ReturnType<typeof createSimHal> | undefined;
  if (board.backend === 'sim') {
    sim = createSimHal({ clock, board });
    hal = sim.hal;
  } else {
    hal = await createRealHal({ clock, log: log.child({ part: 'hal' }) });
  }
  health.markHalUp();

  const cleanups: Array<() => Promise<void>> = [];
  // security alerts: the log always, syslog and a webhook when configured
  const sinks: AlertSink[] = [logAlertSink(log.child({ part: 'alert' }))];
  const alertCfg = config.security.alerts;
  if (alertCfg.syslog) {
    const sink = createSyslogAlertSink({ host: alertCfg.syslog.host, port: alertCfg.syslog.port, clock });
    sinks.push(sink);
    cleanups.push(() => sink.close());
  }
  if (alertCfg.webhook) sinks.push(createWebhookAlertSink({ url: alertCfg.webhook.url, clock }));
  const alerts = fanOutAlerts(...sinks);
  // one rate limiter for the whole device: limits count calls from every line together
  const limiter = new RateLimiter(config.security.rateLimits);
  const eventWatchers = new Set<(line: number, e: UaEvent) => void>();
  const lines: LineController[] = [];
  const runtimes: UaRuntime[] = [];
  try {
    for (let i = 0; i < config.lines.length; i++) {
      const lineCfg = config.lines[i]!;
      const def = board.lines[i]!;
      const lineLog = log.child({ line: i + 1 });
      const profile = getProfile(lineCfg.profile);
      const acct = lineCfg.account;
      const proxyAddress = await resolveHost(acct.registrarHost);
      const sipPort = config.sip.port === 0 ? 0 : config.sip.port + i;
      let runtime: UaRuntime | undefined;
      const transport = await openUdpTransport(config.sip.bind, sipPort, (data, from) => runtime?.receive(data, from));
      cleanups.push(() => transport.close());
      const advertised =
        config.sip.bind === '0.0.0.0' || config.sip.bind === '::' ? await localAddressFor(proxyAddress, acct.registrarPort) : config.sip.bind;
      const ua = new UserAgent({
        account: acct,
        local: { address: advertised, port: transport.port, transport: 'udp' },
        proxy: { address: proxyAddress, port: acct.registrarPort, transport: 'udp' },
        log: lineLog.child({ part: 'sip' }),
        userAgent: config.sip.userAgent,
        timers: { T1: config.sip.timers.t1, T2: config.sip.timers.t2, T4: config.sip.timers.t4 },
        isEmergency: (n) => profile.emergencyNumbers.includes(n),
        srtp: lineCfg.srtp,
        inviteAuth: {
          verifier: new DigestVerifier({ realm: acct.domain, username: acct.authUser, password: acct.password, secret: randomBytes(32) }),
          enforce: config.security.authIncomingInvite,
        },
        foreignBindings: { alert: config.security.alertForeignBindings, remove: config.security.removeForeignBindings },
        policy: new InboundPolicy({
          acceptFrom: config.security.acceptFrom,
          trusted: [`${proxyAddress.includes(':') ? `[${proxyAddress}]` : proxyAddress}:${acct.registrarPort}`, ...config.security.trusted],
          checkRequestUri: config.security.checkRequestUri,
          users: [acct.user],
        }),
      });
      runtime = new UaRuntime(ua, transport, clock, lineLog);
      runtimes.push(runtime);
      const pcm = await hal.pcm.open(def.pcm.device, { sampleRate: 8000, periodSamples: 160, channel: def.pcm.channel });
      const controller = new LineController({
        index: i,
        slic: createSlic(def, hal, clock, lineLog.child({ part: 'slic' })),
        pcm,
        sip: runtime,
        profile,
        clock,
        log: lineLog,
        openRtp: (onPacket) => openRtpSocket(config.sip.bind, { min: config.rtp.portMin, max: config.rtp.portMax }, onPacket),
        mediaAddress: advertised,
        timings: { ...DEFAULT_TIMINGS, interDigitMs: lineCfg.dialTimeoutMs, ringCadence: profile.ring.cadences['default'] ?? DEFAULT_TIMINGS.ringCadence },
        ...lineFeatureOptions(lineCfg.features, profile),
        alerts,
        guard: new CallGuard({
          profile,
          policy: { ...config.security.dialPolicy, blockClasses: config.security.dialPolicy.blockClasses as NumberClass[] },
          alerts,
          limiter,
          context: { line: i + 1 },
        }),
        onAlert: (a) => {
          // refusals by the guard raised their own alert already
          if (a.code === 'toll-fraud-blocked' || a.code === 'rate-limit' || a.code in REFUSAL_CODES) return;
          const { code, ...fields } = a;
          alerts.emit(makeAlert(code, 'warning', `${code} on line ${i + 1}`, { line: i + 1, ...fields }, clock.now()));
        },
      });
      const rt = runtime;
      rt.onEvent((e) => {
        if (e.type === 'registration' && e.state === 'registered') health.markRegistered();
        else if (e.type === 'registration' && e.state === 'retry-wait') health.markRegistrationFailed(e.reason ?? 'registration failed');
        for (const w of eventWatchers) w(i, e);
        controller.onUaEvent(e);
      });
      await controller.start();
      cleanups.push(() => controller.stop());
      lines.push(controller);
      log.info('line ready', { line: i + 1, sip: `${advertised}:${transport.port}`, aor: `${acct.user}@${acct.domain}`, registrar: `${proxyAddress}:${acct.registrarPort}` });

      if (sim && config.rig.enabled) {
        const simLine = sim.lines[i]!;
        const session = new RigSession({ phone: simLine.phone, extraStatus: () => controller.status() });
        const server = await startRigServer({
          host: config.rig.host,
          port: config.rig.basePort === 0 ? 0 : config.rig.basePort + i,
          session,
          log: lineLog.child({ part: 'rig' }),
        });
        cleanups.push(() => server.close());
        log.info('rig listening', { line: i + 1, endpoint: `tcp://${config.rig.host}:${server.port}` });
        options.onRig?.(i + 1, config.rig.host, server.port);
      }
      rt.run((u, now) => u.register(now));
    }
    const control = await startControlServer(
      config.controlSocket,
      (cmd) => controlCommand(cmd, lines, runtimes, eventWatchers, clock),
      log.child({ part: 'control' }),
    );
    cleanups.push(() => control.close());
  } catch (e) {
    health.markFatal(`start-up failed: ${(e as Error).message}`);
    health.stop();
    for (const c of cleanups.reverse()) await c().catch(() => {});
    throw e;
  }

  // signed updates, when this device is managed by the launcher (TIPRING_OTA_ROOT) and configured
  let updates: UpdateService | undefined;
  if (settings && process.env['TIPRING_OTA_ROOT']) {
    updates = createUpdateService({
      settings,
      clock,
      log,
      isIdle: () => lines.every((l) => l.status()['line'] === 'idle'),
      requestRestart: (reason) => {
        log.info('restarting into the new build', { reason });
        void running.stop().then(() => process.exit(EXIT_RESTART));
      },
    });
    updates.start();
  }

  const running: RunningFirmware = {
    lines,
    async stop() {
      updates?.stop();
      health.stop();
      await Promise.all(
        runtimes.map(
          (rt) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 2000);
              rt.run((u, now) =>
                u.unregister(now, () => {
                  clearTimeout(timer);
                  resolve();
                }),
              );
            }),
        ),
      );
      for (const rt of runtimes) rt.stop();
      for (const c of cleanups.reverse()) await c().catch(() => {});
    },
  };
  return running;
}

/** Commands on the control socket. */
async function controlCommand(
  command: string,
  lines: LineController[],
  runtimes: UaRuntime[],
  watchers: Set<(line: number, e: UaEvent) => void>,
  clock: Clock,
): Promise<string> {
  const [verb, ...args] = command.split(/\s+/);
  if (verb === 'status') {
    return `OK ${lines.map((l, i) => `line${i + 1}=${Object.entries(l.status()).map(([k, v]) => `${k}:${v}`).join(',')}`).join(' ')}`;
  }
  if (verb === 'selftest' && args[0] === 'invite-auth') {
    const n = Number(args[1] ?? '1');
    const rt = runtimes[n - 1];
    if (!rt || !Number.isInteger(n)) return `ERR no line ${args[1]}`;
    if (rt.ua.registrationState !== 'registered') return `INCONCLUSIVE line ${n} is not registered (${rt.ua.registrationState})`;
    return new Promise<string>((resolve) => {
      const cancel = clock.at(clock.now() + 40000, () => {
        watchers.delete(watch);
        resolve('INCONCLUSIVE no answer within 40 s');
      });
      const watch = (line: number, e: UaEvent) => {
        if (line !== n - 1 || e.type !== 'self-test') return;
        watchers.delete(watch);
        cancel();
        resolve(`${e.result === 'pass' ? 'PASS' : e.result === 'fail' ? 'FAIL' : 'INCONCLUSIVE'} ${e.detail}`);
      };
      watchers.add(watch);
      rt.run((ua, now) => ua.selfTestInviteAuth({ address: ua.ctx.local.address, port: 9 }, now));
    });
  }
  return `ERR unknown command '${verb}' (status | selftest invite-auth LINE)`;
}
