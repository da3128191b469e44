/**
 * One update attempt, start to end: clock floor → TUF refresh (transactional) → choose a target
 * (policy) → download (resumable) → install into the inactive slot → one atomic state write that
 * puts the new build on trial. Every attempt ends with an outcome and a reason, logged and
 * appended to the history. The running slot and the committed state are never touched.
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fetcher } from 'tuf-js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Checkpoint } from './checkpoint.js';
import { noCheckpoint } from './checkpoint.js';
import { clockSleep, discardOtherDownloads, downloadTarget } from './download.js';
import type { DownloadProgress } from './download.js';
import { describeReason, UpdateRejectedError } from './errors.js';
import { appendHistory } from './history.js';
import { withLock } from './lock.js';
import { otherSlot } from './paths.js';
import type { OtaPaths } from './paths.js';
import { checkInstallable, checkTargetName, chooseTarget, parseCustom } from './policy.js';
import type { DeviceIdentity, TargetCandidate } from './policy.js';
import { installIntoSlot } from './slots.js';
import { readState, writeState } from './state.js';
import type { Outcome, OutcomeRecord } from './state.js';
import { TufHttpFetcher } from './tuf-fetcher.js';
import { refreshTrusted } from './tuf-client.js';

export interface CycleOptions {
  paths: OtaPaths;
  /** Base URL of the repository (serving metadata/ and targets/). */
  repository: string;
  device: DeviceIdentity;
  clock: Clock;
  log: Logger;
  trialAttempts: number;
  download: { idleTimeoutMs: number; totalTimeoutMs: number; attempts: number };
  /** Only look (tipring update --check): refresh metadata and report, install nothing. */
  checkOnly?: boolean;
  /** Install this target name instead of choosing (still fully checked). */
  target?: string;
  checkpoint?: Checkpoint;
  onProgress?: (p: DownloadProgress) => void;
  /** Defaults to a TufHttpFetcher on `clock` with the download timeouts. */
  fetcher?: Fetcher;
  /** Back-off between download attempts (default: 2^n s on `clock`). */
  backoffMs?: (attempt: number) => number;
}

export interface CycleResult {
  outcome: Outcome | 'available';
  reason: string;
  version?: string;
  detail?: string;
}

export async function runUpdateCycle(o: CycleOptions): Promise<CycleResult> {
  const result = await withLock(join(o.paths.stateDir, 'update.lock'), () => attempt(o)).catch((e: unknown): CycleResult => {
    const { reason, message } = describeReason(e);
    const refused = e instanceof UpdateRejectedError && !['network', 'slow-retrieval', 'http'].includes(e.reason);
    return { outcome: refused ? 'refused' : 'failed', reason, detail: message };
  });
  const fields = { outcome: result.outcome, reason: result.reason, version: result.version, detail: result.detail };
  if (result.outcome === 'refused' || result.outcome === 'failed') o.log.warn('update attempt', fields);
  else o.log.info('update attempt', fields);
  if (result.outcome !== 'available') {
    const record: OutcomeRecord = { at: o.clock.wallTime().toISOString(), outcome: result.outcome, reason: result.reason };
    if (result.version !== undefined) record.version = result.version;
    if (result.detail !== undefined) record.detail = result.detail;
    await appendHistory(o.paths.historyFile, record).catch((e: unknown) => o.log.warn('cannot write update history', { error: e }));
  }
  return result;
}

async function attempt(o: CycleOptions): Promise<CycleResult> {
  const checkpoint = o.checkpoint ?? noCheckpoint;
  const state = await readState(o.paths.stateFile);
  const wall = o.clock.wallTime();
  // T9: no RTC and no NTP yet: expiry checks against this clock mean nothing. Touch nothing.
  if (wall.getTime() < state.clockFloor) {
    return { outcome: 'skipped', reason: 'clock-behind', detail: `system time ${wall.toISOString()} is before the clock floor ${new Date(state.clockFloor).toISOString()}` };
  }
  if (o.target !== undefined) checkTargetName(o.target); // T15, before any I/O
  if (state.trial && !o.checkOnly) {
    return { outcome: 'skipped', reason: 'trial-pending', version: state.trial.version, detail: `${state.trial.version} is installed and on trial in slot ${state.trial.slot}` };
  }
  const fetcher = o.fetcher ?? new TufHttpFetcher({ clock: o.clock, idleTimeoutMs: o.download.idleTimeoutMs, totalTimeoutMs: o.download.totalTimeoutMs, tempDir: o.paths.downloadDir });
  const repo = await refreshTrusted(
    { tufDir: o.paths.tufDir, factoryRoot: o.paths.factoryRoot, metadataBaseUrl: `${o.repository}/metadata`, fetcher, log: o.log, checkpoint },
    wall,
  );

  let choice;
  if (o.target !== undefined) {
    const info = await repo.targetInfo(o.target);
    if (!info) throw new UpdateRejectedError('not-found', `target ${o.target} is not in the signed targets`);
    const custom = parseCustom(o.target, info.custom);
    const sha256 = info.hashes['sha256'] ?? '';
    checkInstallable(o.target, custom, sha256, o.device, state);
    choice = { kind: 'install' as const, name: o.target, length: info.length, sha256, custom };
  } else {
    const candidates: TargetCandidate[] = [];
    for (const name of repo.targetNames) {
      const info = await repo.targetInfo(name);
      if (info) candidates.push({ name, length: info.length, sha256: info.hashes['sha256'] ?? '', custom: info.custom });
    }
    choice = chooseTarget(candidates, o.device, state);
  }
  if (choice.kind === 'refused') throw choice.error;
  if (choice.kind === 'up-to-date') return { outcome: 'up-to-date', reason: 'up-to-date', version: state.committed.version, detail: choice.detail };
  if (o.checkOnly) return { outcome: 'available', reason: 'available', version: choice.custom.version, detail: `${choice.name} (${choice.length} bytes)` };

  await discardOtherDownloads(o.paths.downloadDir, choice.sha256); // D3
  const bundle = await downloadTarget(
    {
      url: `${o.repository}/targets/${choice.sha256}.${choice.name}`,
      dir: o.paths.downloadDir,
      sha256: choice.sha256,
      length: choice.length,
      clock: o.clock,
      log: o.log,
      idleTimeoutMs: o.download.idleTimeoutMs,
      totalTimeoutMs: o.download.totalTimeoutMs,
      checkpoint,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    },
    { attempts: o.download.attempts, backoffMs: o.backoffMs ?? ((n) => 1000 * 2 ** n), sleep: clockSleep(o.clock) },
  );

  const slot = otherSlot(state.committed.slot);
  try {
    await installIntoSlot({
      paths: o.paths,
      slot,
      bundle,
      expect: { version: choice.custom.version, counter: choice.custom.releaseCounter, sha256: choice.sha256, board: o.device.board, arch: o.device.arch },
      log: o.log,
      checkpoint,
    });
  } catch (e) {
    await unlink(bundle).catch(() => {}); // a bundle that does not install is not kept
    throw e;
  }
  // Re-read: nothing else may have changed the state meanwhile (one updater at a time), but a
  // commit or revert by the launcher must not be overwritten with stale data.
  const fresh = await readState(o.paths.stateFile);
  if (fresh.committed.slot === slot || fresh.trial) throw new UpdateRejectedError('bad-metadata', 'state changed during install; try again');
  checkpoint('install:before-trial-state');
  await writeState(
    o.paths.stateFile,
    {
      ...fresh,
      trial: { slot, version: choice.custom.version, counter: choice.custom.releaseCounter, sha256: choice.sha256, attemptsLeft: o.trialAttempts },
      clockFloor: Math.max(fresh.clockFloor, wall.getTime()),
      last: { at: wall.toISOString(), outcome: 'installed', reason: 'installed', version: choice.custom.version },
    },
    checkpoint,
  );
  checkpoint('install:trial-state-written');
  await unlink(bundle).catch(() => {});
  return { outcome: 'installed', reason: 'installed', version: choice.custom.version, detail: `slot ${slot}; starts on the next restart` };
}
