/** The daily maintenance window in which an update may restart the firmware (local time). */
import { UpdateLocalError } from './errors.js';

export type MaintenanceWindow = { kind: 'always' } | { kind: 'daily'; startMin: number; endMin: number; text: string };

export function parseWindow(text: string): MaintenanceWindow {
  if (text === 'always') return { kind: 'always' };
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text.trim());
  const hm = (h: string, mm: string) => {
    const v = Number(h) * 60 + Number(mm);
    if (Number(h) > 24 || Number(mm) > 59 || v > 1440) throw new UpdateLocalError('bad-settings', `maintenance_window '${text}': bad time`);
    return v;
  };
  if (!m) throw new UpdateLocalError('bad-settings', `maintenance_window '${text}' must be "HH:MM-HH:MM" or "always"`);
  const startMin = hm(m[1]!, m[2]!);
  const endMin = hm(m[3]!, m[4]!);
  if (startMin === endMin) throw new UpdateLocalError('bad-settings', `maintenance_window '${text}' is empty`);
  return { kind: 'daily', startMin, endMin, text };
}

/** Is `at` (wall time, read in the local time zone) inside the window? Windows may wrap midnight. */
export function inWindow(w: MaintenanceWindow, at: Date): boolean {
  if (w.kind === 'always') return true;
  const min = at.getHours() * 60 + at.getMinutes();
  return w.startMin < w.endMin ? min >= w.startMin && min < w.endMin : min >= w.startMin || min < w.endMin;
}

/** Milliseconds from `at` until the window next opens (0 if open now). */
export function msUntilWindow(w: MaintenanceWindow, at: Date): number {
  if (inWindow(w, at)) return 0;
  if (w.kind === 'always') return 0;
  const min = at.getHours() * 60 + at.getMinutes();
  let delta = w.startMin - min;
  if (delta <= 0) delta += 1440;
  return delta * 60_000 - at.getSeconds() * 1000 - at.getMilliseconds();
}
