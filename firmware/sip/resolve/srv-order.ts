/**
 * Ordering of SRV records (RFC 2782 "Usage rules"): ascending priority; within a priority,
 * weighted random selection: records of weight 0 first, a running sum of weights, a random number
 * in [0, sum], the first record whose running sum reaches it goes next; repeat.
 * `random` returns a float in [0, 1) so that tests can seed it.
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
      // a uniform integer in [0, sum]
      const pick = Math.min(sum, Math.floor(random() * (sum + 1)));
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
