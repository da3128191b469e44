/** Options and per-pull result of the adaptive jitter buffer. */
import type { AudioCodec } from '../codecs.js';
import type { DelayEstimatorOptions } from './delay-estimator.js';

/** What a pull mostly did. */
export type PullKind = 'silence' | 'normal' | 'accelerate' | 'expand' | 'conceal';

export interface PullResult {
  kind: PullKind;
  /** RTP timestamp of the first sample output, or -1 when not playing. */
  timestamp: number;
}

export interface AdaptiveJitterBufferOptions extends DelayEstimatorOptions {
  /** Decoder for the stream (default PCMU); change with `setCodec`. Must be 8 kHz for the PLC. */
  codec?: AudioCodec;
  /** Added to the delay quantile to form the target lead, ms (default 0). */
  marginMs?: number;

  /** Target lead before enough packets were seen, ms (default 60). */
  initialDelayMs?: number;
  /** Bounds of the target lead, ms (default 0 and 500). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Hysteresis before compressing the lead down by a whole pull-grid step, ms (default 0). */
  hysteresisMs?: number;
  /** Compress faster (up to half a pull per pull, gate 0.5) beyond this excess lead, ms (default 60). */
  fastAccelerateAboveMs?: number;
  /** Drop whole packets beyond this excess lead, ms (default 1000). */
  dropAboveMs?: number;
  /** Correlation a time stretch needs (default 0.9). */
  stretchCorrelation?: number;
  /** An underrun at least this long is taken for a delay spike, ms (default 80). */
  spikeUnderrunMs?: number;
  /** Packets kept at most (default 128). */
  maxPackets?: number;
  /** With nothing to play for this long the buffer goes idle, ms (default 2000). */
  idleAfterMs?: number;
  /** A sender timeline jump larger than this restarts buffering, ms (default 2000). */
  resyncMs?: number;
  /** Diagnostics: called when a packet starts to play (RTP timestamp, playout time in ms). */
  onPlayed?: (rtpTimestamp: number, playoutMs: number) => void;
}

export type ResolvedJitterOptions = Required<Omit<AdaptiveJitterBufferOptions, keyof DelayEstimatorOptions | 'codec' | 'onPlayed'>>;

export function resolveJitterOptions(o: AdaptiveJitterBufferOptions): ResolvedJitterOptions {
  const r: ResolvedJitterOptions = {
    marginMs: o.marginMs ?? 0,
    initialDelayMs: o.initialDelayMs ?? 60,
    minDelayMs: o.minDelayMs ?? 0,
    maxDelayMs: o.maxDelayMs ?? 500,
    hysteresisMs: o.hysteresisMs ?? 0,
    fastAccelerateAboveMs: o.fastAccelerateAboveMs ?? 60,
    dropAboveMs: o.dropAboveMs ?? 1000,
    stretchCorrelation: o.stretchCorrelation ?? 0.9,
    spikeUnderrunMs: o.spikeUnderrunMs ?? 80,
    maxPackets: o.maxPackets ?? 128,
    idleAfterMs: o.idleAfterMs ?? 2000,
    resyncMs: o.resyncMs ?? 2000,
  };
  if (!(r.maxPackets >= 2) || !(r.maxDelayMs >= r.minDelayMs) || !(r.idleAfterMs > 0)) {
    throw new RangeError('AdaptiveJitterBuffer: need maxPackets >= 2, maxDelayMs >= minDelayMs, idleAfterMs > 0');
  }
  return r;
}
