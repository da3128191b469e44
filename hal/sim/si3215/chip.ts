/**
 * The register-level core of the simulated Si3215/Si3210 ProSLIC (see ../si3215-model.ts for the
 * behaviour it claims): SPI framing, the register file and its side effects, RESET and INT pins,
 * indirect access, DC-DC battery, calibration, loop closure / ring trip detection and injectable
 * faults. What the line carries is reported to `lineListener`; the telephone-facing side (SimLine,
 * PCM endpoint) is the subclass in ../si3215-model.ts.
 */
import type { Clock } from '../../../firmware/core/clock.js';
import {
  AUTO_MANUAL, CALIBRATION, DCDC, DCDC_PEAK_CAL, DEBOUNCE, DR, INDIRECT_STATUS, IR, IRQ2, IRQ3, LF, LINEFEED,
  LOOP_CURRENT_LIMIT, LOOP_CURRENT_SENSE, LOOP_STATUS, ON_HOOK_VOLTAGE, PCM_MODE, PCM_START, POWER_DOWN_1, VBAT, VOLTAGE_SENSE,
} from '../../../firmware/line/slic/si321x/registers.js';
import type { LfCode } from '../../../firmware/line/slic/si321x/registers.js';
import { ringFrequencyFromCoefficient, ringVoltageFromRegisters } from '../../../firmware/line/slic/si321x/ringing.js';
import type { SpiDeviceModel } from '../spi-sim.js';
import type { SimGpio } from '../gpio-sim.js';
import { Battery, LEAK_DISCHARGE_TAU_MS, HEALTHY_DISCHARGE_TAU_MS } from './battery.js';
import { CALIBRATION_MS, CalibrationEngine } from './calibration.js';
import type { Si3215Fault, Si3215FaultKind } from './faults.js';
import { CONDITION_FAULTS } from './faults.js';
import { IndirectFile } from './indirect-file.js';
import type { IndirectWriteRecord } from './indirect-file.js';
import { LoopDetector } from './loop-detector.js';
import type { FeedMode } from './loop-detector.js';
import { RegisterFile, resetValues } from './register-file.js';
import { SpiFraming } from './spi-framing.js';
import type { DirectWriteRecord, Si321xVariant } from './register-file.js';

/** Below this battery voltage the line is not fed, volts. */
export const SI3215_MIN_FEED_V = 10;
const FLOATING = 0xff;
const FED: readonly LfCode[] = [LF.FORWARD_ACTIVE, LF.FORWARD_OHT, LF.REVERSE_ACTIVE, LF.REVERSE_OHT];
const IRQ_REGS = [DR.IRQ_STATUS_1, DR.IRQ_STATUS_2, DR.IRQ_STATUS_3] as const;
const IRQ_ENABLES = [DR.IRQ_ENABLE_1, DR.IRQ_ENABLE_2, DR.IRQ_ENABLE_3] as const;

export interface Si3215ModelOptions {
  clock: Clock;
  gpio?: SimGpio;
  /** Host output driving RESET (active low). Without it the chip is never held in reset. */
  resetPin?: number;
  /** Host input the chip's INT drives (active low). */
  interruptPin?: number;
  /** The byte timeslot this line's PCM endpoint stands for. */
  timeslot?: number;
  variant?: Si321xVariant;
  /** Revision nibble (1 = A). Default 3 (C). */
  revision?: number;
  hookBounceMs?: number;
  calibrationMs?: number;
  faults?: Si3215Fault[];
}

export class Si3215Chip implements SpiDeviceModel {
  readonly variant: Si321xVariant;
  readonly timeslot: number;
  protected readonly clock: Clock;
  private readonly gpio: SimGpio | undefined;
  private readonly o: Si3215ModelOptions;
  private readonly regs: RegisterFile;
  private readonly ind: IndirectFile;
  private readonly battery: Battery;
  private readonly detector: LoopDetector;
  private readonly faults = new Map<Si3215FaultKind, Si3215Fault>();
  private resetHeld = false;
  private readonly spi: SpiFraming;
  private readonly cal: CalibrationEngine;
  private intAsserted = false;
  /** Told what the line carries after every linefeed, power or reset change. */
  protected lineListener: ((mode: FeedMode, lf: LfCode, ringHz: number | undefined, at: number) => void) | undefined;

  constructor(o: Si3215ModelOptions) {
    this.o = o;
    this.clock = o.clock;
    this.gpio = o.gpio;
    this.variant = o.variant ?? 'si3215';
    this.timeslot = o.timeslot ?? 0;
    this.spi = new SpiFraming({
      read: (a) => this.readRegister(a),
      write: (a, v) => this.writeRegister(a, v),
      silentValue: () => {
        const absent = this.faults.get('absent');
        if (absent?.kind === 'absent') return absent.reads ?? FLOATING;
        return this.resetHeld ? FLOATING : undefined;
      },
    });
    this.regs = new RegisterFile(() => resetValues(this.variant, o.revision ?? 3), this.variant);
    this.ind = new IndirectFile(this.clock, () => this.raise(DR.IRQ_STATUS_3, IRQ3.INDIRECT_DONE));
    this.battery = new Battery(this.clock, VBAT.HIGH_RESET * VBAT.VOLTS_PER_LSB);
    this.detector = new LoopDetector({
      clock: this.clock,
      loopDebounceMs: () => (this.regs.get(DR.LOOP_DEBOUNCE) & DEBOUNCE.MASK) * DEBOUNCE.MS_PER_LSB,
      ringTripDebounceMs: () => (this.regs.get(DR.RING_TRIP_DEBOUNCE) & DEBOUNCE.MASK) * DEBOUNCE.MS_PER_LSB,
      onLoopClosure: () => this.raise(DR.IRQ_STATUS_2, IRQ2.LOOP_CLOSURE),
      onRingTrip: () => this.raise(DR.IRQ_STATUS_2, IRQ2.RING_TRIP),
    });
    this.cal = new CalibrationEngine(this.clock, o.calibrationMs ?? CALIBRATION_MS, {
      canCalibrate: () => this.battery.isPowered && this.battery.volts() >= SI3215_MIN_FEED_V,
      calibrated: () => this.regs.set(DR.CALIBRATION_1, CALIBRATION.DONE),
      dcdcCalibrated: () => {
        this.regs.set(DR.DCDC_SWITCH_DELAY, this.regs.get(DR.DCDC_SWITCH_DELAY) & ~DCDC.CALIBRATE);
        this.regs.set(DR.DCDC_PEAK_CAL, DCDC_PEAK_CAL.FALLBACK);
      },
    });
    for (const f of o.faults ?? []) this.injectFault(f);
    if (this.gpio && o.interruptPin !== undefined) this.gpio.driveInput(o.interruptPin, 1);
    if (this.gpio && o.resetPin !== undefined) {
      const pin = o.resetPin;
      if (this.gpio.outputValue(pin) === 0) this.holdReset(true);
      this.gpio.onOutputChange(pin, (v) => this.holdReset(v === 0));
    }
  }

  // ---- SPI -----------------------------------------------------------------------------------

  transfer(tx: Buffer): Buffer {
    return this.spi.frame(tx);
  }

  get frames(): number {
    return this.spi.frames;
  }

  get framingErrors(): number {
    return this.spi.framingErrors;
  }

  private readRegister(a: number): number {
    switch (a) {
      case DR.INDIRECT_DATA_LO:
        return this.ind.data & 0xff;
      case DR.INDIRECT_DATA_HI:
        return this.ind.data >> 8;
      case DR.INDIRECT_STATUS:
        return this.ind.busy ? INDIRECT_STATUS.BUSY : 0;
      case DR.LINEFEED:
        return (this.lf & LINEFEED.LF_MASK) | (this.lf << LINEFEED.LFS_SHIFT);
      case DR.LOOP_STATUS:
        return (this.detector.loopClosed ? LOOP_STATUS.LOOP_CLOSED : 0) | (this.detector.ringTrip ? LOOP_STATUS.RING_TRIP : 0);
      case DR.LOOP_CURRENT_SENSE:
        return Math.min(LOOP_CURRENT_SENSE.MASK, Math.round(this.loopCurrentMa() / LOOP_CURRENT_SENSE.MA_PER_LSB));
      case DR.LOOP_VOLTAGE_SENSE:
        return this.volts(this.feedMode() === 'fed' && !this.detector.loopClosed ? (this.regs.get(DR.ON_HOOK_VOLTAGE) & ON_HOOK_VOLTAGE.MASK) * ON_HOOK_VOLTAGE.VOLTS_PER_LSB : 0);
      case DR.VBAT_SENSE_1:
      case DR.VBAT_SENSE_2:
        return this.volts(this.battery.volts());
      default:
        return this.regs.get(a);
    }
  }

  private writeRegister(a: number, v: number): void {
    const old = this.regs.get(a);
    const stored = this.regs.hostWrite(a, v, this.clock.now());
    if ((IRQ_REGS as readonly number[]).includes(a)) {
      this.regs.set(a, old & ~v);
      this.updateInt();
      return;
    }
    switch (a) {
      case DR.IRQ_ENABLE_1:
      case DR.IRQ_ENABLE_2:
      case DR.IRQ_ENABLE_3:
        this.updateInt();
        break;
      case DR.INDIRECT_DATA_LO:
        this.ind.writeDataLow(v);
        break;
      case DR.INDIRECT_DATA_HI:
        this.ind.writeDataHigh(v);
        break;
      case DR.INDIRECT_ADDRESS:
        this.ind.start(v);
        break;
      case DR.POWER_DOWN_1:
        this.battery.setPowered((stored & POWER_DOWN_1.DCDC_OFF) === 0);
        this.updateLine();
        break;
      case DR.VBAT_HIGH:
        this.battery.setTarget((stored & VBAT.MASK) * VBAT.VOLTS_PER_LSB);
        break;
      case DR.LINEFEED:
        this.regs.set(a, stored & LINEFEED.LF_MASK);
        this.updateLine();
        break;
      case DR.DCDC_SWITCH_DELAY:
        if (stored & DCDC.CALIBRATE) this.cal.startDcDc();
        break;
      case DR.CALIBRATION_1:
        if (stored & CALIBRATION.START) this.cal.start();
        break;
    }
  }

  // ---- chip behaviour ------------------------------------------------------------------------

  private get lf(): LfCode {
    return (this.regs.get(DR.LINEFEED) & LINEFEED.LF_MASK) as LfCode;
  }

  private volts(v: number): number {
    return Math.min(VOLTAGE_SENSE.MAX, Math.floor(v / VOLTAGE_SENSE.VOLTS_PER_LSB));
  }

  private fed(): boolean {
    return !this.resetHeld && this.battery.volts() >= SI3215_MIN_FEED_V;
  }

  private feedMode(): FeedMode {
    if (!this.fed()) return 'unfed';
    if (FED.includes(this.lf)) return 'fed';
    return this.lf === LF.RINGING ? 'ringing' : 'unfed';
  }

  private loopCurrentMa(): number {
    if (this.feedMode() !== 'fed' || !this.detector.loopClosed) return 0;
    const over = this.faults.get('loop-overcurrent');
    if (over?.kind === 'loop-overcurrent') return over.mA;
    return LOOP_CURRENT_LIMIT.BASE_MA + (this.regs.get(DR.LOOP_CURRENT_LIMIT) & LOOP_CURRENT_LIMIT.MASK) * LOOP_CURRENT_LIMIT.MA_PER_LSB;
  }

  private raise(register: number, bit: number): void {
    this.regs.set(register, this.regs.get(register) | bit);
    this.updateInt();
  }

  private updateInt(): void {
    let any = false;
    IRQ_REGS.forEach((r, i) => {
      if (this.regs.get(r) & this.regs.get(IRQ_ENABLES[i] as number)) any = true;
    });
    const asserted = any && !this.resetHeld;
    if (asserted === this.intAsserted) return;
    this.intAsserted = asserted;
    if (this.gpio && this.o.interruptPin !== undefined) this.gpio.driveInput(this.o.interruptPin, asserted ? 0 : 1);
  }

  /** Re-evaluate what the line carries after a linefeed, power or reset change. */
  private updateLine(): void {
    const mode = this.feedMode();
    this.detector.setMode(mode);
    this.lineListener?.(mode, this.lf, this.ringHz(), this.clock.now());
  }

  private ringHz(): number | undefined {
    const f = ringFrequencyFromCoefficient(this.ind.value(IR.RING_OSC[this.variant]));
    return f === undefined ? undefined : Math.round(f * 10) / 10; // a meter reads 0.1 Hz
  }

  private holdReset(held: boolean): void {
    if (held === this.resetHeld) return;
    this.resetHeld = held;
    if (held) this.resetState();
    this.updateInt();
    this.updateLine();
  }

  /** Every register to its reset value, engines idle, DC-DC off. */
  private resetState(): void {
    this.cal.reset();
    this.spi.reset();
    this.regs.resetAll();
    this.ind.reset();
    this.battery.reset(VBAT.HIGH_RESET * VBAT.VOLTS_PER_LSB);
    this.detector.reset();
  }

  // ---- faults --------------------------------------------------------------------------------

  injectFault(f: Si3215Fault): void {
    if (CONDITION_FAULTS.includes(f.kind)) this.faults.set(f.kind, f);
    switch (f.kind) {
      case 'calibration-stuck':
        this.cal.stuckLeft = f.times ?? Infinity;
        break;
      case 'dcdc-weak':
        this.battery.setMaxVolts(f.maxVolts);
        break;
      case 'battery-leak':
        this.battery.setDischargeTau(f.timeConstantMs ?? LEAK_DISCHARGE_TAU_MS);
        break;
      case 'indirect-stuck':
        this.ind.stuck = true;
        break;
      case 'indirect-corrupt':
        this.ind.corrupt.set(f.address, f.xor);
        break;
      case 'power-alarm':
        this.raise(DR.IRQ_STATUS_2, IRQ2.POWER_ALARM_Q1 << (f.transistor - 1));
        if (this.regs.get(DR.AUTO_MANUAL) & AUTO_MANUAL.AUTO_OPEN_ON_POWER_ALARM) this.forceOpen();
        break;
      case 'thermal-shutdown':
        this.forceOpen();
        break;
      case 'self-reset':
        this.resetState();
        this.updateInt();
        this.updateLine();
        break;
    }
  }

  clearFault(kind: Si3215FaultKind): void {
    this.faults.delete(kind);
    if (kind === 'calibration-stuck') this.cal.stuckLeft = 0;
    if (kind === 'dcdc-weak') this.battery.setMaxVolts(Infinity);
    if (kind === 'battery-leak') this.battery.setDischargeTau(HEALTHY_DISCHARGE_TAU_MS);
    if (kind === 'indirect-stuck') this.ind.stuck = false;
    if (kind === 'indirect-corrupt') this.ind.corrupt.clear();
  }

  private forceOpen(): void {
    this.regs.set(DR.LINEFEED, LF.OPEN);
    this.updateLine();
  }

  // ---- instrument readouts -------------------------------------------------------------------

  /** A direct register as the host would read it (reads have no side effects on this chip). */
  register(address: number): number {
    return this.readRegister(address);
  }

  /** An indirect register as stored (by address on this variant). */
  indirectRegister(address: number): number {
    return this.ind.value(address);
  }

  get writes(): readonly DirectWriteRecord[] {
    return this.regs.writes;
  }

  get indirectWrites(): readonly IndirectWriteRecord[] {
    return this.ind.writes;
  }

  /** Calibrations started. */
  get calibrations(): number {
    return this.cal.started;
  }

  get indirectCollisions(): number {
    return this.ind.collisions;
  }

  get linefeed(): LfCode {
    return this.lf;
  }

  get interruptAsserted(): boolean {
    return this.intAsserted;
  }

  get inReset(): boolean {
    return this.resetHeld;
  }

  batteryVolts(): number {
    return this.battery.volts();
  }

  /** Peak ring voltage on the line while ringing (limited by the battery), else 0. */
  ringVoltagePeak(): number {
    if (this.feedMode() !== 'ringing') return 0;
    const v = ringVoltageFromRegisters(this.ind.value(IR.RING_OSC[this.variant]), this.ind.value(IR.RING_X[this.variant])) ?? 0;
    return Math.min(v, this.battery.volts());
  }

  /** Battery is on the line (a fed or ringing state, the DC-DC up): false when the line is open. */
  get lineFed(): boolean {
    return this.feedMode() !== 'unfed';
  }

  /** Audio passes between the PCM bus and the line now. */
  get audioPathOpen(): boolean {
    const slot = this.timeslot * PCM_START.BITS_PER_SLOT;
    const counts = this.regs.pcmStartCounts();
    return (this.regs.get(DR.PCM_MODE) & PCM_MODE.PCM_ENABLE) !== 0 && counts.tx === slot && counts.rx === slot && this.feedMode() === 'fed';
  }

  // ---- for the line side ---------------------------------------------------------------------

  /** The loop as the telephone makes it (before the chip's debounce). */
  protected setLoopRaw(closed: boolean): void {
    this.detector.setRaw(closed);
  }

  /** PCM format code of register 1 (bits 4:3). */
  protected get pcmFormat(): number {
    return (this.regs.get(DR.PCM_MODE) & PCM_MODE.FORMAT_MASK) >> PCM_MODE.FORMAT_SHIFT;
  }

  /** Frequency the ringing oscillator is programmed for, 0.1 Hz. */
  protected get programmedRingHz(): number | undefined {
    return this.ringHz();
  }
}
