/**
 * The battery rail of the simulated ProSLIC: the DC-DC converter ramps it towards the programmed
 * high battery (register 74) while powered; powered down, the rail's capacitor discharges slowly
 * (or fast, with a leak). Computed in closed form from the time of the last change.
 */
import type { Clock } from '../../../firmware/core/clock.js';

/** DC-DC ramp rate, V/ms: 75 V in 150 ms, inside the 500 ms the driver allows. */
export const DCDC_RAMP_V_PER_MS = 0.5;
/** Discharge time constant of a healthy rail with the converter off, ms. */
export const HEALTHY_DISCHARGE_TAU_MS = 5000;
/** Discharge time constant with a leak (default for the 'battery-leak' fault), ms. */
export const LEAK_DISCHARGE_TAU_MS = 20;

export class Battery {
  private v0 = 0;
  private t0: number;
  private powered = false;
  private targetV: number;
  /** 'dcdc-weak' fault: the converter cannot go above this. */
  maxVolts = Infinity;
  /** Discharge time constant while powered down. */
  dischargeTauMs = HEALTHY_DISCHARGE_TAU_MS;

  constructor(
    private readonly clock: Clock,
    targetV: number,
  ) {
    this.t0 = clock.now();
    this.targetV = targetV;
  }

  get isPowered(): boolean {
    return this.powered;
  }

  volts(now = this.clock.now()): number {
    const dt = Math.max(0, now - this.t0);
    if (!this.powered) return this.v0 * Math.exp(-dt / this.dischargeTauMs);
    const target = Math.min(this.targetV, this.maxVolts);
    if (this.v0 <= target) return Math.min(target, this.v0 + DCDC_RAMP_V_PER_MS * dt);
    return Math.max(target, this.v0 - DCDC_RAMP_V_PER_MS * dt);
  }

  setPowered(on: boolean): void {
    this.rebase();
    this.powered = on;
  }

  setTarget(volts: number): void {
    this.rebase();
    this.targetV = volts;
  }

  setMaxVolts(v: number): void {
    this.rebase();
    this.maxVolts = v;
  }

  setDischargeTau(ms: number): void {
    this.rebase();
    this.dischargeTauMs = ms;
  }

  /** Chip reset: converter off, rail left to discharge. */
  reset(targetV: number): void {
    this.setPowered(false);
    this.targetV = targetV;
  }

  private rebase(): void {
    const now = this.clock.now();
    this.v0 = this.volts(now);
    this.t0 = now;
  }
}
