/**
 * A/B slots on the filesystem. Installing into a slot: mark it incomplete (atomic marker write),
 * wipe it, extract the bundle (files fsynced), re-check every file against manifest.json and the
 * manifest against the signed release, then mark it complete with the manifest digest. A slot is
 * only ever started when its marker says complete and its manifest digest matches.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.js';
import type { Logger } from '../core/log.js';
import { readManifest, verifyTree } from './bundle-manifest.js';
import type { BundleManifest } from './bundle-manifest.js';
import type { Checkpoint } from './checkpoint.js';
import { noCheckpoint } from './checkpoint.js';
import { UpdateRejectedError } from './errors.js';
import type { OtaPaths, SlotName } from './paths.js';
import { extractTarGz } from './tar-extract.js';

export interface SlotMarker {
  status: 'incomplete' | 'complete';
  version: string;
  counter: number;
  /** sha256 of the bundle the slot came from ('' for a factory install). */
  sha256: string;
  /** sha256 of the slot's manifest.json. */
  manifestSha256: string;
}

export async function readMarker(paths: OtaPaths, slot: SlotName): Promise<SlotMarker | undefined> {
  try {
    const m = JSON.parse(await readFile(paths.slotMarker(slot), 'utf8')) as SlotMarker;
    return m && (m.status === 'complete' || m.status === 'incomplete') ? m : undefined;
  } catch {
    return undefined;
  }
}

export async function writeMarker(paths: OtaPaths, slot: SlotName, marker: SlotMarker): Promise<void> {
  await writeFileAtomic(paths.slotMarker(slot), `${JSON.stringify(marker, null, 1)}\n`, { mode: 0o644 });
}

export interface SlotCheck {
  ok: boolean;
  why?: string;
  marker?: SlotMarker;
  manifest?: BundleManifest;
}

/**
 * Is the slot startable? `full` re-hashes every file (used before the first start of a new build
 * and by tests); otherwise the marker and the manifest digest are checked (cheap, every start).
 */
export async function checkSlot(paths: OtaPaths, slot: SlotName, full: boolean): Promise<SlotCheck> {
  const marker = await readMarker(paths, slot);
  if (!marker) return { ok: false, why: `slot ${slot} has no marker` };
  if (marker.status !== 'complete') return { ok: false, why: `slot ${slot} is incomplete`, marker };
  try {
    const { manifest, sha256 } = full ? await verifyTree(paths.slotDir(slot)) : await readManifest(paths.slotDir(slot));
    if (sha256 !== marker.manifestSha256) return { ok: false, why: `slot ${slot} manifest differs from its marker`, marker };
    return { ok: true, marker, manifest };
  } catch (e) {
    return { ok: false, why: e instanceof Error ? e.message : String(e), marker };
  }
}

export interface InstallExpectation {
  version: string;
  counter: number;
  sha256: string;
  board: string;
  arch: string;
}

/** Install a verified bundle file into `slot` (which must not be the running one). */
export async function installIntoSlot(opts: {
  paths: OtaPaths;
  slot: SlotName;
  bundle: string;
  expect: InstallExpectation;
  log: Logger;
  checkpoint?: Checkpoint;
}): Promise<SlotMarker> {
  const { paths, slot, expect } = opts;
  const checkpoint = opts.checkpoint ?? noCheckpoint;
  const incomplete: SlotMarker = { status: 'incomplete', version: expect.version, counter: expect.counter, sha256: expect.sha256, manifestSha256: '' };
  await mkdir(paths.slotsDir, { recursive: true });
  await writeMarker(paths, slot, incomplete);
  checkpoint('install:marked-incomplete');
  await rm(paths.slotDir(slot), { recursive: true, force: true });
  await mkdir(paths.slotDir(slot), { recursive: true });
  checkpoint('install:wiped');
  const stats = await extractTarGz(opts.bundle, paths.slotDir(slot), { checkpoint });
  checkpoint('install:extracted');
  const { manifest, sha256 } = await verifyTree(paths.slotDir(slot));
  if (manifest.version !== expect.version || manifest.releaseCounter !== expect.counter) {
    throw new UpdateRejectedError('bad-bundle', `bundle manifest says ${manifest.version}/${manifest.releaseCounter}, the signed release ${expect.version}/${expect.counter}`);
  }
  if (!manifest.hardware.includes(expect.board) || manifest.arch !== expect.arch) {
    throw new UpdateRejectedError('hardware-mismatch', `bundle manifest is for ${manifest.hardware.join(',')}/${manifest.arch}, this device is ${expect.board}/${expect.arch}`);
  }
  const complete: SlotMarker = { ...incomplete, status: 'complete', manifestSha256: sha256 };
  checkpoint('install:before-complete');
  await writeMarker(paths, slot, complete);
  checkpoint('install:marked-complete');
  opts.log.info('slot installed', { slot, version: expect.version, files: stats.files, bytes: stats.bytes });
  return complete;
}

/** Mark a slot from an existing tree (factory install). */
export async function adoptSlot(paths: OtaPaths, slot: SlotName, bundleSha256 = ''): Promise<SlotMarker> {
  const { manifest, sha256 } = await verifyTree(paths.slotDir(slot));
  const marker: SlotMarker = { status: 'complete', version: manifest.version, counter: manifest.releaseCounter, sha256: bundleSha256, manifestSha256: sha256 };
  await writeMarker(paths, slot, marker);
  return marker;
}

