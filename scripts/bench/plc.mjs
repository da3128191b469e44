// Packet loss concealment quality: segmental SNR against the unimpaired speech at 5% and 10%
// random loss of 20 ms packets, tipring's G.711 Appendix I PLC next to spandsp's plc_fillin
// (C harness built on demand against libspandsp-dev) and plain silence, on the same speech and
// the same loss patterns: the Appendix I vector f2.le and espeak-ng speech resampled with sox.
// Each figure is the mean over several seeded loss patterns. Measures only; nothing asserts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = (p) => import(path.join(root, 'dist', p));

const PACKET = 160; // 20 ms
const SEG = 80; // 10 ms segments
const SEEDS = 8;

/** Bernoulli loss per packet from a small seeded LCG. */
function lossMask(packets, rate, seed) {
  let s = (seed * 2654435761) >>> 0;
  const mask = new Uint8Array(packets);
  for (let k = 0; k < packets; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    mask[k] = k > 2 && s / 4294967296 < rate ? 1 : 0; // never the first packets: nothing to conceal from
  }
  return mask;
}

/**
 * Segmental SNR (dB, each segment clamped to [-10, 35]) over active-speech segments; `impaired`
 * restricts it to segments inside a lost packet or the 10 ms after one.
 */
function segSnr(ref, out, mask, impairedOnly) {
  let sum = 0;
  let n = 0;
  for (let s = 0; (s + 1) * SEG <= ref.length; s++) {
    const k = Math.floor((s * SEG) / PACKET);
    const impaired = mask[k] || (k > 0 && mask[k - 1] && (s * SEG) % PACKET === 0);
    if (impairedOnly && !impaired) continue;
    let sig = 0;
    let err = 0;
    for (let i = s * SEG; i < (s + 1) * SEG; i++) {
      sig += ref[i] * ref[i];
      err += (ref[i] - out[i]) ** 2;
    }
    if (sig / SEG < 100 * 100) continue; // silence: no SNR to speak of
    const snr = err === 0 ? 35 : Math.max(-10, Math.min(35, 10 * Math.log10(sig / err)));
    sum += snr;
    n++;
  }
  return n ? sum / n : NaN;
}

/**
 * Log-spectral distance (dB) over the lost packets: per 20 ms packet, Hann window, 256-point FFT,
 * RMS over bins of the difference of 10·log10(power + 1). Phase-blind, unlike SNR; silence
 * scores badly here.
 */
function lsd(fft, ref, out, mask) {
  const N = 256;
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  const spectrum = (x, k) => {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < PACKET; i++) re[i] = x[k * PACKET + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / PACKET));
    fft(re, im);
    const p = new Float64Array(N / 2 + 1);
    for (let b = 0; b <= N / 2; b++) p[b] = 10 * Math.log10(re[b] * re[b] + im[b] * im[b] + 1);
    return p;
  };
  let sum = 0;
  let n = 0;
  for (let k = 0; k < mask.length; k++) {
    if (!mask[k]) continue;
    const a = spectrum(ref, k);
    const b = spectrum(out, k);
    let d = 0;
    for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
    sum += Math.sqrt(d / a.length);
    n++;
  }
  return n ? sum / n : NaN;
}

function tipringConceal(G711Plc, PLC_DELAY, pcm, mask) {
  const plc = new G711Plc();
  const n = mask.length * PACKET;
  const raw = new Int16Array(n + PLC_DELAY);
  for (let k = 0; k < mask.length; k++) {
    const block = pcm.slice(k * PACKET, (k + 1) * PACKET);
    plc.process(block, mask[k] === 1, raw.subarray(k * PACKET, (k + 1) * PACKET));
  }
  plc.drain(raw.subarray(n));
  return raw.subarray(PLC_DELAY); // undo the 3.75 ms delay to align with the input
}

function silenceFill(pcm, mask) {
  const out = pcm.slice(0, mask.length * PACKET);
  for (let k = 0; k < mask.length; k++) if (mask[k]) out.fill(0, k * PACKET, (k + 1) * PACKET);
  return out;
}

export async function run() {
  const { G711Plc, PLC_DELAY } = await dist('firmware/media/plc/g711-plc.js');
  const { fft } = await dist('firmware/media/fft.js');
  const { buildOracle, spandspConceal } = await dist('test/oracles/oracles.js');
  const { espeakSpeech, readPcm } = await dist('test/oracles/speech.js');
  const oracle = buildOracle('spandsp-plc');
  if ('error' in oracle) console.log(`spandsp harness unavailable: ${oracle.error}`);
  const signals = [['f2.le (App. I vector, 2.9 s)', readPcm(path.join(root, 'test/fixtures/vectors/g711-plc/f2.le'))]];
  const espeak = espeakSpeech();
  if ('pcm' in espeak) signals.push([`espeak-ng en-us (${(espeak.pcm.length / 8000).toFixed(1)} s)`, espeak.pcm]);
  else console.log(`espeak-ng speech unavailable: ${espeak.error}`);

  console.log(`Segmental SNR vs the unimpaired signal, dB (mean of ${SEEDS} seeded loss patterns, 20 ms packets, random loss).`);
  console.log('"all" = every active 10 ms segment; "impaired" = lost packets and the 10 ms after each.');
  console.log('LSD = log-spectral distance over the lost packets, dB (lower is better; phase-blind).');
  console.log('');
  console.log('| speech | loss | tipring all | spandsp all | silence all | tipring impaired | spandsp impaired | silence impaired | tipring ≥ spandsp (segSNR) | LSD tipring | LSD spandsp | LSD silence |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|');
  for (const [name, pcm] of signals) {
    const packets = Math.floor(pcm.length / PACKET);
    const ref = pcm.subarray(0, packets * PACKET);
    for (const rate of [0.05, 0.1]) {
      const acc = { t: [0, 0, 0], s: [0, 0, 0], z: [0, 0, 0] };
      for (let seed = 1; seed <= SEEDS; seed++) {
        const mask = lossMask(packets, rate, seed + Math.round(rate * 1000));
        const t = tipringConceal(G711Plc, PLC_DELAY, ref, mask);
        const z = silenceFill(ref, mask);
        acc.t[0] += segSnr(ref, t, mask, false);
        acc.t[1] += segSnr(ref, t, mask, true);
        acc.z[0] += segSnr(ref, z, mask, false);
        acc.z[1] += segSnr(ref, z, mask, true);
        acc.t[2] += lsd(fft, ref, t, mask);
        acc.z[2] += lsd(fft, ref, z, mask);
        if ('path' in oracle) {
          const s = spandspConceal(ref, PACKET, mask, oracle.path);
          acc.s[0] += segSnr(ref, s, mask, false);
          acc.s[1] += segSnr(ref, s, mask, true);
          acc.s[2] += lsd(fft, ref, s, mask);
        }
      }
      const f = (v) => (Number.isFinite(v) ? (v / SEEDS).toFixed(2) : 'n/a');
      const haveS = 'path' in oracle;
      const ok = haveS ? (acc.t[0] >= acc.s[0] && acc.t[1] >= acc.s[1] ? 'yes' : 'NO') : 'n/a';
      console.log(`| ${name} | ${rate * 100}% | ${f(acc.t[0])} | ${haveS ? f(acc.s[0]) : 'n/a'} | ${f(acc.z[0])} | ${f(acc.t[1])} | ${haveS ? f(acc.s[1]) : 'n/a'} | ${f(acc.z[1])} | ${ok} | ${f(acc.t[2])} | ${haveS ? f(acc.s[2]) : 'n/a'} | ${f(acc.z[2])} |`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
