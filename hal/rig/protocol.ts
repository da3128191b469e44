/**
 * The rig protocol (docs/rig-protocol.md): ASCII lines; one reply per command, `OK ...` or
 * `ERR <code> <text>`; unsolicited lines start with `EVT`. Pure parse/format helpers shared by the
 * rig server (the instrument side) and the test client.
 */
import { RemoteError } from '../../firmware/core/errors.js';

export type RigCommand =
  | { kind: 'hook'; offHook: boolean }
  | { kind: 'flash'; ms: number }
  | { kind: 'dial'; digits: string; onMs: number; offMs: number }
  | { kind: 'pulse'; digits: string; pps: number; breakPct: number }
  | { kind: 'tone'; frequencies: number[]; ms: number; levelDbm0: number }
  | { kind: 'listen'; ms: number }
  | { kind: 'ring-query' }
  | { kind: 'polarity-query' }
  | { kind: 'status' }
  | { kind: 'help' };

export const RIG_COMMANDS = ['HOOK', 'FLASH', 'DIAL', 'PULSE', 'TONE', 'LISTEN', 'RING?', 'POLARITY?', 'STATUS', 'HELP'] as const;

/** Defaults and limits of command arguments (inclusive ranges). */
export const RIG_LIMITS = {
  flashMs: { default: 500, min: 10, max: 5000 },
  dialOnMs: { default: 80, min: 20, max: 2000 },
  dialOffMs: { default: 80, min: 20, max: 2000 },
  pulsePps: { default: 10, min: 1, max: 20 },
  pulseBreakPct: { default: 60, min: 1, max: 99 },
  toneHz: { min: 1, max: 3999 },
  toneMs: { min: 1, max: 60000 },
  toneDbm0: { default: -10, min: -60, max: 3 },
  listenMs: { min: 20, max: 60000 },
  maxDigits: 64,
  maxLineLength: 1024,
} as const;

export type RigErrorCode = 'unknown-command' | 'bad-argument';

/** A command line the rig cannot accept (the client's fault). */
export class RigProtocolError extends RemoteError {
  declare readonly code: RigErrorCode;
  constructor(code: RigErrorCode, message: string) {
    super(code, message);
  }
}

const INT = /^\d+$/;
const DECIMAL = /^[-+]?\d+(\.\d+)?$/;

function bad(message: string): RigProtocolError {
  return new RigProtocolError('bad-argument', message);
}

function int(name: string, text: string, range: { min: number; max: number }): number {
  if (!INT.test(text)) throw bad(`${name} must be a whole number, got '${text}'`);
  const v = Number(text);
  if (v < range.min || v > range.max) throw bad(`${name} must be ${range.min}..${range.max}, got ${v}`);
  return v;
}

function decimal(name: string, text: string, range: { min: number; max: number }): number {
  if (!DECIMAL.test(text)) throw bad(`${name} must be a number, got '${text}'`);
  const v = Number(text);
  if (v < range.min || v > range.max) throw bad(`${name} must be ${range.min}..${range.max}, got ${v}`);
  return v;
}

function arity(keyword: string, args: string[], allowed: number[]): void {
  if (!allowed.includes(args.length)) {
    throw bad(`${keyword} takes ${allowed.join(' or ')} argument(s), got ${args.length}`);
  }
}

/** Parse one command line (keyword case-insensitive). Throws RigProtocolError. */
export function parseRigCommand(line: string): RigCommand {
  if (line.length > RIG_LIMITS.maxLineLength) throw bad(`line longer than ${RIG_LIMITS.maxLineLength} characters`);
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const keyword = (words[0] ?? '').toUpperCase();
  const args = words.slice(1);
  switch (keyword) {
    case 'HOOK': {
      arity('HOOK', args, [1]);
      const which = (args[0] as string).toUpperCase();
      if (which !== 'OFF' && which !== 'ON') throw bad(`HOOK takes OFF or ON, got '${args[0]}'`);
      return { kind: 'hook', offHook: which === 'OFF' };
    }
    case 'FLASH':
      arity('FLASH', args, [0, 1]);
      return { kind: 'flash', ms: args[0] === undefined ? RIG_LIMITS.flashMs.default : int('flash ms', args[0], RIG_LIMITS.flashMs) };
    case 'DIAL': {
      arity('DIAL', args, [1, 3]);
      const digits = (args[0] as string).toUpperCase();
      if (!/^[0-9*#A-D]+$/.test(digits)) throw bad(`DIAL digits must be 0-9 * # A-D, got '${args[0]}'`);
      if (digits.length > RIG_LIMITS.maxDigits) throw bad(`at most ${RIG_LIMITS.maxDigits} digits`);
      const onMs = args[1] === undefined ? RIG_LIMITS.dialOnMs.default : int('on_ms', args[1], RIG_LIMITS.dialOnMs);
      const offMs = args[2] === undefined ? RIG_LIMITS.dialOffMs.default : int('off_ms', args[2], RIG_LIMITS.dialOffMs);
      return { kind: 'dial', digits, onMs, offMs };
    }
    case 'PULSE': {
      arity('PULSE', args, [1, 3]);
      const digits = args[0] as string;
      if (!/^[0-9]+$/.test(digits)) throw bad(`PULSE digits must be 0-9, got '${digits}'`);
      if (digits.length > RIG_LIMITS.maxDigits) throw bad(`at most ${RIG_LIMITS.maxDigits} digits`);
      const pps = args[1] === undefined ? RIG_LIMITS.pulsePps.default : int('pps', args[1], RIG_LIMITS.pulsePps);
      const breakPct = args[2] === undefined ? RIG_LIMITS.pulseBreakPct.default : int('break_pct', args[2], RIG_LIMITS.pulseBreakPct);
      return { kind: 'pulse', digits, pps, breakPct };
    }
    case 'TONE': {
      arity('TONE', args, [2, 3]);
      const parts = (args[0] as string).split('+');
      if (parts.length > 2) throw bad('TONE takes one or two frequencies (f1+f2)');
      const frequencies = parts.map((p) => decimal('frequency', p, RIG_LIMITS.toneHz));
      const ms = int('tone ms', args[1] as string, RIG_LIMITS.toneMs);
      const levelDbm0 = args[2] === undefined ? RIG_LIMITS.toneDbm0.default : decimal('dBm0', args[2], RIG_LIMITS.toneDbm0);
      return { kind: 'tone', frequencies, ms, levelDbm0 };
    }
    case 'LISTEN':
      arity('LISTEN', args, [1]);
      return { kind: 'listen', ms: int('listen ms', args[0] as string, RIG_LIMITS.listenMs) };
    case 'RING?':
      arity('RING?', args, [0]);
      return { kind: 'ring-query' };
    case 'POLARITY?':
      arity('POLARITY?', args, [0]);
      return { kind: 'polarity-query' };
    case 'STATUS':
      arity('STATUS', args, [0]);
      return { kind: 'status' };
    case 'HELP':
      arity('HELP', args, [0]);
      return { kind: 'help' };
    case '':
      throw new RigProtocolError('unknown-command', 'empty command');
    default:
      throw new RigProtocolError('unknown-command', `unknown command '${words[0]}'`);
  }
}

/** The canonical text of a command (parseRigCommand(formatCommand(c)) deep-equals c). */
export function formatCommand(cmd: RigCommand): string {
  switch (cmd.kind) {
    case 'hook':
      return `HOOK ${cmd.offHook ? 'OFF' : 'ON'}`;
    case 'flash':
      return `FLASH ${cmd.ms}`;
    case 'dial':
      return `DIAL ${cmd.digits} ${cmd.onMs} ${cmd.offMs}`;
    case 'pulse':
      return `PULSE ${cmd.digits} ${cmd.pps} ${cmd.breakPct}`;
    case 'tone':
      return `TONE ${cmd.frequencies.join('+')} ${cmd.ms} ${cmd.levelDbm0}`;
    case 'listen':
      return `LISTEN ${cmd.ms}`;
    case 'ring-query':
      return 'RING?';
    case 'polarity-query':
      return 'POLARITY?';
    case 'status':
      return 'STATUS';
    case 'help':
      return 'HELP';
  }
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

/** `OK` followed by `key=value` pairs (in insertion order) or by free words. */
export function formatReply(body?: string | Record<string, string>): string {
  if (body === undefined) return 'OK';
  if (typeof body === 'string') return oneLine(body) === '' ? 'OK' : `OK ${oneLine(body)}`;
  const parts = Object.entries(body).map(([k, v]) => `${k}=${oneLine(v).replace(/\s+/g, '_')}`);
  return parts.length ? `OK ${parts.join(' ')}` : 'OK';
}

/** `ERR <code> <text>`; the code is a single token. */
export function formatError(code: string, text: string): string {
  const c = oneLine(code).replace(/\s+/g, '-') || 'internal';
  const t = oneLine(text);
  return t ? `ERR ${c} ${t}` : `ERR ${c}`;
}

/** `EVT <words...>`. */
export function formatEvent(...words: string[]): string {
  return `EVT ${words.map(oneLine).join(' ')}`;
}

export function isEventLine(line: string): boolean {
  return /^EVT(\s|$)/.test(line);
}

export type RigReply =
  | { ok: true; words: string[]; fields: Record<string, string> }
  | { ok: false; code: string; text: string };

/** Split a reply line into its parts; `fields` holds the `key=value` words. */
export function parseReply(line: string): RigReply {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  if (words[0] === 'OK') {
    const rest = words.slice(1);
    const fields: Record<string, string> = {};
    for (const w of rest) {
      const i = w.indexOf('=');
      if (i > 0) fields[w.slice(0, i)] = w.slice(i + 1);
    }
    return { ok: true, words: rest, fields };
  }
  if (words[0] === 'ERR' && words[1] !== undefined) {
    return { ok: false, code: words[1], text: words.slice(2).join(' ') };
  }
  throw new RigProtocolError('bad-argument', `not a rig reply: '${line}'`);
}
