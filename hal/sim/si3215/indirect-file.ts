/**
 * The indirect register file of the simulated ProSLIC and its access engine. Writing the address
 * register starts an access: a write if the data registers were written since the last access,
 * else a read. The engine is busy for one 8 kHz sample; a read's data appears in the data
 * registers when it finishes. Touching the data or address registers while busy is a host error:
 * the write is dropped and counted (`collisions`), as the datasheet leaves the result undefined.
 */
import type { Cancel, Clock } from '../../../firmware/core/clock.js';

/** One 8 kHz sample. */
export const INDIRECT_ACCESS_MS = 0.125;
const WORD = 0xffff;

export interface IndirectWriteRecord {
  address: number;
  value: number;
  at: number;
}

export class IndirectFile {
  private readonly values = new Map<number, number>();
  private timer: Cancel | undefined;
  private busyFlag = false;
  /** Data as the host sees it in registers 28/29. */
  data = 0;
  private dataWritten = false;
  collisions = 0;
  /** 'indirect-stuck' fault. */
  stuck = false;
  /** 'indirect-corrupt' faults: address → XOR applied on read. */
  readonly corrupt = new Map<number, number>();
  readonly writes: IndirectWriteRecord[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly onDone: () => void,
  ) {}

  get busy(): boolean {
    return this.busyFlag;
  }

  /** The stored value (what a read would return, before any corruption fault). */
  value(address: number): number {
    return this.values.get(address) ?? 0;
  }

  writeDataLow(v: number): void {
    if (this.refuse()) return;
    this.data = (this.data & 0xff00) | (v & 0xff);
  }

  writeDataHigh(v: number): void {
    if (this.refuse()) return;
    this.data = (this.data & 0x00ff) | ((v & 0xff) << 8);
  }

  /** The host wrote the address register: start an access. */
  start(address: number): void {
    if (this.busyFlag) {
      this.collisions += 1;
      return;
    }
    const write = this.dataWritten;
    const value = this.data & WORD;
    this.dataWritten = false;
    this.busyFlag = true;
    if (this.stuck) return;
    this.timer = this.clock.at(this.clock.now() + INDIRECT_ACCESS_MS, () => {
      this.timer = undefined;
      this.busyFlag = false;
      if (write) {
        this.values.set(address, value);
        this.writes.push({ address, value, at: this.clock.now() });
      } else {
        this.data = (this.value(address) ^ (this.corrupt.get(address) ?? 0)) & WORD;
      }
      this.onDone();
    });
  }

  /** Chip reset: engine idle, registers cleared. */
  reset(): void {
    this.timer?.();
    this.timer = undefined;
    this.busyFlag = false;
    this.data = 0;
    this.dataWritten = false;
    this.values.clear();
  }

  /** A data write while busy is dropped and counted; otherwise it marks the next access a write. */
  private refuse(): boolean {
    if (this.busyFlag) {
      this.collisions += 1;
      return true;
    }
    this.dataWritten = true;
    return false;
  }
}
