/**
 * The calibration engines of the simulated ProSLIC. Writing the start bit of register 96 starts
 * the full calibration; it finishes after `calibrationMs` (register 96 then reads 0), but only if
 * the DC-DC is running, and never while a 'calibration-stuck' fault has runs left. Writing bit 7
 * of register 93 starts the DC-DC calibration, which clears the bit after 20 ms and leaves a
 * mid-range result in register 107.
 */
import type { Cancel, Clock } from '../../../firmware/core/clock.js';

export const CALIBRATION_MS = 150;
export const DCDC_CALIBRATION_MS = 20;

export class CalibrationEngine {
  private calTimer: Cancel | undefined;
  private dcdcTimer: Cancel | undefined;
  /** Calibrations that will hang ('calibration-stuck' fault). */
  stuckLeft = 0;
  /** Calibrations started. */
  started = 0;

  constructor(
    private readonly clock: Clock,
    private readonly calibrationMs: number,
    private readonly hooks: { canCalibrate: () => boolean; calibrated: () => void; dcdcCalibrated: () => void },
  ) {}

  start(): void {
    this.calTimer?.();
    this.calTimer = undefined;
    this.started += 1;
    if (!this.hooks.canCalibrate()) return;
    if (this.stuckLeft > 0) {
      this.stuckLeft -= 1;
      return;
    }
    this.calTimer = this.clock.at(this.clock.now() + this.calibrationMs, () => {
      this.calTimer = undefined;
      this.hooks.calibrated();
    });
  }

  startDcDc(): void {
    this.dcdcTimer?.();
    this.dcdcTimer = this.clock.at(this.clock.now() + DCDC_CALIBRATION_MS, () => {
      this.dcdcTimer = undefined;
      this.hooks.dcdcCalibrated();
    });
  }

  reset(): void {
    this.calTimer?.();
    this.dcdcTimer?.();
    this.calTimer = this.dcdcTimer = undefined;
  }
}
