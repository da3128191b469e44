// Adaptive jitter buffer on the 14-trace suite (dsp.md T2.1), side by side with the hindsight
// oracle (smallest fixed delay with ≤ 1% late) and the speexdsp jitter buffer (C harness built
// on demand against libspeexdsp-dev), all on identical traces and the same playout ticks, scored
// the same way (late loss, mean send → playout delay, G.107 R). Then T2.2-style checks: spike
// recovery, convergence after a jitter step, a 1 h run at ±300 ppm, and the CPU time spent.
// Everything runs on a virtual clock; only the CPU line is a wall-clock measurement.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => import(path.join(root, 'dist', p));
const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const pct = (v) => (Number.isFinite(v) ? (100 * v).toFixed(2) : 'n/a');

export async function run() {
  const { TRACE_SUITE } = await dist('firmware/media/jitter/sim/suite.js');
  const { generateTrace } = await dist('firmware/media/jitter/sim/network-model.js');
  const { replayTrace } = await dist('firmware/media/jitter/sim/replay.js');
  const { scorePlayout, hindsightPlayout } = await dist('firmware/media/jitter/sim/metrics.js');
  const { buildOracle, speexPlayout } = await dist('test/oracles/oracles.js');
  const { espeakSpeech, readPcm } = await dist('test/oracles/speech.js');

  const espeak = espeakSpeech();
  const source = 'pcm' in espeak ? espeak.pcm : readPcm(path.join(root, 'test/fixtures/vectors/g711-plc/f2.le'));
  console.log(`Audio: ${'pcm' in espeak ? 'espeak-ng speech' : `f2.le (espeak-ng unavailable: ${espeak.error})`}, µ-law packets.`);
  const speex = buildOracle('speex-jitter');
  if ('error' in speex) console.log(`speexdsp harness unavailable: ${speex.error}`);

  console.log('Ticks: every algorithm is pulled once per packet time (20 ms traces: 20 ms) at the same instants.');
  console.log('Delay = mean send → playout of played packets (tipring includes the 3.75 ms Appendix I PLC delay).');
  console.log('Late = arrived but not played, % of arrived. R = G.107 with Ta = delay + packet time, Ppl = all packets not played, Bpl 25.1.');
  console.log('');
  console.log('| trace | tipring late % | delay | p95 | R | concealed % | accel % | expand % | hindsight delay | R | speex late % | delay | R | late ≤ 1% | delay ≤ hindsight+20 | R ≥ speex |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|:---:|');
  const met = { late: 0, delay: 0, r: 0 };
  const extra = [];
  let cpuMs = 0;
  let simMs = 0;
  const results = [];
  for (const spec of TRACE_SUITE) {
    const trace = generateTrace(spec);
    const t0 = process.hrtime.bigint();
    const tip = replayTrace(trace, { source, pullMs: trace.ptimeMs });
    cpuMs += Number(process.hrtime.bigint() - t0) / 1e6;
    simMs += tip.times.length * trace.ptimeMs;
    results.push({ trace, tip });
    const m = tip.metrics;
    const h = scorePlayout('hindsight', trace, hindsightPlayout(trace).playAt);
    const s = 'path' in speex ? scorePlayout('speex', trace, speexPlayout(trace, speex.path)) : undefined;
    const okLate = m.lateLoss <= 0.01;
    const okDelay = m.meanDelayMs <= h.meanDelayMs + 20;
    const okR = s ? m.R >= s.R : undefined;
    met.late += okLate ? 1 : 0;
    met.delay += okDelay ? 1 : 0;
    met.r += okR ? 1 : 0;
    const rp = tip.report;
    console.log(
      `| ${spec.name} | ${pct(m.lateLoss)} | ${f1(m.meanDelayMs)} | ${f1(m.p95DelayMs)} | ${f1(m.R)} | ${pct(rp.concealedRatio)} | ${pct(rp.acceleratedRatio)} | ${pct(rp.expandedRatio)} ` +
        `| ${f1(h.meanDelayMs)} | ${f1(h.R)} | ${s ? pct(s.lateLoss) : 'n/a'} | ${s ? f1(s.meanDelayMs) : 'n/a'} | ${s ? f1(s.R) : 'n/a'} ` +
        `| ${okLate ? 'yes' : 'NO'} | ${okDelay ? 'yes' : 'NO'} | ${okR === undefined ? 'n/a' : okR ? 'yes' : 'NO'} |`,
    );
    if (trace.ptimeMs !== 20) {
      const fw = replayTrace(trace, { source, pullMs: 20 }).metrics;
      extra.push(`| ${spec.name} | ${trace.ptimeMs} ms | ${pct(fw.lateLoss)} | ${f1(fw.meanDelayMs)} | ${f1(fw.R)} | ${s ? f1(s.R) : 'n/a'} |`);
    }
  }
  const n = TRACE_SUITE.length;
  console.log('');
  console.log(`Targets met (of ${n}): late loss ≤ 1%: ${met.late}; mean delay ≤ hindsight + 20 ms: ${met.delay}; R ≥ speexdsp: ${'path' in speex ? met.r : 'n/a'}.`);

  if (extra.length) {
    console.log('');
    console.log('Packets of 10/30 ms with the firmware\'s fixed 20 ms PCM period (speex still ticks per packet):');
    console.log('| trace | packet | tipring late % | delay | R | speex R |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const line of extra) console.log(line);
  }

  // T2.2: spike recovery — from the burst that ends a spike until the delay's excess over the
  // target lead is back within 10 ms of its median over the 2 s before the spike.
  console.log('');
  console.log('| spike (trace @ s) | delay − target before (ms) | peak delay − target | recovered after (ms) |');
  console.log('|---|---:|---:|---:|');
  for (const { trace, tip } of results) {
    for (const start of trace.spikeStarts) {
      const excess = (k) => tip.delays[k] - tip.targets[k];
      const before = [];
      for (let k = 0; k < tip.times.length; k++) if (tip.times[k] >= start - 2000 && tip.times[k] < start && Number.isFinite(excess(k))) before.push(excess(k));
      before.sort((a, b) => a - b);
      const ref = before[before.length >> 1];
      const burst = Math.min(...trace.packets.filter((p) => p.sendMs >= start && p.sendMs < start + 300 && Number.isFinite(p.arrivalMs)).map((p) => p.arrivalMs));
      let peak = -Infinity;
      let peakAt = 0;
      for (let k = 0; k < tip.times.length; k++) {
        if (tip.times[k] >= start && tip.times[k] < burst + 3000 && excess(k) > peak) [peak, peakAt] = [excess(k), k];
      }
      let back = NaN;
      for (let k = peakAt; k < tip.times.length && tip.times[k] < burst + 10000; k++) {
        if (excess(k) <= ref + 10) {
          back = tip.times[k] - burst;
          break;
        }
      }
      console.log(`| ${trace.spec.name} @ ${(start / 1000).toFixed(1)} | ${f1(ref)} | ${f1(peak)} | ${f1(back)} |`);
    }
  }

  // T2.2: convergence after a step in jitter (g10-step50: σ 10 → 50 ms at 30 s).
  const step = results.find((r) => r.trace.spec.step);
  if (step) {
    const { trace, tip } = step;
    const at = trace.spec.step.atMs;
    const late = [];
    for (let k = 0; k < tip.times.length; k++) if (tip.times[k] >= at + 15000 && tip.times[k] < at + 25000) late.push(tip.targets[k]);
    late.sort((a, b) => a - b);
    const settled = late[late.length >> 1];
    let reached = NaN;
    for (let k = 0; k < tip.times.length; k++) {
      if (tip.times[k] >= at && tip.targets[k] >= 0.9 * settled) {
        reached = tip.times[k] - at;
        break;
      }
    }
    console.log('');
    console.log(`Jitter step (${trace.spec.name}, σ ${trace.spec.delay.sigmaMs} → ${trace.spec.step.sigmaMs} ms at ${at / 1000} s): target lead reaches 90% of its settled ${f1(settled)} ms after ${f1(reached)} ms.`);
  }

  // T2.2: one hour at ±300 ppm.
  console.log('');
  console.log('| 1 h run | played | late | lost | overflow | underruns | accel % | expand % | max delay after 10 s (ms) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const drift of [300, -300]) {
    const trace = generateTrace({ name: `1h ${drift} ppm`, seed: 900 + drift, durationMs: 3600000, delay: { kind: 'gamma', baseMs: 30, sigmaMs: 10, correlation: 0.5 }, driftPpm: drift });
    const t0 = process.hrtime.bigint();
    const r = replayTrace(trace, { source });
    cpuMs += Number(process.hrtime.bigint() - t0) / 1e6;
    simMs += r.times.length * 20;
    let maxDelay = 0;
    for (let k = 0; k < r.times.length; k++) if (r.times[k] > 10000 && r.times[k] < 3590000 && Number.isFinite(r.delays[k])) maxDelay = Math.max(maxDelay, r.delays[k]);
    const c = r.report;
    console.log(`| ${drift > 0 ? '+' : ''}${drift} ppm | ${c.played} | ${c.late} | ${c.lost} | ${c.overflow} | ${c.underruns} | ${pct(c.acceleratedRatio)} | ${pct(c.expandedRatio)} | ${f1(maxDelay)} |`);
  }

  // The same suite with other seeds (fresh jitter, loss, spike times and pull phase), so the
  // figures above are not the luck of one draw.
  if ('path' in speex) {
    console.log('');
    console.log('| suite seeds | late ≤ 1% | delay ≤ hindsight+20 | R ≥ speex | misses |');
    console.log('|---|---:|---:|---:|---|');
    for (const offset of [1000, 2000, 3000]) {
      const got = { late: 0, delay: 0, r: 0 };
      const misses = [];
      for (const spec of TRACE_SUITE) {
        const trace = generateTrace({ ...spec, seed: spec.seed + offset });
        const m = replayTrace(trace, { source, pullMs: trace.ptimeMs }).metrics;
        const h = scorePlayout('hindsight', trace, hindsightPlayout(trace).playAt);
        const x = scorePlayout('speex', trace, speexPlayout(trace, speex.path));
        if (m.lateLoss <= 0.01) got.late++;
        else misses.push(`${spec.name} late ${pct(m.lateLoss)}%`);
        if (m.meanDelayMs <= h.meanDelayMs + 20) got.delay++;
        else misses.push(`${spec.name} delay +${f1(m.meanDelayMs - h.meanDelayMs)}`);
        if (m.R >= x.R) got.r++;
        else misses.push(`${spec.name} R ${f1(m.R)} < ${f1(x.R)}`);
      }
      console.log(`| +${offset} | ${got.late}/${n} | ${got.delay}/${n} | ${got.r}/${n} | ${misses.join('; ') || '—'} |`);
    }
  }

  console.log('');
  console.log(
    `CPU (wall clock, this machine, includes µ-law encoding of the test packets): ${f2(cpuMs)} ms for ${f1(simMs / 1000)} s of audio = ` +
      `${f2((100 * cpuMs) / simMs)}% of one core per call (${f1((1000 * cpuMs) / (simMs / 20))} µs per 20 ms).`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
