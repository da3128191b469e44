/**
 * One rig endpoint's command interpreter: parses a rig protocol line, acts on the phone and
 * returns the reply line. Transport-free (the TCP server and a serial fixture both use it).
 *
 * RING? rule: `ringing=1` while ring voltage is on the line, and also in the silent gap after a
 * ring burst, until the phone has been on-hook without ring voltage for RING_CYCLE_GAP_MS (6.5 s,
 * longer than any cadence's off period) or goes off-hook. See `RigPhone.inRingCycle`.
 */
import type { Polarity } from '../sim/sim-line.js';
import { analyseTone } from '../../firmware/media/tone-analyser.js';
import { isTipringError } from '../../firmware/core/errors.js';
import { formatError, formatEvent, formatReply, parseRigCommand, RIG_COMMANDS } from './protocol.js';
import type { RigCommand } from './protocol.js';

/** What a rig needs from the telephone on the line (SimPhone implements it; so can a serial fixture). */
export interface RigPhone {
  readonly sampleRate: number;
  readonly isOffHook: boolean;
  /** Ring voltage on the line now. */
  readonly isRinging: boolean;
  /** Within a ring cycle: ringing, or in the gap after a burst (see the module comment). */
  readonly inRingCycle: boolean;
  readonly polarity: Polarity;
  hookOff(): void;
  hookOn(): void;
  flash(ms?: number): Promise<void>;
  dial(digits: string, onMs?: number, offMs?: number): Promise<void>;
  pulse(digits: string, pps?: number, breakPct?: number, interDigitMs?: number): Promise<void>;
  playTone(freqs: number[], ms: number, levelDbm0?: number): Promise<void>;
  listen(ms: number): Promise<Int16Array>;
  ringCadence(): { onMs: number; offMs: number } | undefined;
  onRing(cb: (ringing: boolean, at: number) => void): void;
  onPolarity(cb: (polarity: Polarity, at: number) => void): void;
}

export class RigSession {
  private readonly phone: RigPhone;
  private readonly extraStatus: (() => Record<string, string>) | undefined;
  private readonly listeners: Array<(evt: string) => void> = [];

  constructor(o: { phone: RigPhone; extraStatus?: () => Record<string, string> }) {
    this.phone = o.phone;
    this.extraStatus = o.extraStatus;
    this.phone.onRing((ringing) => this.emit(formatEvent('RING', ringing ? 'START' : 'STOP')));
    this.phone.onPolarity((p) => this.emit(formatEvent('POLARITY', p)));
  }

  /** Unsolicited `EVT ...` lines. Returns an unsubscribe function. */
  onEvent(cb: (evt: string) => void): () => void {
    this.listeners.push(cb);
    return () => {
      const i = this.listeners.indexOf(cb);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Handle one command line; always resolves with exactly one `OK ...` or `ERR ...` line. */
  async handle(line: string): Promise<string> {
    let cmd: RigCommand;
    try {
      cmd = parseRigCommand(line);
    } catch (e) {
      return this.errorReply(e);
    }
    try {
      return await this.execute(cmd);
    } catch (e) {
      return this.errorReply(e);
    }
  }

  private async execute(cmd: RigCommand): Promise<string> {
    const phone = this.phone;
    switch (cmd.kind) {
      case 'hook':
        if (cmd.offHook) phone.hookOff();
        else phone.hookOn();
        return formatReply({ hook: cmd.offHook ? 'off' : 'on' });
      case 'flash':
        await phone.flash(cmd.ms);
        return formatReply({ flash: String(cmd.ms) });
      case 'dial':
        await phone.dial(cmd.digits, cmd.onMs, cmd.offMs);
        return formatReply({ dialed: cmd.digits });
      case 'pulse':
        await phone.pulse(cmd.digits, cmd.pps, cmd.breakPct);
        return formatReply({ pulsed: cmd.digits });
      case 'tone':
        await phone.playTone(cmd.frequencies, cmd.ms, cmd.levelDbm0);
        return formatReply({ tone: cmd.frequencies.join('+'), ms: String(cmd.ms) });
      case 'listen':
        return this.listen(cmd.ms);
      case 'ring-query': {
        if (!phone.inRingCycle) return formatReply({ ringing: '0' });
        const c = phone.ringCadence();
        return formatReply(c ? { ringing: '1', cadence: `${c.onMs}/${c.offMs}` } : { ringing: '1' });
      }
      case 'polarity-query':
        return formatReply({ polarity: phone.polarity });
      case 'status':
        return formatReply({
          hook: phone.isOffHook ? 'off' : 'on',
          ringing: phone.inRingCycle ? '1' : '0',
          polarity: phone.polarity,
          ...this.safeExtra(),
        });
      case 'help':
        return formatReply({ commands: RIG_COMMANDS.join(',') });
    }
  }

  private async listen(ms: number): Promise<string> {
    const samples = await this.phone.listen(ms);
    const a = analyseTone(samples, this.phone.sampleRate);
    if (a.silence || a.frequencies.length === 0) return formatReply('silence');
    const fields: Record<string, string> = {
      tone: [...a.frequencies].sort((x, y) => x - y).map((f) => String(Math.round(f))).join('+'),
      level: a.levelDbm0.toFixed(1),
    };
    if (a.cadence) fields['cadence'] = `${Math.round(a.cadence.onMs)}/${Math.round(a.cadence.offMs)}`;
    return formatReply(fields);
  }

  /** Extra STATUS fields from the firmware; keys and values are made protocol-safe. */
  private safeExtra(): Record<string, string> {
    if (!this.extraStatus) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.extraStatus())) {
      const key = k.replace(/[^A-Za-z0-9_.-]/g, '_');
      if (key === '' || key === 'hook' || key === 'ringing' || key === 'polarity') continue;
      out[key] = String(v).replace(/\s+/g, '_') || '-';
    }
    return out;
  }

  private errorReply(e: unknown): string {
    if (isTipringError(e)) return formatError(e.code, e.message);
    return formatError('internal', e instanceof Error ? e.message : String(e));
  }

  private emit(evt: string): void {
    for (const cb of [...this.listeners]) cb(evt);
  }
}
