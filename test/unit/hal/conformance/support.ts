/**
 * Shared pieces of the HAL conformance suites (style rule 8: one suite per interface, run on the
 * simulated backend always and on a real device when an environment variable names one).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HalError } from '../../../../hal/errors.js';

/** A run of a suite that cannot happen here: registered as a skipped test, and said out loud. */
export function skipSuite(title: string, reason: string): void {
  const s = suite(title);
  s.skip(`${title}: ${reason}`, () => {});
  s.run();
  console.log(`  (skipped) ${title}: ${reason}`);
}

/** `fn` throws or rejects with a HalError carrying `code`. */
export async function expectHalError(fn: () => unknown, code: string, what = ''): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, HalError, `${what}: expected a HalError, got ${String(e)}`);
    assert.is((e as HalError).code, code, `${what}: HalError code (${(e as Error).message})`);
    return;
  }
  assert.unreachable(`${what}: expected HalError '${code}', nothing was thrown`);
}

/** Real time passing, for runs on real devices and processes (the sim runs use a FakeClock). */
export function realWait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `cond` every few ms until true or `timeoutMs` has passed (real time); returns the last value. */
export async function realUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await realWait(5);
  return cond();
}

/** The repository root (holds package.json), from the source or the compiled dist/ tree. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found');
    dir = up;
  }
  return dir;
}

/** An environment variable, trimmed; undefined when unset or empty. */
export function env(name: string): string | undefined {
  const v = process.env[name]?.trim();
  return v ? v : undefined;
}
