/**
 * Indirect registers (16-bit, behind direct registers 28–31): write = data low, data high, then
 * the address; read = the address, then data low/high once the access is done. The chip services
 * one access at a time and shows it busy in register 31; every access first waits (bounded, on the
 * clock) for the previous one to finish. Accesses are serialised so two callers cannot interleave.
 */
import type { Clock } from '../../../core/clock.js';
import type { ProslicBus } from './bus.js';
import { SlicConfigError, SlicError } from './errors.js';
import { DR, INDIRECT_DATA, INDIRECT_STATUS, IR } from './registers.js';
import type { ChipFamily, IndirectName } from './registers.js';
import { pollUntil, SerialQueue } from './wait.js';

/** How often the busy bit is polled, and for how long, ms (an access takes one 8 kHz sample). */
export const INDIRECT_POLL_MS = 0.25;
export const INDIRECT_TIMEOUT_MS = 10;

export class IndirectAccess {
  private readonly queue = new SerialQueue();
  family: ChipFamily = 'si3210';

  constructor(
    private readonly bus: ProslicBus,
    private readonly clock: Clock,
  ) {}

  /** The address of `name` on the chip family found at identification. */
  addressOf(name: IndirectName): number {
    return IR[name][this.family];
  }

  async write(name: IndirectName, value: number): Promise<void> {
    if (!Number.isInteger(value) || value < 0 || value > INDIRECT_DATA.MAX) {
      throw new SlicConfigError('bad-argument', `indirect value ${value} is not 16 bits`, { register: name, value });
    }
    const address = this.addressOf(name);
    return this.queue.run(async () => {
      await this.waitIdle(name);
      await this.bus.write(DR.INDIRECT_DATA_LO, value & INDIRECT_DATA.LO_MASK);
      await this.bus.write(DR.INDIRECT_DATA_HI, value >> INDIRECT_DATA.HI_SHIFT);
      await this.bus.write(DR.INDIRECT_ADDRESS, address);
    });
  }

  async read(name: IndirectName): Promise<number> {
    const address = this.addressOf(name);
    return this.queue.run(async () => {
      await this.waitIdle(name);
      await this.bus.write(DR.INDIRECT_ADDRESS, address);
      await this.waitIdle(name);
      const lo = await this.bus.read(DR.INDIRECT_DATA_LO);
      const hi = await this.bus.read(DR.INDIRECT_DATA_HI);
      return (hi << INDIRECT_DATA.HI_SHIFT) | lo;
    });
  }

  private async waitIdle(name: IndirectName): Promise<void> {
    const r = await pollUntil(
      this.clock,
      () => this.bus.read(DR.INDIRECT_STATUS),
      (s) => (s & INDIRECT_STATUS.BUSY) === 0,
      { intervalMs: INDIRECT_POLL_MS, timeoutMs: INDIRECT_TIMEOUT_MS },
    );
    if (!r.ok) {
      throw new SlicError('indirect-timeout', `indirect access still busy after ${r.elapsedMs} ms (at ${name})`, {
        register: name,
        status: r.value,
      });
    }
  }
}
