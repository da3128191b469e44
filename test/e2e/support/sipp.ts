/** Run a SIPp scenario (Debian `sip-tester`) from test/peers/sipp. */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PEERS } from './paths.js';
import { spawnProc } from './processes.js';
import type { Proc } from './processes.js';

export interface SippRun {
  proc: Proc;
  /** Resolves with sipp's exit code. */
  done: Promise<number | null>;
  /** The SIP messages sipp sent and received (from -trace_msg). */
  messages(): string;
}

export function startSipp(scenario: string, args: string[], timeoutS = 120): SippRun {
  const cwd = mkdtempSync(path.join(tmpdir(), 'sipp-'));
  const proc = spawnProc(`sipp:${scenario}`, 'timeout', [String(timeoutS), 'sipp', '-sf', path.join(PEERS(), 'sipp', scenario), '-nd', '-trace_msg', '-bg_no', ...args].filter((a) => a !== '-bg_no'), { cwd });
  return {
    proc,
    done: proc.exited(),
    messages() {
      const f = readdirSync(cwd).find((n) => n.endsWith('_messages.log'));
      return f ? readFileSync(path.join(cwd, f), 'utf8') : '';
    },
  };
}
