/**
 * Reading a configuration: file -> YAML document -> validated TipringConfig. Anything wrong is
 * refused as a whole with a ConfigError that lists every problem with its line number.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigPath, Locator } from './checker.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import type { ConfigOptions, TipringConfig } from './schema.js';
import { validateConfig } from './validate.js';

export type { ConfigOptions } from './schema.js';

/** Parse and validate YAML text. Throws ConfigError ('config-yaml' or 'config-invalid'). */
export function parseConfig(text: string, options: ConfigOptions): TipringConfig {
  const sourceName = options.sourceName ?? 'config';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e): ConfigProblem => {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
      // Only the first line of the message: later lines quote the source, which may hold a password.
      return { path: '', message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '')}`, line: pos.line, column: pos.col };
    });
    throw new ConfigError('config-yaml', sourceName, problems);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0]! : String(cause);
    throw new ConfigError('config-yaml', sourceName, [{ path: '', message: `YAML: ${message}` }], { cause });
  }
  const result = validateConfig(raw, options, documentLocator(doc, lineCounter));
  if (!result.ok) throw new ConfigError('config-invalid', sourceName, byLine(result.problems));
  return result.config;
}

/** Read and parse a file; `sourceName` defaults to the path. Throws ConfigError. */
export async function loadConfigFile(path: string, options: ConfigOptions): Promise<TipringConfig> {
  const sourceName = options.sourceName ?? path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((cause as Error).message ?? cause);
    throw new ConfigError('config-unreadable', sourceName, [{ path: '', message: `cannot read the file: ${why}` }], { cause });
  }
  return parseConfig(text, { ...options, sourceName });
}

/** In file order (stable; problems without a line last), so the message reads top to bottom. */
function byLine(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map((x) => x.p);
}

type Offset = number | undefined;

/**
 * Finds a path in the parsed document and returns the position of its key or value. When the
 * path is not all there (a missing key), the deepest node found is used (the parent mapping).
 */
function documentLocator(doc: Document, lines: LineCounter): Locator {
  return (path: ConfigPath, at) => {
    let node: unknown = doc.contents;
    let offset: Offset = rangeStart(node);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      if (typeof seg === 'string' && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        const keyOffset = rangeStart(pair.key);
        const valueOffset = rangeStart(pair.value);
        offset = last && at === 'key' ? keyOffset ?? offset : valueOffset ?? keyOffset ?? offset;
        node = pair.value;
      } else if (typeof seg === 'number' && isSeq(node)) {
        const item: unknown = node.items[seg];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    if (offset === undefined) return undefined;
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

function rangeStart(node: unknown): Offset {
  const range = (node as { range?: unknown } | null | undefined)?.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : undefined;
}
