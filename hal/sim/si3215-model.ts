/**
 * A simulated Silicon Labs Si3215 (or Si3210) ProSLIC at register level, as the datasheet
 * describes what the driver uses. The register-level core is si3215/chip.ts; this class adds the
 * telephone's side: it is the SimLine a SimPhone plugs into and its line's PCM endpoint.
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
 *    calibration (register 93 bit 7) after 20 ms (si3215/calibration).
 *  - Linefeed (register 64): open/tip-open/ring-open = no feed; active and on-hook transmission
 *    feed the line (forward or reverse polarity: the phone sees reversals); ringing puts ring
 *    voltage on the line at the frequency the RING_OSC indirect register programs. The chip's
 *    own cadence timers (registers 34, 48–51) are not modelled: ringing lasts while LF = ringing.
 *  - Loop closure and ring trip, debounced by registers 69/70, set the status bits (si3215/loop-detector).
 *  - PCM: audio passes only with PCM enabled, both start counts at this line's timeslot and the
 *    line fed, through the selected companding law (si3215/line-audio).
 *
 * Test controls: injectFault()/clearFault() (si3215/faults), register and write records, and
 * recordLine() to hear what is on the line whatever the phone's hook state.
 */
import type { PcmEndpoint } from './pcm-sim.js';
import type { LineTerminal, Polarity, SimLine } from './sim-line.js';
import { Si3215Chip } from './si3215/chip.js';
import type { Si3215ModelOptions } from './si3215/chip.js';
import { HookSwitch } from './si3215/hook-switch.js';
import { LineAudio } from './si3215/line-audio.js';
import { LineEvents } from './si3215/line-events.js';

export { SI3215_MIN_FEED_V } from './si3215/chip.js';
export type { Si3215ModelOptions } from './si3215/chip.js';

export class Si3215Model extends Si3215Chip implements SimLine, PcmEndpoint {
  private readonly line = new LineEvents();
  private readonly hook: HookSwitch;
  private readonly audio: LineAudio;
  private terminal: LineTerminal | undefined;

  constructor(o: Si3215ModelOptions) {
    super(o);
    this.hook = new HookSwitch(this.clock, (closed) => this.setLoopRaw(closed), o.hookBounceMs ?? 0);
    this.audio = new LineAudio(this.clock, () => this.audioPathOpen, () => this.pcmFormat);
    this.lineListener = (mode, lf, ringHz, at) => this.line.update(mode, lf, ringHz, at);
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

  /** The loop state the phone asked for (the chip may still be debouncing it). */
  get offHook(): boolean {
    return this.hook.offHook;
  }

  ringFrequencyHz(): number | undefined {
    return this.line.ringing ? this.programmedRingHz : this.line.lastRingHz;
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

  /** Contact bounce applied to later hook changes (0 = clean switch). */
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
