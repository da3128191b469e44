/**
 * What to install, decided from verified TUF target info and the device state. Pure functions.
 *
 * Targets carry our policy in `custom.tipring`: {version, releaseCounter, hardware[], arch, node,
 * minBootstrap}. A device looks at targets named `tipring-<version>-<board>-<arch>.tar.gz`,
 * refuses unsafe names before any I/O, refuses a hardware or architecture mismatch, a release
 * counter below its floor (anti-rollback) and builds that failed a trial before, and installs the
 * highest counter above the committed one.
 */
import { UpdateRejectedError } from './errors.js';
import type { UpdateState } from './state.js';

export interface TipringCustom {
  version: string;
  releaseCounter: number;
  hardware: string[];
  arch: string;
  node?: string;
  minBootstrap?: number;
}

export interface DeviceIdentity {
  board: string;
  arch: string;
}

export interface TargetCandidate {
  name: string;
  length: number;
  sha256: string;
  custom: unknown;
}

export type Choice =
  | { kind: 'install'; name: string; length: number; sha256: string; custom: TipringCustom }
  | { kind: 'up-to-date'; detail: string }
  | { kind: 'refused'; error: UpdateRejectedError };

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/;

/** T15: a target name must be a plain file name (no `/`, `..`, absolute paths, odd characters). */
export function checkTargetName(name: string): void {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    throw new UpdateRejectedError('bad-target-name', `unsafe target name ${JSON.stringify(name)}: refused before any download`);
  }
}

export function parseCustom(name: string, custom: unknown): TipringCustom {
  const c = (custom as { tipring?: Partial<TipringCustom> } | undefined)?.tipring;
  if (!c || typeof c.version !== 'string' || !Number.isSafeInteger(c.releaseCounter) || !Array.isArray(c.hardware) || typeof c.arch !== 'string') {
    throw new UpdateRejectedError('bad-metadata', `target ${name} has no valid custom.tipring {version, releaseCounter, hardware, arch}`);
  }
  return c as TipringCustom;
}

/** T14 and T7 and known-bad builds, for one target we would install. */
export function checkInstallable(name: string, custom: TipringCustom, sha256: string, device: DeviceIdentity, state: UpdateState): void {
  if (!custom.hardware.includes(device.board) || custom.arch !== device.arch) {
    throw new UpdateRejectedError('hardware-mismatch', `${name} is for ${custom.hardware.join(',')}/${custom.arch}, this device is ${device.board}/${device.arch}`);
  }
  if (custom.releaseCounter < state.floor || custom.releaseCounter < state.committed.counter) {
    throw new UpdateRejectedError('downgrade', `${name} has release counter ${custom.releaseCounter}, below this device's floor ${Math.max(state.floor, state.committed.counter)}`);
  }
  if (state.badTargets.includes(sha256)) {
    throw new UpdateRejectedError('known-bad', `${name} (${sha256.slice(0, 12)}…) failed its trial boot on this device before`);
  }
}

export function targetSuffix(device: DeviceIdentity): string {
  return `-${device.board}-${device.arch}.tar.gz`;
}

/** Pick what to do from the verified targets. */
export function chooseTarget(targets: TargetCandidate[], device: DeviceIdentity, state: UpdateState): Choice {
  const mine = targets.filter((t) => t.name.startsWith('tipring-') && t.name.endsWith(targetSuffix(device)));
  let best: { t: TargetCandidate; c: TipringCustom } | undefined;
  let refusal: UpdateRejectedError | undefined;
  for (const t of mine) {
    try {
      checkTargetName(t.name);
      const c = parseCustom(t.name, t.custom);
      if (!c.hardware.includes(device.board) || c.arch !== device.arch) checkInstallable(t.name, c, t.sha256, device, state);
      if (!best || c.releaseCounter > best.c.releaseCounter || (c.releaseCounter === best.c.releaseCounter && t.name > best.t.name)) best = { t, c };
    } catch (e) {
      if (e instanceof UpdateRejectedError) refusal ??= e;
      else throw e;
    }
  }
  if (!best) {
    if (refusal) return { kind: 'refused', error: refusal };
    return { kind: 'up-to-date', detail: `no release for ${device.board}/${device.arch} in the repository` };
  }
  const { t, c } = best;
  if (c.releaseCounter === state.committed.counter && (t.sha256 === state.committed.sha256 || state.committed.sha256 === '')) {
    return { kind: 'up-to-date', detail: `running ${state.committed.version} (counter ${c.releaseCounter})` };
  }
  if (state.trial && state.trial.sha256 === t.sha256) return { kind: 'up-to-date', detail: `${c.version} is already installed, on trial` };
  if (c.releaseCounter === state.committed.counter) {
    return { kind: 'up-to-date', detail: `repository's newest (${c.version}) has the same release counter as the running ${state.committed.version}` };
  }
  try {
    checkInstallable(t.name, c, t.sha256, device, state);
  } catch (e) {
    if (e instanceof UpdateRejectedError) return { kind: 'refused', error: e };
    throw e;
  }
  return { kind: 'install', name: t.name, length: t.length, sha256: t.sha256, custom: c };
}
