/**
 * Per-stream bookkeeping for a receiver: the SSRC, 32-bit timestamps unwrapped into a growing
 * number, and recently seen sequence numbers (for duplicate detection across the 16-bit wrap).
 */
import { tsDiff } from '../rtp-packet.js';

const SEEN_SLOTS = 256;

export class StreamTracker {
  private current: number | undefined;
  private refRaw = 0;
  private refExt = -1;
  /** sequence + 1 of the last packet seen in each slot (0 = none). */
  private readonly seen = new Int32Array(SEEN_SLOTS);

  get ssrc(): number | undefined {
    return this.current;
  }

  /** Whether `ssrc` differs from the stream's (false for the first packet). */
  isNewSource(ssrc: number): boolean {
    return this.current !== undefined && this.current !== ssrc;
  }

  /** Adopt `ssrc`, forgetting the old stream's timestamps and sequence numbers if it changed. */
  follow(ssrc: number): void {
    if (this.current !== ssrc) this.reset();
    this.current = ssrc;
  }

  /** Extended timestamp: the raw one plus the wraps so far (steps back are allowed). */
  unwrap(ts: number): number {
    const raw = ts >>> 0;
    if (this.refExt < 0) {
      this.refRaw = raw;
      this.refExt = 2 ** 32 + raw; // positive, with room to step back
      return this.refExt;
    }
    const ext = this.refExt + tsDiff(raw, this.refRaw);
    if (ext > this.refExt) {
      this.refExt = ext;
      this.refRaw = raw;
    }
    return ext;
  }

  isDuplicate(sequence: number): boolean {
    return this.seen[sequence & (SEEN_SLOTS - 1)] === sequence + 1;
  }

  markSeen(sequence: number): void {
    this.seen[sequence & (SEEN_SLOTS - 1)] = sequence + 1;
  }

  clearSeen(): void {
    this.seen.fill(0);
  }

  reset(): void {
    this.current = undefined;
    this.refExt = -1;
    this.seen.fill(0);
  }
}
