/**
 * Plain data (as parsed from YAML, snake_case) -> TipringConfig (camelCase, defaults filled in),
 * or the full list of problems. Pure: no I/O; positions come from an optional Locator.
 */
import { Checker, type ConfigPath, type Locator } from './checker.js';
import { DEFAULTS } from './defaults.js';
import type { ConfigProblem } from './errors.js';
import { checkBindAddress, checkHost, parseHostPort } from './hosts.js';
import { compileDigitMap } from '../line/digit-map.js';
import { buildStarCodeTable, DEFAULT_STAR_CODES } from '../line/star-codes.js';
import {
  LIMITS,
  LOG_LEVELS,
  type AccountConfig,
  type ConfigOptions,
  type LineConfig,
  type LineFeatureConfig,
  type RigConfig,
  type SecurityConfig,
  type RtpConfig,
  type SipConfig,
  type TipringConfig,
} from './schema.js';

export const KEYS = {
  top: ['board', 'log_level', 'sip', 'rtp', 'rig', 'security', 'control_socket', 'lines'],
  sip: ['bind', 'port', 'user_agent', 'timers'],
  timers: ['t1', 't2', 't4'],
  rtp: ['port_min', 'port_max'],
  rig: ['enabled', 'host', 'base_port'],
  security: ['accept_from', 'trusted', 'check_request_uri', 'auth_incoming_invite', 'alert_foreign_bindings', 'remove_foreign_bindings', 'dial_policy', 'rate_limits', 'alerts'],
  dialPolicy: ['block_classes', 'allow', 'block', 'allow_list_only'],
  rateLimits: ['max_calls_per_hour', 'max_international_per_day'],
  alerts: ['syslog', 'webhook'],
  syslog: ['host', 'port'],
  webhook: ['url'],
  line: ['profile', 'account', 'dial_timeout_ms', 'features', 'srtp'],
  features: [
    'digit_map',
    'star_codes',
    'call_waiting',
    'dnd',
    'dnd_status',
    'forward_all',
    'forward_busy',
    'forward_no_answer',
    'forward_no_answer_s',
    'forward_mode',
    'hotline',
    'hotline_delay_s',
    'mwi',
  ],
  account: ['registrar', 'domain', 'user', 'auth_user', 'password', 'display_name', 'expires'],
} as const;

export type ValidationResult = { ok: true; config: TipringConfig } | { ok: false; problems: ConfigProblem[] };

/** RFC 3261 `user`: unreserved / escaped / user-unreserved characters. */
const SIP_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;

export function validateConfig(raw: unknown, options: ConfigOptions, locate?: Locator): ValidationResult {
  const c = new Checker(locate);
  if (raw === undefined || raw === null) {
    c.report([], 'the configuration is empty');
    return { ok: false, problems: c.problems };
  }
  const top = c.mapping([], raw, KEYS.top);
  if (!top) return { ok: false, problems: c.problems };

  const board = c.choice(['board'], top.board, options.boards);
  const logLevel = c.choice(['log_level'], top.log_level, LOG_LEVELS, DEFAULTS.logLevel);
  const sip = readSip(c, top.sip);
  const rtp = readRtp(c, top.rtp);
  const rig = readRig(c, top.rig);
  const security = readSecurity(c, top.security);
  const controlSocket = c.string(['control_socket'], top.control_socket, {
    default: DEFAULTS.controlSocket,
    check: (s) => (s.startsWith('/') ? undefined : 'must be an absolute path'),
  });
  const lines = c.list(['lines'], top.lines, true).map((l, i) => readLine(c, ['lines', i], l, options));
  if (Array.isArray(top.lines) && top.lines.length === 0) {
    c.report(['lines'], 'must list at least one line');
  }
  const boardLines = options.boardLines?.[board];
  if (boardLines !== undefined && lines.length > boardLines) {
    c.report(['lines', boardLines], `board "${board}" has ${boardLines} line${boardLines === 1 ? '' : 's'}; this entry and any after it have no line to use`);
  }
  // Port clashes only make sense between ports that are each valid.
  if (!c.problems.some((p) => /^(sip\.port|rtp\.|rig\.)/.test(p.path))) checkPorts(c, sip, rtp, rig, lines.length);
  return c.problems.length === 0
    ? { ok: true, config: { board, logLevel, sip, rtp, rig, security, controlSocket, lines } }
    : { ok: false, problems: c.problems };
}

function readSip(c: Checker, value: unknown): SipConfig {
  const d = DEFAULTS.sip;
  const m = c.mapping(['sip'], value, KEYS.sip) ?? {};
  const t = c.mapping(['sip', 'timers'], m.timers, KEYS.timers) ?? {};
  const before = c.problems.length;
  const timers = {
    t1: c.integer(['sip', 'timers', 't1'], t.t1, LIMITS.t1, d.timers.t1),
    t2: c.integer(['sip', 'timers', 't2'], t.t2, LIMITS.t2, d.timers.t2),
    t4: c.integer(['sip', 'timers', 't4'], t.t4, LIMITS.t4, d.timers.t4),
  };
  if (c.problems.length === before && timers.t2 < timers.t1) c.report(['sip', 'timers', 't2'], `must not be smaller than t1 (${timers.t1})`);
  return {
    bind: c.string(['sip', 'bind'], m.bind, { default: d.bind, check: checkBindAddress }),
    port: c.integer(['sip', 'port'], m.port, LIMITS.sipPort, d.port),
    userAgent: c.string(['sip', 'user_agent'], m.user_agent, { default: d.userAgent, allowEmpty: true }),
    timers,
  };
}

function readRtp(c: Checker, value: unknown): RtpConfig {
  const m = c.mapping(['rtp'], value, KEYS.rtp) ?? {};
  const before = c.problems.length;
  const portMin = c.integer(['rtp', 'port_min'], m.port_min, LIMITS.rtpPort, DEFAULTS.rtp.portMin);
  const portMax = c.integer(['rtp', 'port_max'], m.port_max, LIMITS.rtpPortMax, DEFAULTS.rtp.portMax);
  if (portMin % 2 !== 0) c.report(['rtp', 'port_min'], `must be even (RTP on even ports, RTCP on the next odd one); got ${portMin}`);
  if (c.problems.length === before && portMax <= portMin) c.report(['rtp', 'port_max'], `must be greater than port_min (${portMin}); got ${portMax}`);
  return { portMin, portMax };
}

function readRig(c: Checker, value: unknown): RigConfig {
  const d = DEFAULTS.rig;
  const m = c.mapping(['rig'], value, KEYS.rig) ?? {};
  return {
    enabled: c.boolean(['rig', 'enabled'], m.enabled, d.enabled),
    host: c.string(['rig', 'host'], m.host, { default: d.host, check: checkHost }),
    basePort: c.integer(['rig', 'base_port'], m.base_port, LIMITS.rigPort, d.basePort),
  };
}

function readSecurity(c: Checker, value: unknown): SecurityConfig {
  const d = DEFAULTS.security;
  const m = c.mapping(['security'], value, KEYS.security) ?? {};
  const trusted = c.list(['security', 'trusted'], m.trusted, false).map((t, i) =>
    c.string(['security', 'trusted', i], t, {
      check: (s) => {
        const hp = parseHostPort(s);
        return 'error' in hp ? hp.error : /^[\d.]+$|:/.test(hp.host) ? undefined : `"${s}" must be an IP address (optionally with :port), not a name`;
      },
    }),
  );
  return {
    acceptFrom: c.choice(['security', 'accept_from'], m.accept_from, ['proxy', 'any'] as const, d.acceptFrom),
    trusted: Array.isArray(m.trusted) ? trusted : [...d.trusted],
    checkRequestUri: c.boolean(['security', 'check_request_uri'], m.check_request_uri, d.checkRequestUri),
    authIncomingInvite: c.boolean(['security', 'auth_incoming_invite'], m.auth_incoming_invite, d.authIncomingInvite),
    alertForeignBindings: c.boolean(['security', 'alert_foreign_bindings'], m.alert_foreign_bindings, d.alertForeignBindings),
    removeForeignBindings: c.boolean(['security', 'remove_foreign_bindings'], m.remove_foreign_bindings, d.removeForeignBindings),
    dialPolicy: readDialPolicy(c, m.dial_policy),
    rateLimits: readRateLimits(c, m.rate_limits),
    alerts: readAlerts(c, m.alerts),
  };
}

const NUMBER_CLASSES = ['emergency', 'local', 'national', 'mobile', 'toll-free', 'international', 'premium', 'special'] as const;

function readDialPolicy(c: Checker, value: unknown): SecurityConfig['dialPolicy'] {
  const d = DEFAULTS.security.dialPolicy;
  const p = ['security', 'dial_policy'];
  const m = c.mapping(p, value, KEYS.dialPolicy) ?? {};
  const strings = (key: string, v: unknown, def: string[]) =>
    v === undefined || v === null ? [...def] : c.list([...p, key], v).map((x, i) => c.string([...p, key, i], x));
  return {
    blockClasses: m.block_classes === undefined || m.block_classes === null ? [...d.blockClasses] : c.list([...p, 'block_classes'], m.block_classes).map((x, i) => c.choice([...p, 'block_classes', i], x, NUMBER_CLASSES)),
    allow: strings('allow', m.allow, d.allow),
    block: strings('block', m.block, d.block),
    allowListOnly: c.boolean([...p, 'allow_list_only'], m.allow_list_only, d.allowListOnly),
  };
}

function readRateLimits(c: Checker, value: unknown): SecurityConfig['rateLimits'] {
  const d = DEFAULTS.security.rateLimits;
  const p = ['security', 'rate_limits'];
  const m = c.mapping(p, value, KEYS.rateLimits) ?? {};
  const limit = (key: string, v: unknown, def: number | null) => (v === null ? null : c.integer([...p, key], v, { min: 0, max: 100000 }, def ?? undefined));
  return {
    maxCallsPerHour: m.max_calls_per_hour === undefined ? d.maxCallsPerHour : limit('max_calls_per_hour', m.max_calls_per_hour, d.maxCallsPerHour),
    maxInternationalPerDay: m.max_international_per_day === undefined ? d.maxInternationalPerDay : limit('max_international_per_day', m.max_international_per_day, d.maxInternationalPerDay),
  };
}

function readAlerts(c: Checker, value: unknown): SecurityConfig['alerts'] {
  const p = ['security', 'alerts'];
  const m = c.mapping(p, value, KEYS.alerts) ?? {};
  const out: SecurityConfig['alerts'] = {};
  if (m.syslog !== undefined && m.syslog !== null) {
    const s = c.mapping([...p, 'syslog'], m.syslog, KEYS.syslog) ?? {};
    out.syslog = { host: c.string([...p, 'syslog', 'host'], s.host, { check: checkHost }), port: c.integer([...p, 'syslog', 'port'], s.port, { min: 1, max: 65535 }, 514) };
  }
  if (m.webhook !== undefined && m.webhook !== null) {
    const w = c.mapping([...p, 'webhook'], m.webhook, KEYS.webhook) ?? {};
    out.webhook = { url: c.string([...p, 'webhook', 'url'], w.url, { check: (u) => (/^https?:\/\/\S+$/.test(u) ? undefined : 'must be an http(s) URL') }) };
  }
  return out;
}

function readLine(c: Checker, path: ConfigPath, value: unknown, options: ConfigOptions): LineConfig {
  const m = c.mapping(path, value, KEYS.line);
  if (!m) return { profile: '', account: { ...PLACEHOLDER_ACCOUNT }, dialTimeoutMs: 0, features: { ...DEFAULTS.features, starCodes: {} }, srtp: DEFAULTS.line.srtp };
  return {
    profile: c.choice([...path, 'profile'], m.profile, options.profiles),
    account: readAccount(c, [...path, 'account'], m.account),
    dialTimeoutMs: c.integer([...path, 'dial_timeout_ms'], m.dial_timeout_ms, LIMITS.dialTimeoutMs, DEFAULTS.line.dialTimeoutMs),
    features: readFeatures(c, [...path, 'features'], m.features),
    srtp: c.choice([...path, 'srtp'], m.srtp, ['off', 'optional', 'required'] as const, DEFAULTS.line.srtp),
  };
}

const DIAL_NUMBER = /^\+?[0-9*#]+$/;

function number(c: Checker, path: ConfigPath, value: unknown): string {
  return c.string(path, value, {
    default: '',
    allowEmpty: true,
    check: (s) => (DIAL_NUMBER.test(s) ? undefined : `"${s}" is not a number to dial (digits, *, #, optional leading +)`),
  });
}

function readFeatures(c: Checker, path: ConfigPath, value: unknown): LineFeatureConfig {
  const d = DEFAULTS.features;
  const m = c.mapping(path, value, KEYS.features) ?? {};
  const digitMap = c.string([...path, 'digit_map'], m.digit_map, {
    default: d.digitMap,
    allowEmpty: true,
    check: (s) => {
      try {
        compileDigitMap(s);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  });
  const starCodes: Record<string, string | null> = {};
  const sc = c.mapping([...path, 'star_codes'], m.star_codes, DEFAULT_STAR_CODES.map((e) => e.action)) ?? {};
  for (const [action, code] of Object.entries(sc)) {
    if (code === null || code === false) starCodes[action] = null;
    else starCodes[action] = c.string([...path, 'star_codes', action], code);
  }
  try {
    buildStarCodeTable(starCodes as Parameters<typeof buildStarCodeTable>[0]);
  } catch (e) {
    c.report([...path, 'star_codes'], e instanceof Error ? e.message : String(e));
  }
  const dndStatus = c.integer([...path, 'dnd_status'], m.dnd_status, { min: 480, max: 486 }, d.dndStatus);
  if (dndStatus !== 480 && dndStatus !== 486) c.report([...path, 'dnd_status'], `must be 486 or 480 (got ${dndStatus})`);
  return {
    digitMap,
    starCodes,
    callWaiting: c.boolean([...path, 'call_waiting'], m.call_waiting, d.callWaiting),
    dnd: c.boolean([...path, 'dnd'], m.dnd, d.dnd),
    dndStatus: dndStatus === 480 ? 480 : 486,
    forwardAll: number(c, [...path, 'forward_all'], m.forward_all),
    forwardBusy: number(c, [...path, 'forward_busy'], m.forward_busy),
    forwardNoAnswer: number(c, [...path, 'forward_no_answer'], m.forward_no_answer),
    forwardNoAnswerS: c.integer([...path, 'forward_no_answer_s'], m.forward_no_answer_s, LIMITS.forwardNoAnswerS, d.forwardNoAnswerS),
    forwardMode: c.choice([...path, 'forward_mode'], m.forward_mode, ['redirect'] as const, d.forwardMode),
    hotline: number(c, [...path, 'hotline'], m.hotline),
    hotlineDelayS: c.integer([...path, 'hotline_delay_s'], m.hotline_delay_s, LIMITS.hotlineDelayS, d.hotlineDelayS),
    mwi: c.boolean([...path, 'mwi'], m.mwi, d.mwi),
  };
}

const PLACEHOLDER_ACCOUNT: AccountConfig = {
  registrarHost: '',
  registrarPort: 0,
  domain: '',
  user: '',
  authUser: '',
  password: '',
  expires: 0,
};

function readAccount(c: Checker, path: ConfigPath, value: unknown): AccountConfig {
  const m = c.mapping(path, value, KEYS.account, true);
  if (!m) return { ...PLACEHOLDER_ACCOUNT };
  const d = DEFAULTS.account;

  let registrarHost = '';
  let registrarPort = d.registrarPort;
  c.string([...path, 'registrar'], m.registrar, {
    check: (s) => {
      const hp = parseHostPort(s);
      if ('error' in hp) return hp.error;
      registrarHost = hp.host;
      registrarPort = hp.port ?? d.registrarPort;
      return undefined;
    },
  });
  const user = c.string([...path, 'user'], m.user, {
    check: (s) => (SIP_USER.test(s) ? undefined : `"${s}" has characters not allowed in a SIP user name`),
  });
  const displayName = c.string([...path, 'display_name'], m.display_name, { default: '', allowEmpty: true });
  const account: AccountConfig = {
    registrarHost,
    registrarPort,
    domain: c.string([...path, 'domain'], m.domain, { default: registrarHost, check: checkHost }),
    user,
    authUser: c.string([...path, 'auth_user'], m.auth_user, { default: user }),
    password: c.string([...path, 'password'], m.password, { allowEmpty: true }),
    expires: c.integer([...path, 'expires'], m.expires, LIMITS.expires, d.expires),
  };
  if (displayName !== '') account.displayName = displayName;
  return account;
}

/**
 * Port clashes. Line i uses SIP port sip.port + i (main.ts) and rig port rig.base_port + i: all
 * of them must fit below 65536, no SIP port may fall in the RTP range (both UDP), and no rig
 * port may reuse a SIP or RTP port number (TCP, but one port, one use keeps firewalls sane).
 */
function checkPorts(c: Checker, sip: SipConfig, rtp: RtpConfig, rig: RigConfig, lineCount: number): void {
  const rtpPorts = rtp.portMax - rtp.portMin + 1;
  if (rtpPorts < 2 * lineCount) {
    c.report(['rtp', 'port_max'], `the RTP range has ${rtpPorts} ports; ${lineCount} lines need at least ${2 * lineCount} (RTP + RTCP each)`);
  }
  const inRtp = (p: number) => p >= rtp.portMin && p <= rtp.portMax;
  const sipPorts = new Map<number, number>();
  if (sip.port !== 0) {
    for (let i = 0; i < lineCount; i++) {
      const port = sip.port + i;
      if (port > 65535) {
        c.report(['sip', 'port'], `${lineCount} lines need SIP ports ${sip.port}..${sip.port + lineCount - 1}, past 65535`);
        break;
      }
      sipPorts.set(port, i);
      if (inRtp(port)) c.report(['sip', 'port'], `SIP port ${port} (line ${i + 1}) is inside the RTP range ${rtp.portMin}..${rtp.portMax}`);
    }
  }
  if (!rig.enabled || rig.basePort === 0) return;
  for (let i = 0; i < lineCount; i++) {
    const port = rig.basePort + i;
    if (port > 65535) {
      c.report(['rig', 'base_port'], `${lineCount} lines need rig ports ${rig.basePort}..${rig.basePort + lineCount - 1}, past 65535`);
      return;
    }
    const sipLine = sipPorts.get(port);
    const clash = sipLine !== undefined ? `the SIP port of line ${sipLine + 1}` : inRtp(port) ? 'inside the RTP range' : undefined;
    if (clash) c.report(['rig', 'base_port'], `rig port ${port} (line ${i + 1}) is ${clash}; give each port one use`);
  }
}
