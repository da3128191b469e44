/**
 * Named durable steps of an update. Production code calls `checkpoint(step)` at each one; it is a
 * no-op unless the kill-point tests ask for a crash there (TIPRING_OTA_KILL_AT), in which case the
 * process SIGKILLs itself, exactly like a power cut or an OOM kill at that moment.
 */
import { writeSync, openSync, closeSync } from 'node:fs';

/**
 * `beforeKill` runs (synchronously) just before dying, to leave what a crash in the middle of a
 * write would leave (a partial temp file).
 */
export type Checkpoint = (step: string, beforeKill?: () => void) => void;

export const noCheckpoint: Checkpoint = () => {};

/**
 * TIPRING_OTA_KILL_AT=scope/step[#n]: SIGKILL this process the n-th time (default first) it
 * reaches `step`, if it is the process of that `scope` ('update' for the update command,
 * 'launcher', 'health' for the firmware's health reporter). TIPRING_OTA_TRACE=file: append every
 * `scope/step` reached to `file` (lets tests list them).
 */
export function checkpointFromEnv(env: NodeJS.ProcessEnv = process.env, scope = 'update'): Checkpoint {
  const spec = env['TIPRING_OTA_KILL_AT'];
  const trace = env['TIPRING_OTA_TRACE'];
  if (!spec && !trace) return noCheckpoint;
  const [wanted, nth] = (spec ?? '').split('#');
  let remaining = nth ? Number(nth) : 1;
  return (step, beforeKill) => {
    const name = `${scope}/${step}`;
    if (trace) appendLine(trace, name);
    if (!spec || name !== wanted) return;
    remaining -= 1;
    if (remaining > 0) return;
    beforeKill?.();
    process.kill(process.pid, 'SIGKILL');
  };
}

function appendLine(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, `${line}\n`);
  } finally {
    closeSync(fd);
  }
}
