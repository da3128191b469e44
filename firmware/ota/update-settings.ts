/**
 * Device update settings: /etc/tipring/update.yaml (snake_case keys, all optional but
 * `repository`). Kept apart from the firmware config so the update path does not depend on it.
 *
 *   repository: https://updates.example.net/tipring   # serves metadata/ and targets/
 *   root: /opt/tipring                                # slots, state, trusted metadata
 *   board: rpi-ag1171                                 # hardware id (a board name)
 *   check_interval_hours: 6
 *   jitter_minutes: 60
 *   first_check_s: 60                                 # first check after start-up (+ jitter)
 *   maintenance_window: "02:00-05:00"                 # local time; "always" = any time
 *   trial_attempts: 3
 *   health: { settle_s: 60, window_s: 300, offline_window_s: 1800 }
 *   download: { idle_timeout_s: 60, total_timeout_s: 3600, attempts: 3 }
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { UpdateLocalError } from './errors.js';
import { parseWindow } from './maintenance-window.js';
import type { MaintenanceWindow } from './maintenance-window.js';

export interface UpdateSettings {
  repository: string;
  root: string;
  board: string;
  arch: string;
  checkIntervalMs: number;
  jitterMs: number;
  /** Delay of the first check after start-up and clock sync. */
  firstCheckMs: number;
  window: MaintenanceWindow;
  trialAttempts: number;
  health: { settleMs: number; windowMs: number; offlineWindowMs: number };
  download: { idleTimeoutMs: number; totalTimeoutMs: number; attempts: number };
  /**
   * When the clock counts as right for expiry checks: 'system' waits for NTP (systemd-timesyncd
   * or timedatectl); 'assume' trusts it at once (boards with a battery-backed RTC, containers).
   * The persisted clock floor is checked either way.
   */
  clockSync: 'system' | 'assume';
}

export const DEFAULT_SETTINGS_PATH = '/etc/tipring/update.yaml';

function num(v: unknown, def: number, key: string, min: number, max: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new UpdateLocalError('bad-settings', `${key} must be a number in ${min}..${max}`);
  return v;
}

export function settingsFrom(raw: unknown, defaults: { arch?: string } = {}): UpdateSettings {
  const r = (raw ?? {}) as Record<string, unknown>;
  const known = ['repository', 'root', 'board', 'arch', 'check_interval_hours', 'jitter_minutes', 'first_check_s', 'maintenance_window', 'trial_attempts', 'health', 'download', 'clock_sync'];
  for (const k of Object.keys(r)) if (!known.includes(k)) throw new UpdateLocalError('bad-settings', `unknown key '${k}'`);
  if (typeof r['repository'] !== 'string' || !/^https?:\/\//.test(r['repository'])) throw new UpdateLocalError('bad-settings', 'repository must be an http(s) URL');
  const h = (r['health'] ?? {}) as Record<string, unknown>;
  const d = (r['download'] ?? {}) as Record<string, unknown>;
  return {
    repository: r['repository'].replace(/\/+$/, ''),
    root: typeof r['root'] === 'string' ? r['root'] : '/opt/tipring',
    board: typeof r['board'] === 'string' ? r['board'] : 'sim',
    arch: typeof r['arch'] === 'string' ? r['arch'] : (defaults.arch ?? process.arch),
    checkIntervalMs: num(r['check_interval_hours'], 6, 'check_interval_hours', 0.01, 24 * 30) * 3_600_000,
    jitterMs: num(r['jitter_minutes'], 60, 'jitter_minutes', 0, 24 * 60) * 60_000,
    firstCheckMs: num(r['first_check_s'], 60, 'first_check_s', 0, 86_400) * 1000,
    window: parseWindow(typeof r['maintenance_window'] === 'string' ? r['maintenance_window'] : '02:00-05:00'),
    trialAttempts: num(r['trial_attempts'], 3, 'trial_attempts', 1, 10),
    health: {
      settleMs: num(h['settle_s'], 60, 'health.settle_s', 0, 86_400) * 1000,
      windowMs: num(h['window_s'], 300, 'health.window_s', 1, 86_400) * 1000,
      offlineWindowMs: num(h['offline_window_s'], 1800, 'health.offline_window_s', 1, 7 * 86_400) * 1000,
    },
    clockSync: r['clock_sync'] === undefined ? 'system' : r['clock_sync'] === 'assume' || r['clock_sync'] === 'system' ? (r['clock_sync'] as 'system' | 'assume') : badClockSync(r['clock_sync']),
    download: {
      idleTimeoutMs: num(d['idle_timeout_s'], 60, 'download.idle_timeout_s', 0.001, 3600) * 1000,
      totalTimeoutMs: num(d['total_timeout_s'], 3600, 'download.total_timeout_s', 0.001, 86_400) * 1000,
      attempts: num(d['attempts'], 3, 'download.attempts', 1, 20),
    },
  };
}

function badClockSync(v: unknown): never {
  throw new UpdateLocalError('bad-settings', `clock_sync must be 'system' or 'assume' (got ${JSON.stringify(v)})`);
}

export async function loadSettings(path = DEFAULT_SETTINGS_PATH): Promise<UpdateSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UpdateLocalError('no-settings', `cannot read update settings ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return settingsFrom(parse(text));
  } catch (e) {
    if (e instanceof UpdateLocalError) throw new UpdateLocalError('bad-settings', `${path}: ${e.message}`);
    throw new UpdateLocalError('bad-settings', `${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
