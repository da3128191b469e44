// DTMF receiver, Mitel-style, side by side with spandsp 0.0.6 (dtmf_rx) measured in the same run on
// the same PCM (synthetic bursts through A-law, as spandsp's dtmf_rx_tests does; talk-off on the
// ~64-minute espeak-ng/music/noise corpus, linear and µ-law). Needs `npm run build` first (the bench
// runner does it) and, for the spandsp column, libspandsp-dev + pkg-config + cc; for talk-off,
// espeak-ng + sox. Figures, not pass/fail.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const load = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);

const DIGITS = ['1', '5', '9', 'D'];

export async function run() {
  const M = await load('test/oracles/dtmf/mitel.js');
  const S = await load('test/oracles/dtmf/spandsp-oracle.js');
  const C = await load('test/oracles/dtmf/talkoff-corpus.js');
  const { DtmfDetector } = await load('firmware/media/dtmf-detector.js');

  const detectors = { tipring: (pcm) => M.tipringDetect(pcm) };
  const bin = S.spandspBinary();
  if (bin.path) detectors.spandsp = (pcm) => S.spandspDetect(pcm);
  else console.log(`(spandsp column skipped: ${bin.reason})`);
  const names = Object.keys(detectors);

  const rows = [];
  const row = (test, target, f) => {
    const cells = names.map((n) => f(detectors[n]));
    rows.push([test, target, ...cells]);
    console.log(`  ${test}: ${cells.join(' | ')}`);
  };
  const t0 = Date.now();
  console.log('measuring (digits 1 5 9 D, 10 bursts of 50/50 ms per point, A-law) ...');

  // Frequency: worst case over the digits of "every step fully accepted up to" / "fully rejected from".
  for (const group of ['low', 'high', 'both']) {
    for (const sign of [1, -1]) {
      row(`frequency ${group} ${sign > 0 ? '+' : '−'}: accepted to / rejected from`, 'accept ≥ 1.5 %, reject ≤ 3.5 %', (d) => {
        let acc = Infinity;
        let rej = 0;
        for (const digit of DIGITS) {
          const e = M.frequencyEdges(d, digit, group, sign, 6);
          acc = Math.min(acc, e.accept);
          rej = Math.max(rej, e.reject);
        }
        return `${acc.toFixed(1)} % / ${rej.toFixed(1)} %`;
      });
    }
  }
  row('twist, high group weaker / stronger (fully accepted)', '8 dB / 4 dB', (d) => {
    const rev = Math.min(...DIGITS.map((g) => M.twistEdge(d, g, 'reverse')));
    const fwd = Math.min(...DIGITS.map((g) => M.twistEdge(d, g, 'forward')));
    return `${rev.toFixed(1)} dB / ${fwd.toFixed(1)} dB`;
  });
  row('level per tone: lowest accepted / highest rejected', '≤ −36 / ≥ −55 dBm0', (d) => {
    const e = DIGITS.map((g) => M.levelEdges(d, g));
    return `${Math.max(...e.map((x) => x.lowestAccepted))} / ${Math.min(...e.map((x) => x.highestRejected))} dBm0`;
  });
  row('duration (50 ms pause): shortest accepted / longest rejected', '≤ 40 ms / ≥ 23 ms', (d) => {
    const e = DIGITS.map((g) => M.durationEdges(d, g, 50));
    return `${Math.max(...e.map((x) => x.minAccepted))} ms / ${Math.min(...e.map((x) => x.maxRejected))} ms`;
  });
  row('40 ms tone / 40 ms pause, all 16 digits × 20', 'all', (d) => {
    let ok = 0;
    for (const digit of '123A456B789C*0#D') ok += M.score(d, { digit, onMs: 40, offMs: 40, count: 20 }).hits;
    return `${ok}/320`;
  });
  row('S/N (full-band white noise), lowest with 200/200', '≤ 10 dB', (d) => `${Math.max(...DIGITS.map((g) => M.snrEdge(d, g, 200)))} dB`);
  row('detection latency after onset (worst digit)', '≤ 45 ms', (d) => `${Math.max(...DIGITS.map((g) => M.latencyMs(d, g)))} ms`);
  console.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

  const missing = C.corpusUnavailable();
  if (missing) console.log(`(talk-off skipped: ${missing})`);
  else {
    console.log('talk-off corpus (generated into .cache/dtmf-talkoff on first use) ...');
    const parts = C.TALKOFF_PARTS.map((p) => ({ part: p, pcm: C.loadPart(p) }));
    const minutes = parts.reduce((s, x) => s + x.pcm.length, 0) / 8000 / 60;
    for (const law of ['linear', 'u']) {
      for (const kind of ['speech', 'music', 'sweep', 'noise']) {
        const sel = parts.filter((x) => x.part.kind === kind);
        const min = sel.reduce((s, x) => s + x.pcm.length, 0) / 8000 / 60;
        row(`talk-off ${kind} (${min.toFixed(1)} min, ${law === 'u' ? 'µ-law' : 'linear'})`, '0', (d) => {
          const hits = [];
          for (const x of sel) for (const h of d(M.throughLaw(x.pcm, law))) hits.push(`${x.part.name}:${h.digit}@${(h.sample / 8000).toFixed(1)}s`);
          return hits.length ? `${hits.length} (${hits.slice(0, 4).join(' ')}${hits.length > 4 ? ' …' : ''})` : '0';
        });
      }
    }
    // CPU: tipring detector time per second of audio on the corpus (x86 here; a Pi 4 core is ~4-6× slower).
    const sample = parts.slice(0, 3).map((x) => x.pcm);
    const audioS = sample.reduce((s, p) => s + p.length, 0) / 8000;
    const t1 = process.hrtime.bigint();
    for (const p of sample) {
      const det = new DtmfDetector();
      for (let i = 0; i < p.length; i += 160) det.process(p.subarray(i, i + 160));
    }
    const cpuS = Number(process.hrtime.bigint() - t1) / 1e9;
    console.log(`  tipring detector CPU: ${((100 * cpuS) / audioS).toFixed(3)} % of one core per channel on this host (${audioS.toFixed(0)} s of speech, 20 ms frames); corpus ${minutes.toFixed(1)} min`);
  }

  const header = ['test', 'target (Q.24 / RFC 2833 / T3)', ...names];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log('\n' + line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));
}
