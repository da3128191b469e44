/** The outcome of every update attempt, with its reason: state/history.json, newest last, bounded. */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { OutcomeRecord } from './state.js';

export const HISTORY_LIMIT = 50;

export async function readHistory(path: string): Promise<OutcomeRecord[]> {
  try {
    const v: unknown = JSON.parse(await readFile(path, 'utf8'));
    return Array.isArray(v) ? (v as OutcomeRecord[]) : [];
  } catch {
    return []; // missing or damaged history is not worth failing an update for
  }
}

export async function appendHistory(path: string, record: OutcomeRecord, limit = HISTORY_LIMIT): Promise<void> {
  const list = [...(await readHistory(path)), record].slice(-limit);
  await writeFileAtomic(path, `${JSON.stringify(list, null, 1)}\n`, { mode: 0o644 });
}
