/**
 * The standard trace suite for jitter-buffer evaluation (dsp.md T2.1): jitter σ 5–60 ms (Gamma
 * and Pareto, independent and correlated), loss 0–10% with mean bursts 1–3, drift ±300 ppm,
 * 300 ms spikes, reordering, a jitter step, and 10/30 ms packets. 60 s each.
 */
import type { TraceSpec } from './network-model.js';

export const TRACE_SUITE: readonly TraceSpec[] = Object.freeze([
  { name: 'g05-clean', seed: 101, delay: { kind: 'gamma', baseMs: 20, sigmaMs: 5 } },
  { name: 'g10-l1', seed: 102, delay: { kind: 'gamma', baseMs: 30, sigmaMs: 10, correlation: 0.5 }, loss: { rate: 0.01, meanBurst: 1 } },
  { name: 'p15-l3b2', seed: 103, delay: { kind: 'pareto', baseMs: 25, sigmaMs: 15 }, loss: { rate: 0.03, meanBurst: 2 } },
  { name: 'g20-drift+300', seed: 104, delay: { kind: 'gamma', baseMs: 40, sigmaMs: 20, correlation: 0.7 }, driftPpm: 300, loss: { rate: 0.02, meanBurst: 1 } },
  { name: 'p20-drift-300', seed: 105, delay: { kind: 'pareto', baseMs: 40, sigmaMs: 20 }, driftPpm: -300, loss: { rate: 0.01, meanBurst: 1.5 } },
  { name: 'g30-l5b3', seed: 106, delay: { kind: 'gamma', baseMs: 30, sigmaMs: 30, correlation: 0.8 }, loss: { rate: 0.05, meanBurst: 3 } },
  { name: 'p30-spikes', seed: 107, delay: { kind: 'pareto', baseMs: 30, sigmaMs: 30 }, spikes: { count: 2, durationMs: 300 }, loss: { rate: 0.02, meanBurst: 2 } },
  { name: 'g40-reorder', seed: 108, delay: { kind: 'gamma', baseMs: 50, sigmaMs: 40 }, reorder: { rate: 0.02, minMs: 20, maxMs: 60 }, loss: { rate: 0.03, meanBurst: 1 } },
  { name: 'p45-l10b2', seed: 109, delay: { kind: 'pareto', baseMs: 40, sigmaMs: 45, correlation: 0.6 }, loss: { rate: 0.1, meanBurst: 2 } },
  { name: 'g60-l10b3-drift', seed: 110, delay: { kind: 'gamma', baseMs: 60, sigmaMs: 60, correlation: 0.8 }, loss: { rate: 0.1, meanBurst: 3 }, driftPpm: 300 },
  { name: 'p60-fifo-spikes', seed: 111, delay: { kind: 'pareto', baseMs: 50, sigmaMs: 60, correlation: 0.5 }, fifo: true, spikes: { count: 2, durationMs: 300 }, driftPpm: -300 },
  { name: 'g10-step50', seed: 112, delay: { kind: 'gamma', baseMs: 30, sigmaMs: 10, correlation: 0.5 }, step: { atMs: 30000, sigmaMs: 50 }, loss: { rate: 0.02, meanBurst: 1 } },
  { name: 'g20-ptime10', seed: 113, ptimeMs: 10, delay: { kind: 'gamma', baseMs: 30, sigmaMs: 20, correlation: 0.7 }, loss: { rate: 0.03, meanBurst: 2 } },
  { name: 'p25-ptime30', seed: 114, ptimeMs: 30, delay: { kind: 'pareto', baseMs: 30, sigmaMs: 25 }, loss: { rate: 0.05, meanBurst: 1 }, spikes: { count: 1, durationMs: 300 } },
] satisfies TraceSpec[]);
