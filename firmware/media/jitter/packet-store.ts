/**
 * Received packets waiting to be played, decoded, sorted by extended (unwrapped) timestamp.
 * Sample buffers are pooled: after warm-up, storing a packet allocates nothing.
 */

export interface StoredPacket {
  /** Extended RTP timestamp (no 32-bit wrap). */
  ts: number;
  /** Raw 32-bit RTP timestamp, as received. */
  rtpTs: number;
  /** Samples covered (decoded length). */
  span: number;
  /** Arrival time, ms. */
  arrival: number;
  marker: boolean;
  /** Decoded PCM; the first `span` samples are valid. */
  pcm: Int16Array;
}

export class PacketStore {
  private readonly items: StoredPacket[] = [];
  private readonly pool: StoredPacket[] = [];

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  /** The packet with the lowest timestamp. */
  head(): StoredPacket | undefined {
    return this.items[0];
  }

  /** The packet with the highest timestamp. */
  last(): StoredPacket | undefined {
    return this.items[this.items.length - 1];
  }

  has(ts: number): boolean {
    return this.indexOf(ts) >= 0;
  }

  /**
   * A slot to decode into, for a packet of up to `maxSpan` samples. Fill it, then `insert` it
   * or `release` it.
   */
  acquire(maxSpan: number): StoredPacket {
    let p = this.pool.pop();
    if (!p) p = { ts: 0, rtpTs: 0, span: 0, arrival: 0, marker: false, pcm: new Int16Array(Math.max(maxSpan, 160)) };
    if (p.pcm.length < maxSpan) p.pcm = new Int16Array(maxSpan);
    return p;
  }

  /** Insert in timestamp order; false (and the slot released) if that timestamp is present. */
  insert(p: StoredPacket): boolean {
    const items = this.items;
    let i = items.length;
    while (i > 0 && items[i - 1].ts > p.ts) i--;
    if (i > 0 && items[i - 1].ts === p.ts) {
      this.release(p);
      return false;
    }
    if (i === items.length) items.push(p);
    else items.splice(i, 0, p);
    return true;
  }

  /** Remove and return the head; give it back with `release` when done with its samples. */
  shift(): StoredPacket | undefined {
    return this.items.shift();
  }

  release(p: StoredPacket): void {
    this.pool.push(p);
  }

  /** Drop every packet (their slots go back to the pool). */
  clear(): void {
    for (const p of this.items) this.pool.push(p);
    this.items.length = 0;
  }

  private indexOf(ts: number): number {
    for (let i = 0; i < this.items.length; i++) if (this.items[i].ts === ts) return i;
    return -1;
  }
}
