/**
 * Named deadlines for one transaction (no real timers: just numbers compared against `now`).
 * Ties fire in the order the timers were (re)armed, so a timer armed earlier wins.
 */
interface Entry {
  at: number;
  seq: number;
}

export class TimerSet<N extends string> {
  private readonly entries = new Map<N, Entry>();
  private seq = 0;

  set(name: N, at: number): void {
    this.entries.set(name, { at, seq: this.seq++ });
  }

  clear(...names: N[]): void {
    for (const n of names) this.entries.delete(n);
  }

  clearAll(): void {
    this.entries.clear();
  }

  has(name: N): boolean {
    return this.entries.has(name);
  }

  deadline(name: N): number | undefined {
    return this.entries.get(name)?.at;
  }

  next(): number | undefined {
    let best: number | undefined;
    for (const e of this.entries.values()) if (best === undefined || e.at < best) best = e.at;
    return best;
  }

  /** Remove and return the earliest timer due at `now`, if any. */
  takeDue(now: number): { name: N; at: number } | undefined {
    let best: [N, Entry] | undefined;
    for (const [name, e] of this.entries) {
      if (e.at > now) continue;
      if (!best || e.at < best[1].at || (e.at === best[1].at && e.seq < best[1].seq)) best = [name, e];
    }
    if (!best) return undefined;
    this.entries.delete(best[0]);
    return { name: best[0], at: best[1].at };
  }
}
