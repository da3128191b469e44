/**
 * The on-device layout under the update root (default /opt/tipring):
 *
 *   slots/a/ slots/b/          full app trees (dist/, node_modules/, package.json, manifest.json)
 *   slots/a.json slots/b.json  slot markers: {status: incomplete|complete, version, counter, sha256}
 *   state/update.json          the update state (the single source of truth for which slot runs)
 *   state/history.json         the last outcomes, with reasons
 *   tuf/factory-root.json      the root shipped with the device (read-only, last resort)
 *   tuf/current -> gen-<n>     the trusted TUF metadata generation (swapped atomically)
 *   dl/<sha256>.part(.json)    resumable partial download of one target
 *   bootstrap/                 the launcher (installed once, not part of update bundles)
 */
import { join } from 'node:path';

export type SlotName = 'a' | 'b';
export const SLOT_NAMES: readonly SlotName[] = ['a', 'b'];

export function otherSlot(slot: SlotName): SlotName {
  return slot === 'a' ? 'b' : 'a';
}

export function isSlotName(v: unknown): v is SlotName {
  return v === 'a' || v === 'b';
}

export interface OtaPaths {
  root: string;
  slotsDir: string;
  stateDir: string;
  stateFile: string;
  historyFile: string;
  tufDir: string;
  tufCurrent: string;
  factoryRoot: string;
  downloadDir: string;
  slotDir(slot: SlotName): string;
  slotMarker(slot: SlotName): string;
}

export function otaPaths(root: string): OtaPaths {
  const slotsDir = join(root, 'slots');
  const stateDir = join(root, 'state');
  const tufDir = join(root, 'tuf');
  return {
    root,
    slotsDir,
    stateDir,
    stateFile: join(stateDir, 'update.json'),
    historyFile: join(stateDir, 'history.json'),
    tufDir,
    tufCurrent: join(tufDir, 'current'),
    factoryRoot: join(tufDir, 'factory-root.json'),
    downloadDir: join(root, 'dl'),
    slotDir: (slot) => join(slotsDir, slot),
    slotMarker: (slot) => join(slotsDir, `${slot}.json`),
  };
}
