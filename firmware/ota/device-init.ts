/** First-time set-up of a device's update root from a bundle (installer, .deb, SD image, tests). */
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import type { Logger } from '../core/log.js';
import { UpdateLocalError } from './errors.js';
import type { OtaPaths } from './paths.js';
import { adoptSlot } from './slots.js';
import type { SlotMarker } from './slots.js';
import { initialState, writeState } from './state.js';
import { extractTarGz } from './tar-extract.js';
import { openTrustedDir } from './tuf-client.js';

/**
 * Extract `bundle` into slot a, mark it complete and committed, install the trusted root as the
 * factory root and start the trusted metadata from it. `clockFloor`: wall time (ms) the device
 * may assume has passed (e.g. the build or install time).
 */
export async function initDevice(paths: OtaPaths, bundle: string, trustedRoot: string, clockFloor: number, log: Logger): Promise<SlotMarker> {
  let root: { signed?: { _type?: unknown } };
  try {
    root = JSON.parse(await readFile(trustedRoot, 'utf8')) as typeof root;
  } catch (e) {
    throw new UpdateLocalError('bad-root', `${trustedRoot}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (root.signed?._type !== 'root') throw new UpdateLocalError('bad-root', `${trustedRoot} is not a TUF root`);
  for (const d of [paths.slotsDir, paths.stateDir, paths.tufDir, paths.downloadDir]) await mkdir(d, { recursive: true });
  await rm(paths.slotDir('a'), { recursive: true, force: true });
  await rm(paths.slotDir('b'), { recursive: true, force: true });
  await rm(paths.slotMarker('b'), { force: true });
  await mkdir(paths.slotDir('a'));
  await extractTarGz(bundle, paths.slotDir('a'));
  const marker = await adoptSlot(paths, 'a');
  await copyFile(trustedRoot, paths.factoryRoot);
  await rm(paths.tufCurrent, { force: true });
  await openTrustedDir(paths.tufDir, paths.factoryRoot, log);
  await writeState(paths.stateFile, initialState({ slot: 'a', version: marker.version, counter: marker.counter, sha256: marker.sha256 }, clockFloor));
  return marker;
}
