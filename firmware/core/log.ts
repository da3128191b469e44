/** Structured logging, injected as `log`. Secrets never reach a sink: see `redact`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LogRecord {
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEYS = /pass(word)?|secret|token|authorization|^ha1$|private/i;

/** Replace the values of secret-looking keys, at any depth. */
export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEYS.test(k)) out[k] = '***';
    else if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Error)) out[k] = redact(v as LogFields);
    else out[k] = v;
  }
  return out;
}

export function createLogger(sink: (r: LogRecord) => void, level: LogLevel = 'info', base: LogFields = {}): Logger {
  const emit = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < ORDER[level]) return;
    sink({ level: lvl, msg, fields: redact({ ...base, ...fields }) });
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (f) => createLogger(sink, level, { ...base, ...f }),
  };
}

function formatValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(`${v.name}: ${v.message}`);
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** A sink writing `LEVEL msg k=v ...` lines to a stream (stderr by default). */
export function lineSink(write: (line: string) => void = (l) => process.stderr.write(l)): (r: LogRecord) => void {
  return (r) => {
    const parts = Object.entries(r.fields).map(([k, v]) => `${k}=${formatValue(v)}`);
    write(`${r.level.toUpperCase().padEnd(5)} ${r.msg}${parts.length ? ' ' + parts.join(' ') : ''}\n`);
  };
}

/** A logger that records into an array, for tests. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger((r) => records.push(r), level);
  return Object.assign(logger, { records });
}

export const silentLogger: Logger = createLogger(() => {}, 'error');
