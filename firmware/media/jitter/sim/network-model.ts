/**
 * Seeded network traces for jitter-buffer simulation: one entry per RTP packet with its send
 * and arrival time (receiver clock, ms) or loss.
 * - delay = base + jitter; jitter is Gamma (shape 2) or shifted Pareto (shape 3), with a given
 *   standard deviation, independent or correlated from packet to packet (AR(1) Gaussian copula);
 * - Gilbert–Elliott loss (good/bad states; loss rate and mean burst length);
 * - sender clock drift in ppm;
 * - delay spikes: every packet sent during a spike comes out when it ends (queue flush);
 * - reordering: some packets get an extra delay;
 * - a step change of the jitter level at a given time;
 * - optionally FIFO delivery (no packet overtakes another).
 */
import { Prng, exponentialFromUniform, normalCdf, paretoFromUniform } from './prng.js';

export interface TraceSpec {
  name: string;
  seed: number;
  /** Trace length, ms (default 60 000). */
  durationMs?: number;
  /** Packet duration, ms (default 20). */
  ptimeMs?: number;
  delay: {
    kind: 'gamma' | 'pareto';
    /** Minimum (propagation) delay, ms. */
    baseMs: number;
    /** Standard deviation of the jitter, ms. */
    sigmaMs: number;
    /** Packet-to-packet correlation of the jitter, 0 (independent) … <1. */
    correlation?: number;
  };
  /** Gilbert–Elliott loss: overall rate (0…1) and mean burst length (packets). */
  loss?: { rate: number; meanBurst: number };
  /** Sender clock offset from the receiver's, ppm (positive: the sender runs fast). */
  driftPpm?: number;
  /** Delay spikes: how many, and how long each, ms. */
  spikes?: { count: number; durationMs: number };
  /** Reordering: share of packets delayed by an extra uniform [minMs, maxMs]. */
  reorder?: { rate: number; minMs: number; maxMs: number };
  /** Jitter σ changes to `sigmaMs` from `atMs` on. */
  step?: { atMs: number; sigmaMs: number };
  /** No overtaking: a packet never arrives before the one sent before it. */
  fifo?: boolean;
}

export interface TracePacket {
  sequence: number;
  /** Raw 32-bit RTP timestamp. */
  timestamp: number;
  marker: boolean;
  /** Send time on the receiver's clock, ms. */
  sendMs: number;
  /** Arrival time, ms; NaN if lost in the network. */
  arrivalMs: number;
}

export interface Trace {
  spec: TraceSpec;
  ptimeMs: number;
  /** Samples per packet (8 kHz). */
  span: number;
  packets: TracePacket[];
  /** Spike start times, ms (send time). */
  spikeStarts: number[];
  /**
   * Offset of the receiver's playout clock: pulls (ticks) happen at pullPhaseMs + k·period.
   * Drawn from the seed, so the fastest arrivals do not always fall just after a pull.
   */
  pullPhaseMs: number;
}

/** Where sequence numbers and timestamps start: close to their wrap, so every trace crosses it. */
export const SEQ_START = 65536 - 300;
export const TS_START = 2 ** 32 - 8000 * 5;

export function generateTrace(spec: TraceSpec): Trace {
  const rng = new Prng(spec.seed);
  const pullPhaseMs = 20 * rng.uniform();
  const ptimeMs = spec.ptimeMs ?? 20;
  const span = (ptimeMs * 8000) / 1000;
  const count = Math.floor((spec.durationMs ?? 60000) / ptimeMs);
  const rate = 1 + (spec.driftPpm ?? 0) * 1e-6;
  const rho = spec.delay.correlation ?? 0;
  const innov = Math.sqrt(1 - rho * rho);
  // Latent Gaussians for the copula: two for Gamma(2) (a sum of two exponentials), one for Pareto.
  const z = [rng.normal(), rng.normal()];
  const loss = spec.loss;
  const r = loss && loss.rate > 0 ? 1 / Math.max(1, loss.meanBurst) : 1;
  const p = loss && loss.rate > 0 ? (loss.rate * r) / (1 - loss.rate) : 0;
  let bad = false;
  const spikeStarts: number[] = [];
  const durationMs = count * ptimeMs;
  if (spec.spikes) {
    // Spread over the trace, away from the start, each in its own slice.
    const n = spec.spikes.count;
    for (let i = 0; i < n; i++) {
      const slice = (durationMs - 5000) / n;
      spikeStarts.push(5000 + i * slice + rng.uniform() * Math.max(0, slice - spec.spikes.durationMs - 2000));
    }
  }
  const packets: TracePacket[] = [];
  let prevArrival = -Infinity;
  for (let k = 0; k < count; k++) {
    const sendMs = (k * ptimeMs) / rate;
    for (let j = 0; j < z.length; j++) z[j] = rho * z[j] + innov * rng.normal();
    const sigma = spec.step && sendMs >= spec.step.atMs ? spec.step.sigmaMs : spec.delay.sigmaMs;
    let jitter: number;
    if (spec.delay.kind === 'gamma') {
      const theta = sigma / Math.SQRT2;
      jitter = theta * (exponentialFromUniform(normalCdf(z[0])) + exponentialFromUniform(normalCdf(z[1])));
    } else {
      jitter = paretoFromUniform(normalCdf(z[0]), sigma);
    }
    let arrivalMs = sendMs + spec.delay.baseMs + jitter;
    for (const s of spikeStarts) {
      const d = spec.spikes!.durationMs;
      if (sendMs >= s && sendMs < s + d) arrivalMs += s + d - sendMs;
    }
    if (spec.fifo) arrivalMs = Math.max(arrivalMs, prevArrival);
    prevArrival = arrivalMs;
    if (spec.reorder && rng.uniform() < spec.reorder.rate) {
      arrivalMs += spec.reorder.minMs + rng.uniform() * (spec.reorder.maxMs - spec.reorder.minMs);
    }
    // Gilbert–Elliott: lost in the bad state.
    if (loss && loss.rate > 0) bad = bad ? rng.uniform() >= r : rng.uniform() < p;
    packets.push({
      sequence: (SEQ_START + k) & 0xffff,
      timestamp: (TS_START + k * span) >>> 0,
      marker: k === 0,
      sendMs,
      arrivalMs: bad ? NaN : arrivalMs,
    });
  }
  return { spec, ptimeMs, span, packets, spikeStarts, pullPhaseMs };
}

/** The packets that arrive, in arrival order (ties in send order). */
export function arrivalOrder(trace: Trace): TracePacket[] {
  return trace.packets.filter((p) => !Number.isNaN(p.arrivalMs)).sort((a, b) => a.arrivalMs - b.arrivalMs || a.sendMs - b.sendMs);
}
