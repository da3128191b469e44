/** Helpers over the rig protocol for end-to-end tests. */
import { RigClient } from '../../../hal/rig/rig-client.js';
import { sleep } from './processes.js';

export { RigClient };

export function parseReply(reply: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of reply.replace(/^OK\s*/, '').split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
    else if (part) out[part] = '';
  }
  return out;
}

/** Poll STATUS until `key` has `value` (or throw after timeoutMs). */
export async function waitStatus(rig: RigClient, key: string, value: string, timeoutMs: number): Promise<Record<string, string>> {
  const end = Date.now() + timeoutMs;
  let last: Record<string, string> = {};
  while (Date.now() < end) {
    last = parseReply(await rig.send('STATUS'));
    if (last[key] === value) return last;
    await sleep(200);
  }
  throw new Error(`STATUS ${key} never became ${value}; last: ${JSON.stringify(last)}`);
}

/** The frequencies a LISTEN reply names, e.g. "350+440" → [350, 440]. */
export function toneOf(reply: Record<string, string>): number[] {
  return reply['tone'] ? reply['tone'].split('+').map(Number) : [];
}

export function near(actual: number[], expected: number[], tolHz = 3): boolean {
  return actual.length === expected.length && actual.every((f, i) => Math.abs(f - expected[i]!) <= tolHz);
}
