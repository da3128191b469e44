/**
 * PCM audio contract (types only). The device drives time: once per period it hands over the
 * captured frame (from the phone's mouthpiece) and a frame to fill for playout (to the earpiece).
 * Real backend: ALSA (hal/real); simulated: hal/sim/pcm-sim.ts.
 */
export interface PcmOpenOptions {
  sampleRate: number; // 8000
  /** Samples per period (160 = 20 ms at 8 kHz). */
  periodSamples: number;
  /** Line / timeslot on a multi-channel PCM bus. */
  channel: number;
}

/**
 * Called once per period. `capture` holds what the line delivered; write the playout samples into
 * `playout` (it is zeroed beforehand). Both buffers are reused: copy what you keep.
 * `now` is the clock time of the period, ms.
 */
export type PcmPeriodHandler = (capture: Int16Array, playout: Int16Array, now: number) => void;

export interface PcmStream {
  readonly options: PcmOpenOptions;
  start(handler: PcmPeriodHandler): void;
  stop(): Promise<void>;
}

export interface PcmBackend {
  open(device: string, options: PcmOpenOptions): Promise<PcmStream>;
}
