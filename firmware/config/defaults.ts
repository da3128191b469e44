/**
 * Every default value of the configuration, in one place. A key that has no entry here is
 * required in the YAML file (board, lines, and per line: profile, account.registrar,
 * account.user, account.password).
 */
import type { AccountConfig, LineConfig, LineFeatureConfig, LogLevel, RigConfig, RtpConfig, SecurityConfig, SipConfig } from './schema.js';

export interface ConfigDefaults {
  logLevel: LogLevel;
  sip: SipConfig;
  rtp: RtpConfig;
  rig: RigConfig;
  security: SecurityConfig;
  controlSocket: string;
  line: Pick<LineConfig, 'dialTimeoutMs' | 'srtp'>;
  features: LineFeatureConfig;
  /** domain and auth_user default to the registrar host and the user; see validate.ts. */
  account: Pick<AccountConfig, 'registrarPort' | 'expires'>;
}

export const DEFAULTS: ConfigDefaults = deepFreeze({
  logLevel: 'info',
  sip: {
    bind: '0.0.0.0',
    // 0 = a random port: a fixed 5060 attracts SIP scanners.
    port: 0,
    userAgent: 'tipring',
    timers: { t1: 500, t2: 4000, t4: 5000 },
  },
  rtp: { portMin: 16384, portMax: 32767 },
  rig: { enabled: false, host: '127.0.0.1', basePort: 7001 },
  security: {
    acceptFrom: 'proxy',
    trusted: [],
    checkRequestUri: true,
    authIncomingInvite: false,
    alertForeignBindings: true,
    removeForeignBindings: false,
    dialPolicy: { blockClasses: ['premium'], allow: [], block: [], allowListOnly: false },
    rateLimits: { maxCallsPerHour: 30, maxInternationalPerDay: 10 },
    alerts: {},
  },
  controlSocket: '/tmp/tipring-control.sock',
  line: { dialTimeoutMs: 4000, srtp: 'optional' },
  features: {
    digitMap: '',
    starCodes: {},
    callWaiting: true,
    dnd: false,
    dndStatus: 486,
    forwardAll: '',
    forwardBusy: '',
    forwardNoAnswer: '',
    forwardNoAnswerS: 20,
    forwardMode: 'redirect',
    hotline: '',
    hotlineDelayS: 0,
    mwi: false,
  },
  account: { registrarPort: 5060, expires: 3600 },
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
