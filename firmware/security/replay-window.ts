/**
 * Replay protection (RFC 3711 §3.3.2): a sliding window over packet indices. An index above the
 * highest seen is new; one within the window is new unless already seen; one below it is too old.
 * `check` is cheap and has no effect, so it runs before authentication; `accept` runs only after
 * the packet authenticated.
 */
export type ReplayVerdict = 'new' | 'replay' | 'too-old';

export class ReplayWindow {
  private highest = -1;
  private readonly seen: Uint8Array;

  /** `size` packets (RFC 3711 requires at least 64). */
  constructor(readonly size = 64) {
    if (!Number.isInteger(size) || size < 64) throw new RangeError(`replay window must be at least 64, got ${size}`);
    this.seen = new Uint8Array(size);
  }

  /** The highest index accepted, or -1. */
  get highestIndex(): number {
    return this.highest;
  }

  check(index: number): ReplayVerdict {
    if (index > this.highest) return 'new';
    if (this.highest - index >= this.size) return 'too-old';
    return this.seen[index % this.size] ? 'replay' : 'new';
  }

  accept(index: number): void {
    if (index > this.highest) {
      if (this.highest < 0) this.seen.fill(0);
      else {
        const advance = Math.min(index - this.highest, this.size);
        for (let k = 1; k <= advance; k++) this.seen[(index - advance + k) % this.size] = 0;
      }
      this.highest = index;
    }
    this.seen[index % this.size] = 1;
  }
}
