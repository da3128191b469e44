/**
 * A simulated Silicon Labs Si3215 (or Si3210) ProSLIC at register level, as the datasheet
 * describes what the driver uses:
 *
 *  - SPI: one byte per chip-select frame; command byte (bit 7 = read, bits 6:0 = address), then
 *    the data byte. A multi-byte frame is a framing error (counted, answered with 0xFF).
 *  - RESET pin (active low, from the host): held low, the chip does not answer and every register
 *    returns to its reset value (revision, reg 8 = 0x02, reg 11 = 0x33, reg 64 = 0, DC-DC off).
 *  - INT pin (active low, open drain, to the host): asserted while any enabled status bit in
 *    registers 18–20 is set; the host clears bits by writing 1s. Edges reach the host through the
 *    sim GPIO, so a watcher sees them later, never inside the SPI access that caused them.
 *  - Indirect registers behind 28–31 with a busy bit for one 8 kHz sample (si3215/indirect-file).
 *  - DC-DC: powering it up (register 14) ramps the battery towards register 74; register 82 reads
 *    it at 0.376 V/LSB; powered down, the rail discharges (si3215/battery).
 *  - Calibration (register 96) completes after `calibrationMs` if the DC-DC is up; DC-DC
 *    calibration (register 93 bit 7) after 20 ms.
 *  - Linefeed (register 64): open/tip-open/ring-open = no feed; active and on-hook transmission
 *    feed the line (forward or reverse polarity: the phone sees reversals); ringing puts ring
 *    voltage on the line at the frequency the RING_OSC indirect register programs.
 *  - Loop closure and ring trip, debounced by registers 69/70, set the status bits (si3215/loop-detector).
 *  - PCM: the model is its line's PCM endpoint; audio passes only with PCM enabled, both start
 *    counts at this line's timeslot, and the line fed; it goes through the selected companding.
 *
 * Test controls: injectFault()/clearFault() (si3215/faults), register and write records, and
 * recordLine() to hear what is on the line whatever the phone's hook state.
 */
import type { Cancel, Clock } from '../../firmware/core/clock.js';
import {
  AUTO_MANUAL, CALIBRATION, DCDC, DCDC_PEAK_CAL, DEBOUNCE, DR, INDIRECT_STATUS, IR, IRQ2, IRQ3, LF, LINEFEED,
  LOOP_CURRENT_LIMIT, LOOP_CURRENT_SENSE, LOOP_STATUS, ON_HOOK_VOLTAGE, PCM_MODE, PCM_START, POWER_DOWN_1, SPI_COMMAND, VBAT, VOLTAGE_SENSE,
} from '../../firmware/line/slic/si321x/registers.js';
import type { LfCode } from '../../firmware/line/slic/si321x/registers.js';
import { ringFrequencyFromCoefficient, ringVoltageFromRegisters } from '../../firmware/line/slic/si321x/ringing.js';
import type { SpiDeviceModel } from './spi-sim.js';
import type { PcmEndpoint } from './pcm-sim.js';
import type { LineTerminal, Polarity, SimLine } from './sim-line.js';
import type { SimGpio } from './gpio-sim.js';
import { Battery, LEAK_DISCHARGE_TAU_MS, HEALTHY_DISCHARGE_TAU_MS } from './si3215/battery.js';
import { CALIBRATION_MS, CalibrationEngine } from './si3215/calibration.js';
import type { Si3215Fault, Si3215FaultKind } from './si3215/faults.js';
import { CONDITION_FAULTS } from './si3215/faults.js';
import { HookSwitch } from './si3215/hook-switch.js';
import { IndirectFile } from './si3215/indirect-file.js';
import type { IndirectWriteRecord } from './si3215/indirect-file.js';
import { LineAudio } from './si3215/line-audio.js';
import { LineEvents } from './si3215/line-events.js';
import { LoopDetector } from './si3215/loop-detector.js';
import type { FeedMode } from './si3215/loop-detector.js';
import { RegisterFile, resetValues } from './si3215/register-file.js';
import type { DirectWriteRecord, Si321xVariant } from './si3215/register-file.js';

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

export class Si3215Model implements SpiDeviceModel, SimLine, PcmEndpoint {
  readonly variant: Si321xVariant;
  readonly timeslot: number;
  private readonly clock: Clock;
  private readonly gpio: SimGpio | undefined;
  private readonly o: Si3215ModelOptions;
  private readonly regs: RegisterFile;
  private readonly ind: IndirectFile;
  private readonly battery: Battery;
  private readonly detector: LoopDetector;
  private readonly faults = new Map<Si3215FaultKind, Si3215Fault>();
  private resetHeld = false;
  private pending: { read: boolean; address: number } | undefined;
  private readonly cal: CalibrationEngine;
  private intAsserted = false;
  private readonly line = new LineEvents();
  private readonly hook: HookSwitch;
  private readonly audio: LineAudio;
  private terminal: LineTerminal | undefined;
  /** Frames received, and frames that were not one byte long. */
  frames = 0;
  framingErrors = 0;

  constructor(o: Si3215ModelOptions) {
    this.o = o;
    this.clock = o.clock;
    this.gpio = o.gpio;
    this.variant = o.variant ?? 'si3215';
    this.timeslot = o.timeslot ?? 0;
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
    this.hook = new HookSwitch(this.clock, (closed) => this.detector.setRaw(closed), o.hookBounceMs ?? 0);
    this.audio = new LineAudio(this.clock, () => this.audioPathOpen, () => (this.regs.get(DR.PCM_MODE) & PCM_MODE.FORMAT_MASK) >> PCM_MODE.FORMAT_SHIFT);
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
    this.frames += 1;
    const rx = Buffer.alloc(tx.length, FLOATING);
    const absent = this.faults.get('absent');
    if (absent?.kind === 'absent') return rx.fill(absent.reads ?? FLOATING);
    if (this.resetHeld) {
      this.pending = undefined;
      return rx;
    }
    if (tx.length !== 1) {
      this.framingErrors += 1;
      this.pending = undefined;
      return rx;
    }
    const byte = tx[0] as number;
    const p = this.pending;
    if (!p) {
      this.pending = { read: (byte & SPI_COMMAND.READ) !== 0, address: byte & SPI_COMMAND.ADDRESS_MASK };
      return rx;
    }
    this.pending = undefined;
    if (p.read) rx[0] = this.readRegister(p.address);
    else this.writeRegister(p.address, byte);
    return rx;
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
    this.line.update(mode, this.lf, this.ringHz(), this.clock.now());
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
    this.pending = undefined;
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
    if (!this.line.ringing) return 0;
    const v = ringVoltageFromRegisters(this.ind.value(IR.RING_OSC[this.variant]), this.ind.value(IR.RING_X[this.variant])) ?? 0;
    return Math.min(v, this.battery.volts());
  }

  /** Audio passes between the PCM bus and the line now. */
  get audioPathOpen(): boolean {
    const slot = this.timeslot * PCM_START.BITS_PER_SLOT;
    const counts = this.regs.pcmStartCounts();
    return (this.regs.get(DR.PCM_MODE) & PCM_MODE.PCM_ENABLE) !== 0 && counts.tx === slot && counts.rx === slot && this.feedMode() === 'fed';
  }

  /** Record what the chip puts on the line during the next `ms`, whatever the phone's hook state. */
  recordLine(ms: number): Promise<Int16Array> {
    return this.audio.record(ms);
  }

  // ---- SimLine -------------------------------------------------------------------------------

  get ringing(): boolean {
    return this.line.ringing;
  }

  get polarity(): Polarity {
    return this.line.polarity;
  }

  get offHook(): boolean {
    return this.hook.offHook;
  }

  ringFrequencyHz(): number | undefined {
    return this.line.ringing ? this.ringHz() : this.line.lastRingHz;
  }

  onRing(cb: (ringing: boolean, at: number) => void): void {
    this.line.onRing(cb);
  }

  onPolarity(cb: (polarity: Polarity, at: number) => void): void {
    this.line.onPolarity(cb);
  }

  connect(terminal: LineTerminal): void {
    this.terminal = terminal;
  }

  setHookBounce(ms: number): void {
    this.hook.bounceMs = Math.max(0, ms);
  }

  /** The phone's hook switch (with contact bounce, except into ring voltage). */
  setOffHook(offHook: boolean): void {
    this.hook.set(offHook, this.line.ringing);
  }

  // ---- PCM endpoint --------------------------------------------------------------------------

  capture(out: Int16Array): void {
    this.audio.capture(this.terminal, out);
  }

  playout(frame: Int16Array): void {
    this.audio.playout(this.terminal, frame);
  }
}
