/**
 * What the line layer needs from a SLIC, whatever the chip. A driver is an adapter: it talks to
 * the HAL and may use the clock (for example to toggle F/R at the ring frequency).
 */
export type Linefeed =
  | 'open' // no loop current (disconnect)
  | 'forward-active' // normal talk/idle battery
  | 'reverse-active' // polarity reversed
  | 'on-hook-transmission' // audio path open while on-hook (caller ID)
  | 'ringing';

export interface RingSettings {
  frequencyHz: number;
  /** Peak voltage where the chip can set it. */
  voltage?: number;
}

export interface SlicAlarm {
  code: 'power' | 'loop-current' | 'thermal' | 'ground-fault' | 'spurious';
  message: string;
}

export interface SlicDriver {
  readonly chip: string;
  /** Bring the chip up; throws a coded error if the chip is missing or fails a check. */
  init(): Promise<void>;
  setLinefeed(state: Linefeed): Promise<void>;
  /** Program the ring generator; ringing starts with setLinefeed('ringing'). */
  configureRing(settings: RingSettings): Promise<void>;
  /** Raw, debounced hook state changes: true = off-hook. `at` is clock time in ms. */
  onHook(callback: (offHook: boolean, at: number) => void): void;
  onAlarm(callback: (alarm: SlicAlarm) => void): void;
  /** Current hook state as last read. */
  isOffHook(): boolean;
  close(): Promise<void>;
}
