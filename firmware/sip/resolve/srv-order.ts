/**
 * Ordering of SRV records (RFC 2782 "Usage rules"): ascending priority; within a priority,
 * weighted random selection: records of weight 0 first, a running sum of weights, a random number
 * between 0 and the sum, the first record whose running sum reaches it goes next; repeat.
 * The number is drawn as a real (not an integer), so a record's chance of going next is exactly
 * its share of the weights, and a weight-0 record goes before others only on a draw of 0 (or
 * when only weight-0 records are left). `random` returns a float in [0, 1) so tests can seed it.
 */
import type { SrvRecord } from './dns.js';

export function orderSrv<T extends Pick<SrvRecord, 'priority' | 'weight'>>(records: readonly T[], random: () => number): T[] {
  const byPriority = new Map<number, T[]>();
  for (const r of records) {
    const list = byPriority.get(r.priority);
    if (list) list.push(r);
    else byPriority.set(r.priority, [r]);
  }
  const out: T[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const group = byPriority.get(priority)!;
    // weight-0 records at the start of the list, as RFC 2782 says
    const pending = [...group.filter((r) => r.weight === 0), ...group.filter((r) => r.weight !== 0)];
    while (pending.length > 0) {
      const sum = pending.reduce((s, r) => s + Math.max(0, r.weight), 0);
      const pick = random() * sum;
      let running = 0;
      let index = pending.length - 1;
      for (let i = 0; i < pending.length; i++) {
        running += Math.max(0, pending[i]!.weight);
        if (running >= pick) {
          index = i;
          break;
        }
      }
      out.push(pending.splice(index, 1)[0]!);
    }
  }
  return out;
}
