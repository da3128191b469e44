/**
 * Scoring a playout schedule on a trace, the same way for every algorithm: which packets were
 * played and when, turned into late loss, mouth-to-ear delay and the E-model R.
 */
import { burstRatio, voipRating } from '../../emodel.js';
import type { Trace } from './network-model.js';

export interface PlayoutMetrics {
  algorithm: string;
  packets: number;
  /** Lost in the network (never arrived), share of packets sent. */
  networkLoss: number;
  /** Arrived but not played (too late, or dropped), share of packets that arrived. */
  lateLoss: number;
  /** Share of packets sent that were not played (network + late). */
  totalLoss: number;
  /** Send → playout, over played packets, ms. */
  meanDelayMs: number;
  p95DelayMs: number;
  /** Arrival → playout, over played packets, ms. */
  meanBufferMs: number;
  /** G.107 R and MOS from the mean delay (plus packetisation) and the total loss. */
  R: number;
  MOS: number;
  burstR: number;
}

/**
 * `playAt[i]`: playout time (ms) of `trace.packets[i]`, NaN if it was not played. The E-model
 * delay is the mean send → playout delay plus one packet time (packetisation).
 */
export function scorePlayout(algorithm: string, trace: Trace, playAt: ArrayLike<number>): PlayoutMetrics {
  const n = trace.packets.length;
  let arrived = 0;
  let played = 0;
  let lateCount = 0;
  let delaySum = 0;
  let bufferSum = 0;
  const delays: number[] = [];
  const notPlayed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = trace.packets[i];
    const ok = !Number.isNaN(p.arrivalMs);
    const t = playAt[i];
    if (ok) arrived++;
    if (Number.isNaN(t)) {
      notPlayed[i] = 1;
      if (ok) lateCount++;
      continue;
    }
    played++;
    delaySum += t - p.sendMs;
    bufferSum += t - p.arrivalMs;
    delays.push(t - p.sendMs);
  }
  delays.sort((a, b) => a - b);
  const meanDelayMs = played ? delaySum / played : 0;
  const totalLoss = 1 - played / n;
  const burstR = burstRatio(notPlayed);
  const rating = voipRating(meanDelayMs + trace.ptimeMs, 100 * totalLoss, burstR);
  return {
    algorithm,
    packets: n,
    networkLoss: 1 - arrived / n,
    lateLoss: arrived ? lateCount / arrived : 0,
    totalLoss,
    meanDelayMs,
    p95DelayMs: delays.length ? delays[Math.min(delays.length - 1, Math.ceil(0.95 * delays.length) - 1)] : 0,
    meanBufferMs: played ? bufferSum / played : 0,
    R: rating.R,
    MOS: rating.MOS,
    burstR,
  };
}

/**
 * The hindsight oracle: the smallest fixed send → playout delay that leaves at most
 * `maxLateLoss` of the arrived packets late, every packet played exactly that long after it was
 * sent (a clairvoyant fixed buffer that also knows the sender's clock).
 */
export function hindsightPlayout(trace: Trace, maxLateLoss = 0.01): { delayMs: number; playAt: Float64Array } {
  const delays = trace.packets.filter((p) => !Number.isNaN(p.arrivalMs)).map((p) => p.arrivalMs - p.sendMs);
  delays.sort((a, b) => a - b);
  const allowed = Math.floor(maxLateLoss * delays.length);
  const delayMs = delays.length ? delays[delays.length - 1 - allowed] : 0;
  const playAt = new Float64Array(trace.packets.length);
  trace.packets.forEach((p, i) => {
    playAt[i] = !Number.isNaN(p.arrivalMs) && p.arrivalMs - p.sendMs <= delayMs ? p.sendMs + delayMs : NaN;
  });
  return { delayMs, playAt };
}
