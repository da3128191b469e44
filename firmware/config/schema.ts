/**
 * The typed configuration, as the rest of the firmware sees it (camelCase, every default filled
 * in). The YAML spelling (snake_case) is documented key by key in example.yaml; the mapping and
 * the checks live in validate.ts.
 */
import type { LogLevel } from '../core/log.js';

export type { LogLevel };

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface SipTimers {
  /** RFC 3261 T1 (RTT estimate), ms. */
  t1: number;
  /** RFC 3261 T2 (max retransmit interval for non-INVITE requests and INVITE responses), ms. */
  t2: number;
  /** RFC 3261 T4 (max time a message stays in the network), ms. */
  t4: number;
}

export interface SipConfig {
  /** Local address for SIP and RTP; '0.0.0.0' (or '::') = all interfaces. */
  bind: string;
  /** Local SIP UDP port; 0 = pick a random free port. */
  port: number;
  /** User-Agent/Server header value; '' = send none. */
  userAgent: string;
  timers: SipTimers;
}

export interface RtpConfig {
  /** First RTP port (even). RTCP uses RTP port + 1. */
  portMin: number;
  /** Last port of the range (inclusive). */
  portMax: number;
}

export interface RigConfig {
  /** Serve the test rig (simulated phones) on TCP, one port per line. */
  enabled: boolean;
  host: string;
  /** Line i (0-based) listens on basePort + i; 0 = random ports. See rigPortForLine. */
  basePort: number;
}

export interface AccountConfig {
  /** Registrar/proxy host name or IP literal (IPv6 without brackets). */
  registrarHost: string;
  registrarPort: number;
  /** Domain of the address of record (defaults to registrarHost). */
  domain: string;
  /** User part of the AOR. */
  user: string;
  /** Digest username (defaults to user). */
  authUser: string;
  /** Digest password. Never log it: print configs through redactConfig(). */
  password: string;
  displayName?: string;
  /** Registration expiry to request, seconds. */
  expires: number;
}

export interface LineConfig {
  /** Country profile code (a key of PROFILES). */
  profile: string;
  account: AccountConfig;
  /** Inter-digit timeout before the collected number is dialled, ms. */
  dialTimeoutMs: number;
  /** Telephone features at the handset (dial plan, star codes, forwarding, DND, hotline, ...). */
  features: LineFeatureConfig;
  /** SRTP (SDES) policy for this line's calls. */
  srtp: 'off' | 'optional' | 'required';
}

/** Per-line feature settings (docs/user-guide.md). */
export interface LineFeatureConfig {
  /** Digit map (firmware/line/digit-map.ts syntax); '' = the profile's default map. */
  digitMap: string;
  /** Star-code overrides: action name -> code, or null to switch the code off. */
  starCodes: Record<string, string | null>;
  callWaiting: boolean;
  dnd: boolean;
  /** SIP status callers get while DND is on: 486 Busy Here or 480 Temporarily Unavailable. */
  dndStatus: 486 | 480;
  forwardAll: string;
  forwardBusy: string;
  forwardNoAnswer: string;
  forwardNoAnswerS: number;
  /** 'redirect': 302 to the caller. (Re-originating from the device is not implemented.) */
  forwardMode: 'redirect';
  /** Hotline / warm-line number ('' = off). */
  hotline: string;
  /** 0 = hotline; N > 0 = warm line after N seconds without a digit. */
  hotlineDelayS: number;
  /** Subscribe to message-waiting indications (stutter dial tone). */
  mwi: boolean;
}

export interface SecurityConfig {
  /** 'proxy': accept SIP requests only from the registrar/proxy (and `trusted`); 'any': from anyone. */
  acceptFrom: 'proxy' | 'any';
  /** Extra sources accepted besides the proxy: "address" or "address:port". */
  trusted: string[];
  /** Refuse out-of-dialog requests whose Request-URI user is not the line's user. */
  checkRequestUri: boolean;
  /** Challenge incoming INVITEs (401) with the line's own credentials. */
  authIncomingInvite: boolean;
  /** Raise an alert when the registrar lists a binding of our account this device did not make. */
  alertForeignBindings: boolean;
  /** Also remove such bindings (off by default: some users share an account on purpose). */
  removeForeignBindings: boolean;
  /** Toll-fraud dial policy (firmware/security/dial-policy.ts; docs/security.md). */
  dialPolicy: { blockClasses: string[]; allow: string[]; block: string[]; allowListOnly: boolean };
  /** Outgoing call limits; null = no limit. Emergency calls are never limited. */
  rateLimits: { maxCallsPerHour: number | null; maxInternationalPerDay: number | null };
  /** Where security alerts go besides the log. */
  alerts: { syslog?: { host: string; port: number }; webhook?: { url: string } };
}

export interface TipringConfig {
  /** Board definition name (a key of BOARDS). */
  board: string;
  logLevel: LogLevel;
  sip: SipConfig;
  rtp: RtpConfig;
  rig: RigConfig;
  security: SecurityConfig;
  /** Path of the local control socket (`tipring selftest-invite-auth`, `tipring ctl`). */
  controlSocket: string;
  lines: LineConfig[];
}

/** What the validator checks names against (supplied by the caller: BOARDS and PROFILES keys). */
export interface ConfigOptions {
  boards: readonly string[];
  profiles: readonly string[];
  /** Name used in messages (usually the file path); default 'config'. */
  sourceName?: string;
  /** Optional: how many lines each board has; when given, extra `lines` entries are reported. */
  boardLines?: Readonly<Record<string, number>>;
}

/** Allowed ranges (inclusive), shared by the validator and the documentation. */
export const LIMITS = {
  sipPort: { min: 0, max: 65535 },
  t1: { min: 10, max: 10_000 },
  t2: { min: 10, max: 64_000 },
  t4: { min: 0, max: 64_000 },
  rtpPort: { min: 1024, max: 65534 },
  rtpPortMax: { min: 1025, max: 65535 },
  rigPort: { min: 0, max: 65535 },
  registrarPort: { min: 1, max: 65535 },
  expires: { min: 30, max: 86_400 },
  dialTimeoutMs: { min: 500, max: 60_000 },
  forwardNoAnswerS: { min: 1, max: 300 },
  hotlineDelayS: { min: 0, max: 60 },
} as const;

/** The TCP port of the rig endpoint for line `index` (0-based); 0 means "random". */
export function rigPortForLine(rig: RigConfig, index: number): number {
  return rig.basePort === 0 ? 0 : rig.basePort + index;
}
