/**
 * PCM audio through ALSA, with `arecord` and `aplay` (alsa-utils) as child processes.
 *
 * The sound card's own sample clock drives the period handler: arecord writes one period of
 * captured samples at a time as the card delivers them, and each whole period that arrives runs
 * the handler once and writes exactly one period to aplay. So capture and playout run at the
 * card's rate and the playout queue stays at its initial depth (`startPeriods`, 2 by default:
 * 40 ms at 160 samples/8 kHz) as long as both directions use the same card. No timer is involved.
 *
 * open() starts arecord and resolves once the first captured bytes arrive (so a missing or busy
 * device fails at open, with its HAL code); captured audio before start() is dropped. start()
 * starts aplay. If several periods arrive together (a scheduling hiccup) they run back to back,
 * each stamped with the clock time at which its last sample was captured (estimated backwards
 * from the arrival time). Only channel 0 (mono devices) is supported.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Cancel, Clock } from '../../firmware/core/clock.js';
import { IllegalTransitionError } from '../../firmware/core/errors.js';
import type { Logger } from '../../firmware/core/log.js';
import { silentLogger } from '../../firmware/core/log.js';
import type { PcmBackend, PcmOpenOptions, PcmPeriodHandler, PcmStream } from '../pcm.js';
import { HalError } from '../errors.js';
import { alsaErrorCode, alsaErrorText, aplayArgs, arecordArgs, xrunOf } from './alsa-tools.js';
import type { AlsaCommandOptions } from './alsa-tools.js';
import { int16ToBytes, PeriodFramer } from './pcm-framer.js';

export interface AlsaPcmOptions {
  clock: Clock;
  log?: Logger;
  /** Capture and playback programs (default `arecord`, `aplay` from PATH); an array adds leading arguments. */
  arecord?: string | string[];
  aplay?: string | string[];
  /** ALSA buffer size in periods (default 4). */
  bufferPeriods?: number;
  /** Periods of silence queued before playback starts (default 2). */
  startPeriods?: number;
  /** Playout periods allowed to wait in Node's pipe before new ones are dropped (default 4). */
  maxQueuedPeriods?: number;
  /** How long open() waits for the first captured audio (default 3000 ms of clock time). */
  openTimeoutMs?: number;
}

type StreamState = 'opening' | 'open' | 'running' | 'stopped';
type StreamEvent = 'opened' | 'start' | 'stop' | 'lost';

const TABLE: Record<StreamState, Partial<Record<StreamEvent, StreamState>>> = {
  opening: { opened: 'open', stop: 'stopped', lost: 'stopped' },
  open: { start: 'running', stop: 'stopped', lost: 'stopped' },
  running: { stop: 'stopped', lost: 'stopped' },
  stopped: { stop: 'stopped', lost: 'stopped' },
};

/** Devices with a stream open in this process. */
const openInProcess = new Set<string>();

export class AlsaPcm implements PcmBackend {
  constructor(private readonly o: AlsaPcmOptions) {}

  async open(device: string, options: PcmOpenOptions): Promise<PcmStream> {
    const name = `${device} channel ${options.channel}`;
    if (typeof device !== 'string' || device === '') throw new HalError('bad-argument', 'a PCM device name is needed', { device: name });
    if (!(options.sampleRate > 0) || !Number.isInteger(options.periodSamples) || options.periodSamples <= 0) {
      throw new HalError('bad-argument', `bad PCM options rate=${options.sampleRate} period=${options.periodSamples}`, { device: name });
    }
    if (options.channel !== 0) {
      throw new HalError('unsupported', `the ALSA backend drives mono devices (channel 0) only; got channel ${options.channel}`, { device: name });
    }
    if (openInProcess.has(device)) throw new HalError('busy', `PCM ${name} is already open`, { device: name });
    openInProcess.add(device);
    const stream = new AlsaStream({ ...options }, device, name, this.o, () => openInProcess.delete(device));
    try {
      await stream.begin();
    } catch (e) {
      openInProcess.delete(device);
      throw e;
    }
    return stream;
  }
}

class AlsaStream implements PcmStream {
  private state: StreamState = 'opening';
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly cmd: AlsaCommandOptions;
  private readonly periodMs: number;
  private readonly maxQueuedBytes: number;
  private readonly framer: PeriodFramer;
  private readonly capture: Int16Array;
  private readonly playout: Int16Array;
  private arecord: ChildProcess | undefined;
  private aplay: ChildProcess | undefined;
  private handler: PcmPeriodHandler | undefined;
  private lastStamp = -Infinity;
  private dropped = 0;
  private released = false;

  constructor(
    readonly options: PcmOpenOptions,
    private readonly device: string,
    private readonly name: string,
    private readonly o: AlsaPcmOptions,
    private readonly release: () => void,
  ) {
    this.clock = o.clock;
    this.log = (o.log ?? silentLogger).child({ pcm: device });
    const bufferPeriods = o.bufferPeriods ?? 4;
    this.cmd = {
      device,
      sampleRate: options.sampleRate,
      periodSamples: options.periodSamples,
      bufferPeriods,
      startPeriods: Math.min(o.startPeriods ?? 2, bufferPeriods),
    };
    this.periodMs = (options.periodSamples * 1000) / options.sampleRate;
    this.maxQueuedBytes = (o.maxQueuedPeriods ?? 4) * options.periodSamples * 2;
    this.framer = new PeriodFramer(options.periodSamples);
    this.capture = new Int16Array(options.periodSamples);
    this.playout = new Int16Array(options.periodSamples);
  }

  /** Start arecord; resolve at its first audio, reject with the device's error. */
  begin(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let stderr = '';
      const child = this.spawnTool(this.o.arecord ?? 'arecord', arecordArgs(this.cmd), ['ignore', 'pipe', 'pipe']);
      this.arecord = child;
      const fail = (e: HalError) => {
        if (settled) return;
        settled = true;
        timer();
        this.transition('lost');
        this.kill(child);
        reject(e);
      };
      const timer: Cancel = this.clock.at(this.clock.now() + (this.o.openTimeoutMs ?? 3000), () =>
        fail(new HalError('io', `no audio from ${this.name} within ${this.o.openTimeoutMs ?? 3000} ms${stderr ? `: ${alsaErrorText(stderr)}` : ''}`, { device: this.name })),
      );
      child.on('error', (e: NodeJS.ErrnoException) => fail(this.spawnError(e, this.o.arecord ?? 'arecord')));
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (d: string) => {
        if (!settled) stderr += d;
        this.onToolMessages('capture', d);
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        if (!settled) {
          settled = true;
          timer();
          this.transition('opened');
          resolve();
        }
        this.onCapture(chunk);
      });
      child.on('exit', (code, signal) => {
        if (!settled) {
          const text = alsaErrorText(stderr) || `arecord exited (${code ?? signal})`;
          fail(new HalError(alsaErrorCode(stderr), `cannot capture from ${this.name}: ${text}`, { device: this.name }));
          return;
        }
        if (this.state !== 'stopped') {
          this.log.error('pcm capture ended unexpectedly', { code, signal });
          this.transition('lost');
          this.shutdown();
        }
      });
    });
  }

  start(handler: PcmPeriodHandler): void {
    if (this.state === 'running') throw new HalError('busy', `PCM ${this.name} is already started`, { device: this.name });
    if (this.state === 'stopped') throw new HalError('closed', `PCM ${this.name} is stopped`, { device: this.name });
    this.transition('start');
    this.handler = handler;
    this.framer.reset();
    const tool = this.o.aplay ?? 'aplay';
    const child = this.spawnTool(tool, aplayArgs(this.cmd), ['pipe', 'ignore', 'pipe']);
    this.aplay = child;
    let stderr = '';
    child.on('error', (e: NodeJS.ErrnoException) => this.log.error('pcm playout unavailable', { err: this.spawnError(e, tool) }));
    child.stdin?.on('error', (e) => this.log.debug('pcm playout pipe closed', { err: e }));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      stderr += d;
      this.onToolMessages('playout', d);
    });
    child.on('exit', (code, signal) => {
      if (this.state === 'running' && this.aplay === child) {
        this.log.error('pcm playout ended unexpectedly', {
          code,
          signal,
          halCode: alsaErrorCode(stderr),
          reason: alsaErrorText(stderr) || undefined,
        });
        this.aplay = undefined;
      }
    });
    const silence = Buffer.alloc(this.cmd.startPeriods * this.options.periodSamples * 2);
    if (silence.length > 0) child.stdin?.write(silence);
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.transition('stop');
    await this.shutdown();
  }

  // ---- internals -----------------------------------------------------------------------------

  private onCapture(chunk: Buffer): void {
    if (this.state !== 'running' || !this.handler) return; // before start(): dropped
    const handler = this.handler;
    const arrival = this.clock.now();
    this.framer.push(chunk, this.capture, (index, count) => {
      if (this.state !== 'running') return;
      const stamp = Math.max(this.lastStamp, arrival - (count - 1 - index) * this.periodMs);
      this.lastStamp = stamp;
      this.playout.fill(0);
      handler(this.capture, this.playout, stamp);
      if (this.state === 'running') this.writePlayout();
    });
  }

  private writePlayout(): void {
    const stdin = this.aplay?.stdin;
    if (!stdin || stdin.destroyed) return;
    if (stdin.writableLength >= this.maxQueuedBytes) {
      // aplay is not keeping up (or another card's clock is slower): keep the queue shallow.
      this.dropped++;
      if (this.dropped === 1 || this.dropped % 500 === 0) this.log.warn('pcm playout behind; period dropped', { dropped: this.dropped });
      return;
    }
    stdin.write(int16ToBytes(this.playout));
  }

  private onToolMessages(side: 'capture' | 'playout', text: string): void {
    for (const line of text.split('\n')) {
      const x = xrunOf(line);
      if (x) this.log.warn(`pcm ${x.kind}`, { side, ms: x.ms });
    }
  }

  private async shutdown(): Promise<void> {
    const children = [this.arecord, this.aplay].filter((c): c is ChildProcess => c !== undefined);
    this.arecord = undefined;
    this.aplay = undefined;
    this.handler = undefined;
    await Promise.all(children.map((c) => this.kill(c)));
    if (!this.released) {
      this.released = true;
      this.release();
    }
  }

  /** SIGTERM, then SIGKILL after 1 s of clock time; resolves when the process is gone. */
  private kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const hard = this.clock.at(this.clock.now() + 1000, () => child.kill('SIGKILL'));
      child.once('exit', () => {
        hard();
        resolve();
      });
      child.stdin?.destroy();
      child.kill('SIGTERM');
    });
  }

  private spawnTool(tool: string | string[], args: string[], stdio: Array<'pipe' | 'ignore'>): ChildProcess {
    const [cmd, ...lead] = typeof tool === 'string' ? [tool] : tool;
    const all = [...lead, ...args];
    this.log.debug('pcm spawn', { cmd, args: all.join(' ') });
    return spawn(cmd ?? '', all, { stdio: stdio as ['pipe' | 'ignore', 'pipe' | 'ignore', 'pipe' | 'ignore'] });
  }

  private spawnError(e: NodeJS.ErrnoException, tool: string | string[]): HalError {
    tool = typeof tool === 'string' ? tool : tool.join(' ');
    if (e.code === 'ENOENT') {
      return new HalError('unsupported', `'${tool}' not found: the ALSA backend needs alsa-utils (apt-get install alsa-utils)`, { device: this.name, cause: e });
    }
    return new HalError('io', `cannot run '${tool}': ${e.message}`, { device: this.name, cause: e });
  }

  private transition(event: StreamEvent): void {
    const next = TABLE[this.state][event];
    if (!next) throw new IllegalTransitionError('alsa-pcm-stream', this.state, event);
    this.state = next;
  }
}
