/**
 * A FIFO of 16-bit PCM samples (the decoded, concealed audio waiting to be played) that also
 * lets the time-stretcher cut or insert samples near its head. Fixed capacity, no allocation
 * after construction.
 */
import { LocalError } from '../../core/errors.js';

export class SampleQueue {
  private readonly buf: Int16Array;
  private start = 0;
  private end = 0;

  constructor(readonly capacity: number) {
    this.buf = new Int16Array(capacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  /** The queued samples, oldest first (a view, valid until the next change). */
  view(): Int16Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** Room for `n` more samples at the tail: write into the returned view, then `commit(n)`. */
  reserve(n: number): Int16Array {
    if (this.end + n > this.capacity) this.compact();
    if (this.end + n > this.capacity) throw new LocalError('queue-overflow', `sample queue full (${this.length} + ${n} > ${this.capacity})`);
    return this.buf.subarray(this.end, this.end + n);
  }

  commit(n: number): void {
    this.end += n;
  }

  /** Move the `out.length` oldest samples into `out` (zeros where the queue runs short). */
  take(out: Int16Array): number {
    const n = Math.min(out.length, this.length);
    out.set(this.buf.subarray(this.start, this.start + n));
    if (n < out.length) out.fill(0, n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return n;
  }

  /** Remove `n` samples starting `offset` samples after the head. */
  cut(offset: number, n: number): void {
    const at = this.start + offset;
    this.buf.copyWithin(at, at + n, this.end);
    this.end -= n;
  }

  /** Open a gap of `n` samples `offset` after the head; returns it to be filled. */
  open(offset: number, n: number): Int16Array {
    if (this.end + n > this.capacity) this.compact();
    if (this.end + n > this.capacity) throw new LocalError('queue-overflow', 'sample queue full');
    const at = this.start + offset;
    this.buf.copyWithin(at + n, at, this.end);
    this.end += n;
    return this.buf.subarray(at, at + n);
  }

  clear(): void {
    this.start = this.end = 0;
  }

  private compact(): void {
    if (this.start === 0) return;
    this.buf.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
  }
}
