import { RemoteError } from '../core/errors.js';

/**
 * Why a configuration was refused:
 * - 'config-unreadable': the file could not be read (missing, permissions, a directory, ...);
 * - 'config-yaml': the text is not valid YAML;
 * - 'config-invalid': valid YAML that does not match the schema (wrong types, ranges, unknown keys, ...).
 */
export type ConfigErrorCode = 'config-invalid' | 'config-unreadable' | 'config-yaml';

/** One thing wrong with a configuration. */
export interface ConfigProblem {
  /** Key path in YAML (snake_case) spelling, e.g. `lines[0].account.registrar`; '' for the whole file. */
  path: string;
  message: string;
  /** 1-based line/column in the source, when known. */
  line?: number;
  column?: number;
}

/**
 * A configuration was refused. The configuration is the user's input, so this is a "bad input"
 * (RemoteError) error: the firmware is fine, the file is not. `problems` lists everything found,
 * not just the first; `message` lists them too, one per line, with file name and line number.
 */
export class ConfigError extends RemoteError {
  declare readonly code: ConfigErrorCode;
  readonly problems: ConfigProblem[];
  readonly sourceName: string;

  constructor(code: ConfigErrorCode, sourceName: string, problems: ConfigProblem[], options: { cause?: unknown } = {}) {
    super(code, formatProblems(sourceName, problems), {
      cause: options.cause,
      context: { sourceName, problems: problems.length },
    });
    this.problems = problems;
    this.sourceName = sourceName;
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}

/** `NAME: N problem(s):` then one `  NAME:LINE: path: message` line per problem. */
export function formatProblems(sourceName: string, problems: readonly ConfigProblem[]): string {
  const head = `${sourceName}: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}:`;
  const lines = problems.map((p) => {
    const where = p.line === undefined ? sourceName : `${sourceName}:${p.line}`;
    return `  ${where}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`;
  });
  return [head, ...lines].join('\n');
}
