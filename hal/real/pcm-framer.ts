/**
 * Cuts a byte stream of signed 16-bit little-endian mono samples into fixed periods. Pure: the
 * ALSA backend feeds it whatever the capture pipe delivered; partial periods wait for more bytes.
 */
export class PeriodFramer {
  private readonly bytesPerPeriod: number;
  private pending = Buffer.alloc(0);

  constructor(readonly periodSamples: number) {
    this.bytesPerPeriod = periodSamples * 2;
  }

  /** Bytes received but not yet part of a whole period. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Append `chunk`; calls `onPeriod` with `out` filled, once per whole period now available. */
  push(chunk: Buffer, out: Int16Array, onPeriod: (index: number, count: number) => void): number {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const count = Math.floor(data.length / this.bytesPerPeriod);
    for (let i = 0; i < count; i++) {
      const base = i * this.bytesPerPeriod;
      for (let s = 0; s < this.periodSamples; s++) out[s] = data.readInt16LE(base + 2 * s);
      onPeriod(i, count);
    }
    this.pending = Buffer.from(data.subarray(count * this.bytesPerPeriod));
    return count;
  }

  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}

/** Little-endian bytes of `samples` (a new Buffer: the caller's array may be reused). */
export function int16ToBytes(samples: Int16Array): Buffer {
  const b = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(samples[i] as number, 2 * i);
  return b;
}
