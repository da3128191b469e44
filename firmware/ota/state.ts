/**
 * The update state (state/update.json): which slot is committed, which one is on trial, the
 * anti-rollback floor, the clock floor and the builds that failed. It is the single source of
 * truth for the launcher; every change is one atomic write (temp file, fsync, rename, fsync dir),
 * so after a crash the file is the old state or the new one, never a mix.
 */
import { readFile } from 'node:fs/promises';
import { openSync, writeSync, closeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { Checkpoint } from './checkpoint.js';
import { noCheckpoint } from './checkpoint.js';
import { UpdateLocalError } from './errors.js';
import { isSlotName } from './paths.js';
import type { SlotName } from './paths.js';

export interface SlotRelease {
  slot: SlotName;
  version: string;
  /** Release counter (anti-rollback index) of the build in the slot. */
  counter: number;
  /** sha256 of the bundle (the TUF target); '' for a factory install without one. */
  sha256: string;
}

export interface TrialRelease extends SlotRelease {
  /** Starts the launcher may still make before reverting. Decremented *before* each start. */
  attemptsLeft: number;
  /** Why the last trial start ended (exit code, signal, health verdict), if it did. */
  lastFailure?: string;
}

export type Outcome = 'installed' | 'committed' | 'rolled-back' | 'refused' | 'failed' | 'up-to-date' | 'skipped';

export interface OutcomeRecord {
  /** Wall time, ISO 8601. */
  at: string;
  outcome: Outcome;
  reason: string;
  version?: string;
  detail?: string;
}

export interface UpdateState {
  schema: 1;
  committed: SlotRelease;
  trial: TrialRelease | null;
  /** Lowest release counter that may be installed; raised only at commit. */
  floor: number;
  /** Wall time (ms since epoch) the device knows has passed; updates are refused below it. */
  clockFloor: number;
  /** sha256 of bundles that failed a trial: never installed again. */
  badTargets: string[];
  last: OutcomeRecord | null;
}

export const DEFAULT_ATTEMPTS = 3;
const MAX_BAD_TARGETS = 64;

export function initialState(committed: SlotRelease, clockFloor = 0): UpdateState {
  return { schema: 1, committed, trial: null, floor: committed.counter, clockFloor, badTargets: [], last: null };
}

export class StateCorruptError extends UpdateLocalError {
  constructor(path: string, why: string, cause?: unknown) {
    super('state-corrupt', `update state ${path} is unusable: ${why}`, { cause, context: { path } });
  }
}

function fail(why: string): never {
  throw new Error(why);
}

function checkRelease(v: unknown, what: string): SlotRelease {
  if (!v || typeof v !== 'object') fail(`${what} is not an object`);
  const r = v as Record<string, unknown>;
  if (!isSlotName(r['slot'])) fail(`${what}.slot must be "a" or "b"`);
  if (typeof r['version'] !== 'string') fail(`${what}.version must be a string`);
  if (!Number.isSafeInteger(r['counter']) || (r['counter'] as number) < 0) fail(`${what}.counter must be a non-negative integer`);
  if (typeof r['sha256'] !== 'string') fail(`${what}.sha256 must be a string`);
  return { slot: r['slot'], version: r['version'], counter: r['counter'] as number, sha256: r['sha256'] };
}

/** Validate parsed JSON as an UpdateState (throws Error with the reason). */
export function validateState(v: unknown): UpdateState {
  if (!v || typeof v !== 'object') fail('not an object');
  const s = v as Record<string, unknown>;
  if (s['schema'] !== 1) fail(`unknown schema ${String(s['schema'])}`);
  const committed = checkRelease(s['committed'], 'committed');
  let trial: TrialRelease | null = null;
  if (s['trial'] !== null && s['trial'] !== undefined) {
    const t = checkRelease(s['trial'], 'trial');
    const attempts = (s['trial'] as Record<string, unknown>)['attemptsLeft'];
    if (!Number.isSafeInteger(attempts) || (attempts as number) < 0) fail('trial.attemptsLeft must be a non-negative integer');
    if (t.slot === committed.slot) fail('trial and committed name the same slot');
    const lastFailure = (s['trial'] as Record<string, unknown>)['lastFailure'];
    if (lastFailure !== undefined && typeof lastFailure !== 'string') fail('trial.lastFailure must be a string');
    trial = { ...t, attemptsLeft: attempts as number, ...(lastFailure !== undefined ? { lastFailure } : {}) };
  }
  if (!Number.isSafeInteger(s['floor']) || (s['floor'] as number) < 0) fail('floor must be a non-negative integer');
  if (typeof s['clockFloor'] !== 'number' || !Number.isFinite(s['clockFloor'])) fail('clockFloor must be a number');
  if (!Array.isArray(s['badTargets']) || !s['badTargets'].every((x) => typeof x === 'string')) fail('badTargets must be a list of strings');
  const last = (s['last'] ?? null) as OutcomeRecord | null;
  return {
    schema: 1,
    committed,
    trial,
    floor: s['floor'] as number,
    clockFloor: s['clockFloor'] as number,
    badTargets: s['badTargets'] as string[],
    last,
  };
}

export async function readState(path: string): Promise<UpdateState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new StateCorruptError(path, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable', e);
  }
  try {
    return validateState(JSON.parse(text));
  } catch (e) {
    throw new StateCorruptError(path, e instanceof Error ? e.message : String(e), e);
  }
}

/**
 * Write the state atomically. Checkpoints: `state:before-write`, `state:mid-write` (a crash there
 * leaves a partial temp file beside the state, as a real one would) and `state:after-write`.
 */
export async function writeState(path: string, state: UpdateState, checkpoint: Checkpoint = noCheckpoint): Promise<void> {
  validateState(state);
  const text = `${JSON.stringify(state, null, 2)}\n`;
  checkpoint('state:before-write');
  checkpoint('state:mid-write', () => leavePartialTemp(path, text));
  await writeFileAtomic(path, text, { mode: 0o644 });
  checkpoint('state:after-write');
}

function leavePartialTemp(path: string, text: string): void {
  const fd = openSync(join(dirname(path), `.${basename(path)}.${process.pid}.crash.tmp`), 'w');
  writeSync(fd, text.slice(0, Math.floor(text.length / 2)));
  closeSync(fd);
}

/** Add a bad target (bounded list, most recent kept). */
export function withBadTarget(state: UpdateState, sha256: string): string[] {
  if (!sha256 || state.badTargets.includes(sha256)) return state.badTargets;
  return [...state.badTargets, sha256].slice(-MAX_BAD_TARGETS);
}

/** The slot the launcher should start now, before any attempt accounting. */
export function slotToRun(state: UpdateState): SlotName {
  return state.trial && state.trial.attemptsLeft > 0 ? state.trial.slot : state.committed.slot;
}
