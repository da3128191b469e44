/** GPIO contract (types only). Real backend: npm `onoff`; simulated: hal/sim/gpio-sim.ts. */
export type GpioValue = 0 | 1;
export type GpioDirection = 'in' | 'out' | 'high' | 'low';
export type GpioEdge = 'none' | 'rising' | 'falling' | 'both';

export interface GpioOpenOptions {
  direction: GpioDirection;
  edge?: GpioEdge;
  activeLow?: boolean;
  /** Software debounce for inputs, ms. */
  debounceMs?: number;
}

export interface GpioPin {
  readonly pin: number;
  read(): Promise<GpioValue>;
  write(value: GpioValue): Promise<void>;
  /** Called (asynchronously, never inside write/read) on each edge selected at open. */
  watch(callback: (value: GpioValue) => void): void;
  unwatchAll(): void;
  close(): Promise<void>;
}

export interface GpioBackend {
  open(pin: number, options: GpioOpenOptions): Promise<GpioPin>;
}
