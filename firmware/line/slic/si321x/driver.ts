/**
 * Driver for the Silicon Labs Si3215 (and Si3210) ProSLIC on SPI, with an active-low RESET
 * output and an active-low, open-drain INT input.
 *
 * init() runs the checked bring-up (probe.ts, bring-up.ts, configure.ts) and ends with the line
 * in forward active. After that:
 *  - Hook: the chip debounces loop closure itself (register 69, set from `debounceMs`) and raises
 *    INT; the driver reads and clears the status registers, reads LCR and reports the change with
 *    the time the stable level began (now − debounce). Off-hook while ringing is a ring trip: the
 *    ringing stops at once (line back to active in its polarity) and off-hook is reported at once.
 *  - Ringing: configureRing() programs frequency and voltage; setLinefeed('ringing'/'...-active')
 *    makes the cadence (the chip's own cadence timers are off).
 *  - Alarms take the line down (linefeed open) and are reported through onAlarm:
 *      'power'        transistor power alarm (register 19, Q1..Q6; the chip also opens the line);
 *      'thermal'      the chip opened the line by itself with no power alarm pending. The Si321x
 *                     has no thermal status bit: this is the protective shutdown DAHDI's sanity
 *                     check detects by reading register 64 back; it is classed as thermal here;
 *      'spurious'     the chip reset itself (register 8 back at its reset value 0x02);
 *      'loop-current' loop current above the programmed limit plus a margin on two supervision
 *                     reads in a row (a foreign voltage on the line).
 *    After an alarm only setLinefeed('open') is accepted until clearAlarm().
 * Every bus access goes through one serial queue, so interrupt service, supervision and API calls
 * never interleave their register sequences.
 */
import type { Cancel, Clock } from '../../../core/clock.js';
import { IllegalTransitionError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import type { Si3215Slic } from '../../../../board/types.js';
import type { GpioBackend, GpioValue } from '../../../../hal/gpio.js';
import type { SpiBackend } from '../../../../hal/spi.js';
import type { Linefeed, RingSettings, SlicAlarm, SlicDriver } from '../types.js';
import { calibrateDcDc, calibrateWithRetry, loadIndirectRegisters, powerLeakTest, powerUpDcDc, prepareForPowerUp, restoreFiltersAndVerify } from './bring-up.js';
import { configureLoop, configurePcm, enableInterrupts, programRingGenerator, writeLinefeedChecked } from './configure.js';
import type { PcmFormat, RingProgram } from './configure.js';
import { SlicConfigError, SlicError } from './errors.js';
import { closeHardware, openHardware } from './hardware.js';
import type { Si321xHardware } from './hardware.js';
import { decodeIrq } from './interrupts.js';
import type { IrqEvents } from './interrupts.js';
import { activeCodeFor, lfCodeFor, lfName, lfOf, polarityOf } from './linefeed.js';
import type { Polarity } from './linefeed.js';
import { checkSpiReadback, identifyChip, resetChip } from './probe.js';
import type { ChipContext, ChipIdentity } from './probe.js';
import { AUDIO_LOOPBACK, DEBOUNCE, DR, IRQ2, IRQ_CLEAR_ALL, LF, LOOP_CURRENT_SENSE, LOOP_STATUS } from './registers.js';
import type { ChipFamily, LfCode } from './registers.js';
import { RING_HZ_RANGE, RING_VPK_RANGE, ringTripSettings } from './ringing.js';
import { SerialQueue, sleep } from './wait.js';

export const SI321X_DEFAULT_DEBOUNCE_MS = 20;
export const SI321X_DEFAULT_LOOP_CURRENT_MA = 20;
export const SI321X_DEFAULT_SUPERVISION_MS = 500;
export const SI321X_DEFAULT_RING: RingProgram = { frequencyHz: 20, voltsPeak: 65 };
/** Loop current this far above the limit is not the chip's own feed. */
export const LOOP_OVERCURRENT_MARGIN_MA = 10;
/** Interrupt service rounds while INT stays asserted. */
const MAX_SERVICE_ROUNDS = 8;
const INT_ASSERTED: GpioValue = 0;

type DriverState = 'new' | 'initialising' | 'failed' | 'idle' | 'ringing' | 'alarm' | 'closed';
type DriverEvent = 'init' | 'init-done' | 'init-failed' | 'ring' | 'feed' | 'ring-trip' | 'alarm' | 'clear-alarm' | 'close';

const TABLE: Record<DriverState, Partial<Record<DriverEvent, DriverState>>> = {
  new: { init: 'initialising', close: 'closed' },
  initialising: { 'init-done': 'idle', 'init-failed': 'failed', close: 'closed' },
  failed: { init: 'initialising', close: 'closed' },
  idle: { ring: 'ringing', feed: 'idle', alarm: 'alarm', close: 'closed' },
  ringing: { ring: 'ringing', feed: 'idle', 'ring-trip': 'idle', alarm: 'alarm', close: 'closed' },
  alarm: { 'clear-alarm': 'idle', close: 'closed' },
  closed: {},
};

export interface Si321xDriverOptions {
  spi: SpiBackend;
  gpio: GpioBackend;
  clock: Clock;
  log: Logger;
  /** The board's description of this chip: SPI bus, RESET and INT pins, PCM timeslot. */
  slic: Si3215Slic;
  /** The family the board has; a different chip fails init with 'wrong-chip'. Default si3215. */
  expect?: ChipFamily;
  pcmFormat?: PcmFormat;
  debounceMs?: number;
  loopCurrentMa?: number;
  supervisionMs?: number;
}

export class Si321xDriver implements SlicDriver {
  /** The family the board has ('si3215' unless told otherwise). */
  readonly chip: ChipFamily;
  private readonly o: Si321xDriverOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly debounceMs: number;
  private readonly loopCurrentMa: number;
  private readonly queue = new SerialQueue();
  private state: DriverState = 'new';
  private hw: Si321xHardware | undefined;
  private ctx: ChipContext | undefined;
  private ring: RingProgram = { ...SI321X_DEFAULT_RING };
  private polarity: Polarity = 'forward';
  private expectedLf: LfCode = LF.OPEN;
  private offHook = false;
  private overCurrentReads = 0;
  private supervision: Cancel | undefined;
  private servicePending = false;
  private readonly hookListeners: Array<(offHook: boolean, at: number) => void> = [];
  private readonly alarmListeners: Array<(alarm: SlicAlarm) => void> = [];
  /** What init found. */
  identity: ChipIdentity | undefined;

  constructor(o: Si321xDriverOptions) {
    this.o = o;
    this.chip = o.expect ?? 'si3215';
    this.clock = o.clock;
    this.log = o.log;
    this.debounceMs = o.debounceMs ?? SI321X_DEFAULT_DEBOUNCE_MS;
    this.loopCurrentMa = o.loopCurrentMa ?? SI321X_DEFAULT_LOOP_CURRENT_MA;
  }

  async init(): Promise<void> {
    this.transition('init');
    await this.queue.run(() => this.bringUp());
    if (this.state !== 'idle') return; // closed while starting
    this.armSupervision();
    const hw = this.hw;
    if (hw && (await hw.int.read()) === INT_ASSERTED) this.scheduleService();
    this.log.info('si321x ready', { part: this.identity?.part, offHook: this.offHook, timeslot: this.o.slic.timeslot });
  }

  private async bringUp(): Promise<void> {
    try {
      const hw = await openHardware({ ...this.o, clock: this.clock, log: this.log });
      this.hw = hw;
      this.ctx = hw.ctx;
      const ctx = hw.ctx;
      await resetChip(ctx, hw.reset);
      this.identity = await identifyChip(ctx, this.chip);
      await checkSpiReadback(ctx);
      await prepareForPowerUp(ctx);
      await loadIndirectRegisters(ctx);
      await powerUpDcDc(ctx);
      await powerLeakTest(ctx);
      await powerUpDcDc(ctx);
      await calibrateWithRetry(ctx);
      await calibrateDcDc(ctx);
      await restoreFiltersAndVerify(ctx);
      await configurePcm(ctx, { timeslot: this.o.slic.timeslot, format: this.o.pcmFormat ?? this.o.slic.pcmFormat ?? 'ulaw' });
      await configureLoop(ctx, { debounceMs: this.debounceMs, loopCurrentMa: this.loopCurrentMa });
      await programRingGenerator(ctx, this.ring);
      await enableInterrupts(ctx);
      hw.int.watch((v) => this.onInt(v));
      this.polarity = 'forward';
      await writeLinefeedChecked(ctx, LF.FORWARD_ACTIVE);
      this.expectedLf = LF.FORWARD_ACTIVE;
      // Give loop closure detection one debounce interval, so a phone already off-hook is seen.
      await sleep(this.clock, this.debounceMs * 2);
      this.offHook = ((await ctx.bus.read(DR.LOOP_STATUS)) & LOOP_STATUS.LOOP_CLOSED) !== 0;
    } catch (e) {
      await this.shutDown();
      if (this.state === 'initialising') this.transition('init-failed');
      throw e;
    }
    this.transition('init-done');
  }

  async setLinefeed(state: Linefeed): Promise<void> {
    if (this.state === 'new' || this.state === 'failed' || this.state === 'closed' || this.state === 'initialising') {
      throw new IllegalTransitionError('si321x-driver', this.state, state === 'ringing' ? 'ring' : 'feed');
    }
    return this.queue.run(async () => {
      const ctx = this.requireCtx();
      if (this.state === 'alarm') {
        if (state !== 'open') throw new SlicError('line-down', `line is down after an alarm; '${state}' refused until clearAlarm()`, { requested: state });
        await ctx.bus.write(DR.LINEFEED, LF.OPEN);
        this.expectedLf = LF.OPEN;
        return;
      }
      if (state === 'ringing') {
        if (this.state === 'ringing') return;
        this.transition('ring');
        await this.writeLf(LF.RINGING);
        return;
      }
      this.transition('feed');
      this.polarity = polarityOf(state) ?? this.polarity;
      await this.writeLf(lfCodeFor(state, this.polarity));
    });
  }

  async configureRing(settings: RingSettings): Promise<void> {
    const f = settings.frequencyHz;
    if (!Number.isFinite(f) || f < RING_HZ_RANGE.min || f > RING_HZ_RANGE.max) {
      throw new SlicConfigError('bad-argument', `ring frequency ${f} Hz out of range`, { ...RING_HZ_RANGE });
    }
    let v = settings.voltage ?? this.ring.voltsPeak;
    if (!Number.isFinite(v) || v < RING_VPK_RANGE.min) {
      throw new SlicConfigError('bad-argument', `ring voltage ${v} V out of range`, { ...RING_VPK_RANGE });
    }
    if (v > RING_VPK_RANGE.max) {
      this.log.warn('si321x ring voltage above what the battery allows; limited', { requested: v, used: RING_VPK_RANGE.max });
      v = RING_VPK_RANGE.max;
    }
    this.ring = { frequencyHz: f, voltsPeak: v };
    if (this.state === 'new' || this.state === 'failed' || this.state === 'initialising') return;
    if (this.state === 'closed') throw new IllegalTransitionError('si321x-driver', this.state, 'configure-ring');
    await this.queue.run(() => programRingGenerator(this.requireCtx(), this.ring));
    this.log.debug('si321x ring programmed', { ...this.ring });
  }

  onHook(callback: (offHook: boolean, at: number) => void): void {
    this.hookListeners.push(callback);
  }

  onAlarm(callback: (alarm: SlicAlarm) => void): void {
    this.alarmListeners.push(callback);
  }

  isOffHook(): boolean {
    return this.offHook;
  }

  /** Bring the line back after an alarm: clear the status, forward active (checked). */
  async clearAlarm(): Promise<void> {
    await this.queue.run(async () => {
      if (this.state !== 'alarm') return;
      const ctx = this.requireCtx();
      for (const r of [DR.IRQ_STATUS_1, DR.IRQ_STATUS_2, DR.IRQ_STATUS_3]) await ctx.bus.write(r, IRQ_CLEAR_ALL);
      this.polarity = 'forward';
      await writeLinefeedChecked(ctx, LF.FORWARD_ACTIVE);
      this.expectedLf = LF.FORWARD_ACTIVE;
      this.overCurrentReads = 0;
      this.transition('clear-alarm');
      // The hook may have changed while the line was down: look again once the chip has debounced it.
      await sleep(this.clock, this.debounceMs * 2);
      const closed = ((await ctx.bus.read(DR.LOOP_STATUS)) & LOOP_STATUS.LOOP_CLOSED) !== 0;
      if (closed !== this.offHook) this.report(closed, this.clock.now() - this.debounceMs);
      this.log.info('si321x alarm cleared; line back in forward active', { offHook: this.offHook });
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    await this.queue.run(async () => {
      if (this.state === 'closed') return;
      this.transition('close');
      await this.shutDown();
    });
  }

  // ---- interrupts ----------------------------------------------------------------------------

  private onInt(value: GpioValue): void {
    if (value === INT_ASSERTED) this.scheduleService();
  }

  private scheduleService(): void {
    if (this.servicePending) return;
    this.servicePending = true;
    this.queue.run(() => this.service()).catch((e: unknown) => this.log.error('si321x interrupt service failed', { err: e }));
  }

  private async service(): Promise<void> {
    this.servicePending = false;
    for (let round = 0; round < MAX_SERVICE_ROUNDS; round++) {
      if (this.state !== 'idle' && this.state !== 'ringing' && this.state !== 'alarm') return;
      const { bus } = this.requireCtx();
      const status = { status1: await bus.read(DR.IRQ_STATUS_1), status2: await bus.read(DR.IRQ_STATUS_2), status3: await bus.read(DR.IRQ_STATUS_3) };
      if (status.status1) await bus.write(DR.IRQ_STATUS_1, status.status1);
      if (status.status2) await bus.write(DR.IRQ_STATUS_2, status.status2);
      if (status.status3) await bus.write(DR.IRQ_STATUS_3, status.status3);
      await this.handle(decodeIrq(status));
      const hw = this.hw;
      if (!hw || (await hw.int.read()) !== INT_ASSERTED) return;
    }
    this.log.warn('si321x INT still asserted after servicing', { rounds: MAX_SERVICE_ROUNDS });
  }

  private async handle(ev: IrqEvents): Promise<void> {
    const now = this.clock.now();
    if (ev.powerAlarms.length) {
      const q = ev.powerAlarms.map((n) => `Q${n}`).join(', ');
      await this.raise('power', `power alarm on linefeed transistor ${q}: line opened`);
      return;
    }
    if (ev.ringTrip && this.state === 'ringing') {
      this.transition('ring-trip');
      await this.writeLf(activeCodeFor(this.polarity));
      this.log.info('si321x ring trip');
      if (!this.offHook) this.report(true, now - ringTripSettings(this.ring.frequencyHz).debounce * DEBOUNCE.MS_PER_LSB);
      return;
    }
    if (ev.loopClosure && this.state === 'idle') {
      const closed = ((await this.requireCtx().bus.read(DR.LOOP_STATUS)) & LOOP_STATUS.LOOP_CLOSED) !== 0;
      if (closed !== this.offHook) this.report(closed, now - this.debounceMs);
    }
  }

  private report(offHook: boolean, at: number): void {
    this.offHook = offHook;
    if (!offHook) this.overCurrentReads = 0;
    for (const cb of [...this.hookListeners]) cb(offHook, at);
  }

  // ---- supervision and alarms ----------------------------------------------------------------

  private armSupervision(): void {
    const every = this.o.supervisionMs ?? SI321X_DEFAULT_SUPERVISION_MS;
    this.supervision = this.clock.at(this.clock.now() + every, () => {
      this.supervision = undefined;
      if (this.state === 'closed') return;
      this.queue
        .run(() => this.supervise())
        .catch((e: unknown) => this.log.error('si321x supervision failed', { err: e }))
        .finally(() => {
          if (this.state !== 'closed' && this.state !== 'failed') this.armSupervision();
        });
    });
  }

  private async supervise(): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'ringing') return;
    const { bus } = this.requireCtx();
    const lf = lfOf(await bus.read(DR.LINEFEED));
    if (lf !== this.expectedLf) {
      if ((await bus.read(DR.AUDIO_LOOPBACK)) === AUDIO_LOOPBACK.RESET) {
        await this.raise('spurious', `the chip reset itself (linefeed ${lfName(lf)}, expected ${lfName(this.expectedLf)}): line opened`);
      } else if ((await bus.read(DR.IRQ_STATUS_2)) & IRQ2.POWER_ALARM_MASK) {
        this.scheduleService();
      } else {
        await this.raise('thermal', `the chip opened the line by itself with no power alarm pending (protective shutdown); linefeed ${lfName(lf)}, expected ${lfName(this.expectedLf)}`);
      }
      return;
    }
    if (this.state !== 'idle' || !this.offHook) {
      this.overCurrentReads = 0;
      return;
    }
    const mA = ((await bus.read(DR.LOOP_CURRENT_SENSE)) & LOOP_CURRENT_SENSE.MASK) * LOOP_CURRENT_SENSE.MA_PER_LSB;
    if (mA > this.loopCurrentMa + LOOP_OVERCURRENT_MARGIN_MA) this.overCurrentReads += 1;
    else this.overCurrentReads = 0;
    if (this.overCurrentReads >= 2) {
      await this.raise('loop-current', `loop current ${mA.toFixed(1)} mA above the ${this.loopCurrentMa} mA limit: foreign voltage on the line? line opened`);
    }
  }

  /** Take the line down (linefeed open) and report why. Runs inside the queue. */
  private async raise(code: SlicAlarm['code'], message: string): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'ringing') return;
    this.transition('alarm');
    await this.requireCtx().bus.write(DR.LINEFEED, LF.OPEN);
    this.expectedLf = LF.OPEN;
    this.log.error('si321x alarm', { code, message });
    const alarm: SlicAlarm = { code, message };
    for (const cb of [...this.alarmListeners]) cb(alarm);
  }

  // ---- hardware --------------------------------------------------------------------------------

  private async shutDown(): Promise<void> {
    this.supervision?.();
    this.supervision = undefined;
    const hw = this.hw;
    this.hw = undefined;
    this.ctx = undefined;
    if (hw) await closeHardware(hw);
  }

  private async writeLf(code: LfCode): Promise<void> {
    await this.requireCtx().bus.write(DR.LINEFEED, code);
    this.expectedLf = code;
  }

  private requireCtx(): ChipContext {
    if (!this.ctx) throw new SlicConfigError('not-initialised', 'si321x driver is not initialised');
    return this.ctx;
  }

  private transition(event: DriverEvent): void {
    const next = TABLE[this.state][event];
    if (!next) throw new IllegalTransitionError('si321x-driver', this.state, event);
    if (next !== this.state) this.log.debug('si321x state', { from: this.state, to: next, event });
    this.state = next;
  }

  /** The driver's state (for tests and status). */
  get currentState(): DriverState {
    return this.state;
  }
}
