/**
 * G.711 A-law and µ-law, bit-exact with the ITU-T G.191 STL reference (g711.c):
 * - the encoders take a 16-bit sample and use its top 13 (A-law) / 14 (µ-law) bits, forming the
 *   magnitude of a negative sample by one's complement (~x), as the reference does;
 * - the decoders expand to 13-bit (A-law, ±8 … ±32256) / 14-bit (µ-law, 0 … ±32124) values,
 *   left-justified in 16 bits.
 * The scalar functions implement the algorithm; the block functions use lookup tables built from
 * them once at module load (64 Ki-entry encode tables, 256-entry decode tables) and write into
 * caller buffers without allocating.
 */

function toInt16(sample: number): number {
  const s = Math.round(sample);
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s;
}

/** A-law code (0..255, even bits inverted per G.711) for a 16-bit linear sample. */
export function linearToAlaw(sample: number): number {
  const x = toInt16(sample);
  // 12-bit magnitude of the 13-bit value; negative values use one's complement.
  let mag = x < 0 ? ~x >> 4 : x >> 4;
  if (mag > 15) {
    let seg = 1;
    while (mag > 31) {
      mag >>= 1;
      seg++;
    }
    mag = (mag - 16) + (seg << 4);
  }
  if (x >= 0) mag |= 0x80;
  return mag ^ 0x55;
}

/** 16-bit linear value (13-bit, left-justified) for an A-law code. */
export function alawToLinear(code: number): number {
  const c = code & 0xff;
  const v = (c ^ 0x55) & 0x7f;
  const seg = v >> 4;
  let mant = v & 0x0f;
  if (seg > 0) mant += 16;
  mant = (mant << 4) + 8;
  if (seg > 1) mant <<= seg - 1;
  return c > 127 ? mant : -mant;
}

/** µ-law code (0..255) for a 16-bit linear sample. */
export function linearToUlaw(sample: number): number {
  const x = toInt16(sample);
  let biased = (x < 0 ? ~x >> 2 : x >> 2) + 33;
  if (biased > 0x1fff) biased = 0x1fff;
  let seg = 1;
  for (let i = biased >> 6; i !== 0; i >>= 1) seg++;
  const high = 8 - seg;
  const low = 0x0f - ((biased >> seg) & 0x0f);
  let code = (high << 4) | low;
  if (x >= 0) code |= 0x80;
  return code;
}

/** 16-bit linear value (14-bit, left-justified) for a µ-law code. */
export function ulawToLinear(code: number): number {
  const c = code & 0xff;
  const inv = ~c & 0xff;
  const exponent = (inv >> 4) & 0x07;
  const mantissa = inv & 0x0f;
  const step = 4 << (exponent + 1);
  const mag = (0x80 << exponent) + step * mantissa + step / 2 - 4 * 33;
  return c < 0x80 ? -mag : mag;
}

// --- Lookup tables, indexed by (sample & 0xffff) for encode and by code for decode. ---
const ALAW_ENC = new Uint8Array(65536);
const ULAW_ENC = new Uint8Array(65536);
const ALAW_DEC = new Int16Array(256);
const ULAW_DEC = new Int16Array(256);

for (let i = 0; i < 65536; i++) {
  const s = i < 32768 ? i : i - 65536;
  ALAW_ENC[i] = linearToAlaw(s);
  ULAW_ENC[i] = linearToUlaw(s);
}
for (let c = 0; c < 256; c++) {
  ALAW_DEC[c] = alawToLinear(c);
  ULAW_DEC[c] = ulawToLinear(c);
}

/** Encode `pcm` into `out` (µ-law), min(pcm.length, out.length) samples. No allocation. */
export function ulawEncode(pcm: Int16Array, out: Uint8Array): void {
  const n = Math.min(pcm.length, out.length);
  for (let i = 0; i < n; i++) out[i] = ULAW_ENC[(pcm[i] as number) & 0xffff] as number;
}

/** Decode µ-law `codes` into `out`, min(codes.length, out.length) samples. No allocation. */
export function ulawDecode(codes: Uint8Array, out: Int16Array): void {
  const n = Math.min(codes.length, out.length);
  for (let i = 0; i < n; i++) out[i] = ULAW_DEC[codes[i] as number] as number;
}

/** Encode `pcm` into `out` (A-law), min(pcm.length, out.length) samples. No allocation. */
export function alawEncode(pcm: Int16Array, out: Uint8Array): void {
  const n = Math.min(pcm.length, out.length);
  for (let i = 0; i < n; i++) out[i] = ALAW_ENC[(pcm[i] as number) & 0xffff] as number;
}

/** Decode A-law `codes` into `out`, min(codes.length, out.length) samples. No allocation. */
export function alawDecode(codes: Uint8Array, out: Int16Array): void {
  const n = Math.min(codes.length, out.length);
  for (let i = 0; i < n; i++) out[i] = ALAW_DEC[codes[i] as number] as number;
}

/** The µ-law code of digital silence (linear 0). */
export const ULAW_SILENCE = 0xff;
/** The A-law code of digital silence (linear 0 encodes to +8). */
export const ALAW_SILENCE = 0xd5;
