/**
 * Replays a trace through the adaptive jitter buffer on a virtual clock: speech-like audio is
 * G.711-encoded into the trace's packets, `put` runs at each arrival time and `pull` every
 * 20 ms, and the playout time of every packet is recorded for scoring.
 */
import { PCMU } from '../../codecs.js';
import type { RtpPacket } from '../../rtp-packet.js';
import { AdaptiveJitterBuffer } from '../adaptive-jitter-buffer.js';
import type { AdaptiveJitterBufferOptions } from '../jitter-options.js';
import type { AdaptiveJitterReport } from '../jitter-stats.js';
import { scorePlayout } from './metrics.js';
import type { PlayoutMetrics } from './metrics.js';
import { arrivalOrder } from './network-model.js';
import type { Trace } from './network-model.js';

export interface ReplayOptions {
  /** Buffer options (onPlayed is set by the replay). */
  buffer?: AdaptiveJitterBufferOptions;
  /** Audio to send, looped (8 kHz linear). */
  source: Int16Array;
  /** Pull period, ms (default 20). */
  pullMs?: number;
  /** Keep the played audio (default false). */
  keepAudio?: boolean;
  /** SSRC of the stream (default 0x5eed). */
  ssrc?: number;
}

export interface ReplayResult {
  metrics: PlayoutMetrics;
  report: AdaptiveJitterReport;
  /** Playout time per packet, NaN if not played. */
  playAt: Float64Array;
  /** Target lead at each pull, ms. */
  targets: Float64Array;
  /** Delay of the next sample to play relative to the fastest packets, after each pull, ms (NaN when not playing). */
  delays: Float64Array;
  /** Time of each pull, ms. */
  times: Float64Array;
  /** Output audio, when asked for. */
  audio?: Int16Array;
}

export function replayTrace(trace: Trace, o: ReplayOptions): ReplayResult {
  const pullMs = o.pullMs ?? 20;
  const pullSamples = (pullMs * 8000) / 1000;
  const n = trace.packets.length;
  const playAt = new Float64Array(n).fill(NaN);
  const ts0 = trace.packets[0]?.timestamp ?? 0;
  const jb = new AdaptiveJitterBuffer({
    ...o.buffer,
    onPlayed: (ts, at) => {
      const i = Math.round(((ts - ts0) >>> 0) / trace.span);
      if (i >= 0 && i < n && Number.isNaN(playAt[i])) playAt[i] = at;
    },
  });
  const order = arrivalOrder(trace);
  const lastArrival = order.length ? order[order.length - 1].arrivalMs : 0;
  // Pull until the last arrival, then until the buffer has played what it holds (at most 2 s).
  const end = Math.max(lastArrival, trace.packets.length ? trace.packets[n - 1].sendMs : 0);
  const pulls = Math.ceil((end + 2000) / pullMs);
  const targets = new Float64Array(pulls);
  const delays = new Float64Array(pulls);
  const times = new Float64Array(pulls);
  const audio = o.keepAudio ? new Int16Array(pulls * pullSamples) : undefined;
  const out = new Int16Array(pullSamples);
  const payload = new Uint8Array(trace.span);
  const pcm = new Int16Array(trace.span);
  let next = 0;
  let used = pulls;
  for (let k = 0; k < pulls; k++) {
    const now = trace.pullPhaseMs + k * pullMs;
    while (next < order.length && order[next].arrivalMs <= now) {
      const p = order[next++];
      const idx = Math.round(((p.timestamp - ts0) >>> 0) / trace.span);
      fillSource(o.source, idx * trace.span, pcm);
      PCMU.encode(pcm, payload);
      const rtp: RtpPacket = {
        version: 2,
        padding: false,
        marker: p.marker,
        payloadType: 0,
        sequence: p.sequence,
        timestamp: p.timestamp,
        ssrc: o.ssrc ?? 0x5eed,
        csrcs: [],
        payload: payload.slice(),
      };
      jb.put(rtp, p.arrivalMs);
    }
    if (now > end && jb.size === 0) {
      used = k;
      break;
    }
    jb.pull(out, now);
    targets[k] = jb.targetLeadMs;
    delays[k] = jb.currentDelayMs(now + pullMs);
    times[k] = now;
    if (audio) audio.set(out, k * pullSamples);
  }
  return {
    metrics: scorePlayout('tipring', trace, playAt),
    report: jb.report(),
    playAt,
    targets: targets.subarray(0, used),
    delays: delays.subarray(0, used),
    times: times.subarray(0, used),
    ...(audio ? { audio: audio.subarray(0, used * pullSamples) } : {}),
  };
}

/** Copy `dst.length` samples of the looped `src` starting at sample `from`. */
export function fillSource(src: Int16Array, from: number, dst: Int16Array): void {
  if (src.length === 0) {
    dst.fill(0);
    return;
  }
  for (let i = 0; i < dst.length; i++) dst[i] = src[(from + i) % src.length];
}
