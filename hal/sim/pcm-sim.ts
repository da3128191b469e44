/**
 * Simulated PCM bus. The line side (a SLIC model with a phone on it) is attached per
 * (device, channel). A started stream runs one period every periodSamples/sampleRate seconds on
 * the injected clock, on an absolute schedule (start + n·period, so it never drifts):
 *
 *   1. capture buffer zeroed, `endpoint.capture(capture)` fills it (the phone's mouthpiece);
 *   2. playout buffer zeroed, the firmware handler runs `(capture, playout, now)`;
 *   3. `endpoint.playout(playout)` (the phone's earpiece).
 *
 * The first period runs one period after `start()` (a period's worth of audio has been captured).
 */
import type { Cancel, Clock } from '../../firmware/core/clock.js';
import type { PcmBackend, PcmOpenOptions, PcmPeriodHandler, PcmStream } from '../pcm.js';
import { HalError } from '../errors.js';

/** The line side of one PCM channel. */
export interface PcmEndpoint {
  /** Fill `out` with what the line delivers this period (it is zeroed beforehand). */
  capture(out: Int16Array): void;
  /** What the firmware played out this period. The buffer is reused: copy what you keep. */
  playout(frame: Int16Array): void;
}

const key = (device: string, channel: number): string => `${device}#${channel}`;

export class SimPcm implements PcmBackend {
  private readonly clock: Clock;
  private readonly endpoints = new Map<string, PcmEndpoint>();
  private readonly streams = new Map<string, SimPcmStream>();

  constructor(o: { clock: Clock }) {
    this.clock = o.clock;
  }

  /** Connect the line side of `device` channel `channel`. */
  attach(device: string, channel: number, endpoint: PcmEndpoint): void {
    this.endpoints.set(key(device, channel), endpoint);
  }

  /** Whether a stream is open on (device, channel). */
  isOpen(device: string, channel: number): boolean {
    return this.streams.has(key(device, channel));
  }

  async open(device: string, options: PcmOpenOptions): Promise<PcmStream> {
    const k = key(device, options.channel);
    const name = `${device} channel ${options.channel}`;
    const endpoint = this.endpoints.get(k);
    if (!endpoint) throw new HalError('no-device', `no PCM line attached at ${name}`, { device: name });
    if (this.streams.has(k)) throw new HalError('busy', `PCM ${name} is already open`, { device: name });
    if (!(options.sampleRate > 0) || !Number.isInteger(options.periodSamples) || options.periodSamples <= 0) {
      throw new HalError('bad-argument', `bad PCM options rate=${options.sampleRate} period=${options.periodSamples}`, {
        device: name,
      });
    }
    const stream = new SimPcmStream({ ...options }, this.clock, endpoint, name, () => this.streams.delete(k));
    this.streams.set(k, stream);
    return stream;
  }
}

type StreamState = 'open' | 'running' | 'stopped';

class SimPcmStream implements PcmStream {
  private state: StreamState = 'open';
  private timer: Cancel | undefined;
  private readonly capture: Int16Array;
  private readonly playout: Int16Array;
  private readonly periodMs: number;
  private startAt = 0;
  private n = 0;

  constructor(
    readonly options: PcmOpenOptions,
    private readonly clock: Clock,
    private readonly endpoint: PcmEndpoint,
    private readonly name: string,
    private readonly release: () => void,
  ) {
    this.capture = new Int16Array(options.periodSamples);
    this.playout = new Int16Array(options.periodSamples);
    this.periodMs = (options.periodSamples * 1000) / options.sampleRate;
  }

  start(handler: PcmPeriodHandler): void {
    if (this.state === 'running') throw new HalError('busy', `PCM ${this.name} is already started`, { device: this.name });
    if (this.state === 'stopped') throw new HalError('closed', `PCM ${this.name} is stopped`, { device: this.name });
    this.state = 'running';
    this.startAt = this.clock.now();
    this.n = 0;
    this.arm(handler);
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.timer?.();
    this.timer = undefined;
    this.release();
  }

  private arm(handler: PcmPeriodHandler): void {
    this.n += 1;
    const at = this.startAt + this.n * this.periodMs;
    this.timer = this.clock.at(at, () => this.period(handler, at));
  }

  private period(handler: PcmPeriodHandler, at: number): void {
    if (this.state !== 'running') return;
    // Arm the next period first so a throwing handler does not stop the bus; stop() cancels it.
    this.arm(handler);
    this.capture.fill(0);
    this.endpoint.capture(this.capture);
    this.playout.fill(0);
    handler(this.capture, this.playout, at);
    if (this.state !== 'running') return;
    this.endpoint.playout(this.playout);
  }
}
