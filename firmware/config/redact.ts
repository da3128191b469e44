/** Printing a configuration without its secrets. */
import { stringify } from 'yaml';
import type { TipringConfig } from './schema.js';

export const REDACTED = '***';

/** A deep copy with every account password replaced by '***' (for printing and logging). */
export function redactConfig(config: TipringConfig): TipringConfig {
  const copy = structuredClone(config);
  for (const line of copy.lines) line.account.password = REDACTED;
  return copy;
}

/**
 * The configuration in its YAML spelling (snake_case keys, `registrar: host:port`), every
 * default written out. Passwords are redacted unless `redact: false`; parsing the unredacted
 * output gives back the same configuration.
 */
export function configToYaml(config: TipringConfig, options: { redact?: boolean } = {}): string {
  const c = options.redact === false ? config : redactConfig(config);
  const shape = {
    board: c.board,
    log_level: c.logLevel,
    sip: {
      bind: c.sip.bind,
      port: c.sip.port,
      user_agent: c.sip.userAgent,
      timers: { t1: c.sip.timers.t1, t2: c.sip.timers.t2, t4: c.sip.timers.t4 },
    },
    rtp: { port_min: c.rtp.portMin, port_max: c.rtp.portMax },
    rig: { enabled: c.rig.enabled, host: c.rig.host, base_port: c.rig.basePort },
    lines: c.lines.map((l) => ({
      profile: l.profile,
      account: {
        registrar: `${l.account.registrarHost.includes(':') ? `[${l.account.registrarHost}]` : l.account.registrarHost}:${l.account.registrarPort}`,
        domain: l.account.domain,
        user: l.account.user,
        auth_user: l.account.authUser,
        password: l.account.password,
        ...(l.account.displayName === undefined ? {} : { display_name: l.account.displayName }),
        expires: l.account.expires,
      },
      dial_timeout_ms: l.dialTimeoutMs,
      features: {
        digit_map: l.features.digitMap,
        star_codes: { ...l.features.starCodes },
        call_waiting: l.features.callWaiting,
        dnd: l.features.dnd,
        dnd_status: l.features.dndStatus,
        forward_all: l.features.forwardAll,
        forward_busy: l.features.forwardBusy,
        forward_no_answer: l.features.forwardNoAnswer,
        forward_no_answer_s: l.features.forwardNoAnswerS,
        forward_mode: l.features.forwardMode,
        hotline: l.features.hotline,
        hotline_delay_s: l.features.hotlineDelayS,
        mwi: l.features.mwi,
      },
    })),
  };
  return stringify(shape);
}
