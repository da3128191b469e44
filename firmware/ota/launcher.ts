/**
 * The launcher (bootstrap): what systemd starts. It reads the update state, decides which slot to
 * run, does the trial accounting *before* starting (so a hang, a watchdog kill or a power cut
 * during a trial still counts as an attempt), reverts to the committed slot when the attempts are
 * used up (recording why, and marking the build bad so it is never reinstalled), then runs the
 * firmware from the slot and exits with its exit status for systemd to restart.
 *
 * It is installed once (bootstrap/), not shipped in update bundles, and imports nothing outside
 * Node's standard library and this folder.
 */
import { spawn } from 'node:child_process';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Checkpoint } from './checkpoint.js';
import { noCheckpoint } from './checkpoint.js';
import { appendHistory } from './history.js';
import { otherSlot } from './paths.js';
import type { OtaPaths, SlotName } from './paths.js';
import { checkSlot } from './slots.js';
import { initialState, readState, withBadTarget, writeState } from './state.js';
import type { UpdateState } from './state.js';

export interface LauncherOptions {
  paths: OtaPaths;
  clock: Clock;
  log: Logger;
  checkpoint?: Checkpoint;
}

export interface LaunchPlan {
  slot: SlotName;
  role: 'committed' | 'trial';
  /** Entry script from the slot's manifest, relative to the slot. */
  entry: string;
  /** For a trial: which start this is (1-based) and how many remain after it. */
  attemptsLeft?: number;
  note?: string;
}

export class NoBootableSlotError extends Error {
  readonly code = 'ota-no-bootable-slot';
}

async function revert(o: LauncherOptions, state: UpdateState, reason: string): Promise<UpdateState> {
  const checkpoint = o.checkpoint ?? noCheckpoint;
  const trial = state.trial!;
  const at = o.clock.wallTime().toISOString();
  const next: UpdateState = {
    ...state,
    trial: null,
    badTargets: withBadTarget(state, trial.sha256),
    last: { at, outcome: 'rolled-back', reason, version: trial.version },
  };
  checkpoint('launcher:before-revert');
  await writeState(o.paths.stateFile, next, checkpoint);
  checkpoint('launcher:after-revert');
  o.log.error('update rolled back', { version: trial.version, slot: trial.slot, back_to: state.committed.version, reason });
  await appendHistory(o.paths.historyFile, { at, outcome: 'rolled-back', reason, version: trial.version }).catch(() => {});
  return next;
}

/** The state is missing or unreadable (should not happen): rebuild it from a verified slot. */
async function recover(o: LauncherOptions, why: string): Promise<UpdateState> {
  o.log.error('update state unusable; rebuilding it from the slots', { why });
  const found: Array<{ slot: SlotName; version: string; counter: number; sha256: string }> = [];
  for (const slot of ['a', 'b'] as const) {
    const c = await checkSlot(o.paths, slot, true);
    if (c.ok && c.marker) found.push({ slot, version: c.marker.version, counter: c.marker.counter, sha256: c.marker.sha256 });
  }
  if (found.length === 0) throw new NoBootableSlotError('no slot holds a complete, verified build');
  // Prefer the older build: the newer one may be an unproven trial.
  found.sort((x, y) => x.counter - y.counter);
  const state = initialState(found[0]!);
  await writeState(o.paths.stateFile, state, o.checkpoint);
  return state;
}

/** Decide the slot to start and persist the trial accounting. */
export async function planLaunch(o: LauncherOptions): Promise<LaunchPlan> {
  const checkpoint = o.checkpoint ?? noCheckpoint;
  let state: UpdateState;
  try {
    state = await readState(o.paths.stateFile);
  } catch (e) {
    state = await recover(o, e instanceof Error ? e.message : String(e));
  }
  if (state.trial) {
    const trial = state.trial;
    if (trial.attemptsLeft <= 0) {
      state = await revert(o, state, trial.lastFailure ? `no healthy start; last: ${trial.lastFailure}` : 'no healthy start in the allowed attempts');
    } else {
      const check = await checkSlot(o.paths, trial.slot, true);
      if (!check.ok) {
        state = await revert(o, state, `trial slot failed verification: ${check.why}`);
      } else {
        checkpoint('launcher:before-decrement');
        await writeState(o.paths.stateFile, { ...state, trial: { ...trial, attemptsLeft: trial.attemptsLeft - 1 } }, checkpoint);
        checkpoint('launcher:after-decrement');
        o.log.info('starting trial build', { slot: trial.slot, version: trial.version, attempts_left_after_this: trial.attemptsLeft - 1 });
        return { slot: trial.slot, role: 'trial', entry: check.manifest!.entry, attemptsLeft: trial.attemptsLeft - 1 };
      }
    }
  }
  const committed = await checkSlot(o.paths, state.committed.slot, false);
  if (committed.ok) return { slot: state.committed.slot, role: 'committed', entry: committed.manifest!.entry };
  // The committed slot is damaged (storage fault?): fall back to the other one if it verifies.
  const other = otherSlot(state.committed.slot);
  const alt = await checkSlot(o.paths, other, true);
  if (!alt.ok || !alt.marker) throw new NoBootableSlotError(`committed slot ${state.committed.slot}: ${committed.why}; slot ${other}: ${alt.why}`);
  o.log.error('committed slot unusable; starting the other slot', { broken: state.committed.slot, why: committed.why, using: other });
  await writeState(
    o.paths.stateFile,
    { ...state, committed: { slot: other, version: alt.marker.version, counter: alt.marker.counter, sha256: alt.marker.sha256 }, trial: null },
    checkpoint,
  );
  return { slot: other, role: 'committed', entry: alt.manifest!.entry, note: `committed slot ${state.committed.slot} unusable: ${committed.why}` };
}

export interface RunLauncherOptions extends LauncherOptions {
  /** The command that runs the firmware in `slotDir`. */
  command(slotDir: string, plan: LaunchPlan): { cmd: string; args: string[] };
  env?: NodeJS.ProcessEnv;
}

export const EXIT_RESTART = 75;

function signalNumber(sig: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGSEGV: 11, SIGTERM: 15, SIGABRT: 6 };
  return table[sig] ?? 1;
}

/** Plan, start the firmware, wait for it, record how a trial start ended; returns the exit status. */
export async function runLauncher(o: RunLauncherOptions): Promise<number> {
  const plan = await planLaunch(o);
  const { cmd, args } = o.command(o.paths.slotDir(plan.slot), plan);
  const child = spawn(cmd, args, {
    stdio: 'inherit',
    env: { ...(o.env ?? process.env), TIPRING_OTA_ROOT: o.paths.root, TIPRING_SLOT: plan.slot, TIPRING_SLOT_ROLE: plan.role },
  });
  let stopRequested = false;
  const forward = (sig: NodeJS.Signals) => () => {
    stopRequested = true;
    child.kill(sig);
  };
  const handlers: Array<[NodeJS.Signals, () => void]> = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((s) => [s, forward(s)]);
  for (const [s, h] of handlers) process.on(s, h);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (c, s) => resolve({ code: c, signal: s }));
    child.on('error', (e) => {
      o.log.error('cannot start the firmware', { error: e.message });
      resolve({ code: 127, signal: null });
    });
  });
  for (const [s, h] of handlers) process.off(s, h);
  const status = signal ? 128 + signalNumber(signal) : (code ?? 1);
  if (plan.role === 'trial') await recordTrialEnd(o, plan, status, signal, stopRequested);
  return status;
}

async function recordTrialEnd(o: LauncherOptions, plan: LaunchPlan, status: number, signal: NodeJS.Signals | null, stopRequested: boolean): Promise<void> {
  let state: UpdateState;
  try {
    state = await readState(o.paths.stateFile);
  } catch {
    return;
  }
  const trial = state.trial;
  if (!trial || trial.slot !== plan.slot) return; // committed or reverted meanwhile
  if (stopRequested && status === 0) {
    // Stopped cleanly on request (systemctl stop/restart): that start proved nothing either way.
    await writeState(o.paths.stateFile, { ...state, trial: { ...trial, attemptsLeft: trial.attemptsLeft + 1 } }, o.checkpoint);
    return;
  }
  const why = signal ? `killed by ${signal}` : status === EXIT_RESTART ? 'restarted before committing' : `exited with status ${status}`;
  await writeState(o.paths.stateFile, { ...state, trial: { ...trial, lastFailure: why } }, o.checkpoint);
  o.log.warn('trial start ended', { slot: plan.slot, version: trial.version, why, attempts_left: trial.attemptsLeft });
}
