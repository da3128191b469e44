/**
 * The ITU-T G.107 E-model: transmission rating R = R0 − Is − Id − Ie,eff + A, and MOS from R.
 * Pure formulas, used to score jitter buffers (delay and loss) on simulated traces.
 *
 * Parameter names and defaults follow G.107 Table 1 (loudness ratings in dB, delays in ms,
 * noise in dBm0p/dB(A), Ppl in percent). With every default, R = 93.2.
 */

export interface EModelParams {
  /** Send loudness rating, dB. */
  SLR: number;
  /** Receive loudness rating, dB. */
  RLR: number;
  /** Sidetone masking rating, dB. */
  STMR: number;
  /** Listener sidetone rating, dB. */
  LSTR: number;
  /** D-value of telephone, send and receive side. */
  Ds: number;
  Dr: number;
  /** Talker echo loudness rating, dB. */
  TELR: number;
  /** Weighted echo path loss, dB. */
  WEPL: number;
  /** Mean one-way delay of the echo path, ms. */
  T: number;
  /** Round-trip delay in a 4-wire loop, ms. */
  Tr: number;
  /** Absolute (mouth-to-ear) delay, ms. */
  Ta: number;
  /** Number of quantization distortion units. */
  qdu: number;
  /** Equipment impairment factor. */
  Ie: number;
  /** Packet-loss robustness factor. */
  Bpl: number;
  /** Packet-loss probability, percent. */
  Ppl: number;
  /** Burst ratio (1 = random loss). */
  BurstR: number;
  /** Circuit noise referred to the 0 dBr point, dBm0p. */
  Nc: number;
  /** Noise floor at the receive side, dBmp. */
  Nfor: number;
  /** Room noise at the send and receive side, dB(A). */
  Ps: number;
  Pr: number;
  /** Advantage factor. */
  A: number;
}

export const G107_DEFAULTS: Readonly<EModelParams> = Object.freeze({
  SLR: 8,
  RLR: 2,
  STMR: 15,
  LSTR: 18,
  Ds: 3,
  Dr: 3,
  TELR: 65,
  WEPL: 110,
  T: 0,
  Tr: 0,
  Ta: 0,
  qdu: 1,
  Ie: 0,
  Bpl: 1,
  Ppl: 0,
  BurstR: 1,
  Nc: -70,
  Nfor: -64,
  Ps: 35,
  Pr: 35,
  A: 0,
});

/** G.113 Appendix I: G.711 with Appendix I PLC under random loss. */
export const G711_PLC_IMPAIRMENT = Object.freeze({ Ie: 0, Bpl: 25.1 });
/** G.113 Appendix I: G.711 without PLC. */
export const G711_NO_PLC_IMPAIRMENT = Object.freeze({ Ie: 0, Bpl: 4.3 });

export interface EModelResult {
  R: number;
  R0: number;
  Is: number;
  Id: number;
  Idte: number;
  Idle: number;
  Idd: number;
  IeEff: number;
  MOS: number;
}

const log10 = Math.log10;

/** The E-model rating for `params` (missing ones take the G.107 defaults). */
export function eModel(params: Partial<EModelParams> = {}): EModelResult {
  const p: EModelParams = { ...G107_DEFAULTS, ...params };
  const OLR = p.SLR + p.RLR;

  // Basic signal-to-noise ratio R0.
  const Nos = p.Ps - p.SLR - p.Ds - 100 + 0.004 * (p.Ps - OLR - p.Ds - 14) ** 2;
  const Pre = p.Pr + 10 * log10(1 + 10 ** ((10 - p.LSTR) / 10));
  const Nor = p.RLR - 121 + Pre + 0.008 * (Pre - 35) ** 2;
  const Nfo = p.Nfor + p.RLR;
  const No = 10 * log10(10 ** (p.Nc / 10) + 10 ** (Nos / 10) + 10 ** (Nor / 10) + 10 ** (Nfo / 10));
  const R0 = 15 - 1.5 * (p.SLR + No);

  // Simultaneous impairments Is.
  const Xolr = OLR + 0.2 * (64 + No - p.RLR);
  const Iolr = 20 * ((1 + (Xolr / 8) ** 8) ** (1 / 8) - Xolr / 8);
  const STMRo = -10 * log10(10 ** (-p.STMR / 10) + Math.exp(-p.T / 4) * 10 ** (-p.TELR / 10));
  const Ist =
    12 * (1 + ((STMRo - 13) / 6) ** 8) ** (1 / 8) -
    28 * (1 + ((STMRo + 1) / 19.4) ** 35) ** (1 / 35) -
    13 * (1 + ((STMRo - 3) / 33) ** 13) ** (1 / 13) +
    29;
  const Q = 37 - 15 * log10(p.qdu);
  const G = 1.07 + 0.258 * Q + 0.0602 * Q * Q;
  const Y = (R0 - 100) / 15 + 46 / 8.4 - G / 9;
  const Z = 46 / 30 - G / 40;
  const Iq = 15 * log10(1 + 10 ** Y + 10 ** Z);
  const Is = Iolr + Ist + Iq;

  // Delay impairments Id: talker echo, listener echo, absolute delay.
  const Roe = -1.5 * (No - p.RLR);
  let TERV = p.TELR - 40 * log10((1 + p.T / 10) / (1 + p.T / 150)) + 6 * Math.exp(-0.3 * p.T * p.T);
  if (p.STMR < 9) TERV += Ist / 2;
  const Re = 80 + 2.5 * (TERV - 14);
  const Idte = ((Roe - Re) / 2 + Math.sqrt((Roe - Re) ** 2 / 4 + 100) - 1) * (1 - Math.exp(-p.T));
  const Rle = 10.5 * (p.WEPL + 7) * (p.Tr + 1) ** -0.25;
  const Idle = (R0 - Rle) / 2 + Math.sqrt((R0 - Rle) ** 2 / 4 + 169);
  const Idd = absoluteDelayImpairment(p.Ta);
  const Id = Idte + Idle + Idd;

  const IeEff = effectiveEquipmentImpairment(p.Ie, p.Ppl, p.Bpl, p.BurstR);
  const R = R0 - Is - Id - IeEff + p.A;
  return { R, R0, Is, Id, Idte, Idle, Idd, IeEff, MOS: mosFromR(R) };
}

/** Idd: impairment from absolute one-way delay `Ta` (ms); 0 up to 100 ms. */
export function absoluteDelayImpairment(Ta: number): number {
  if (Ta <= 100) return 0;
  const X = Math.log2(Ta / 100);
  return 25 * ((1 + X ** 6) ** (1 / 6) - 3 * (1 + (X / 3) ** 6) ** (1 / 6) + 2);
}

/** Ie,eff = Ie + (95 − Ie)·Ppl/(Ppl/BurstR + Bpl), Ppl in percent. */
export function effectiveEquipmentImpairment(Ie: number, Ppl: number, Bpl: number, BurstR = 1): number {
  if (Ppl <= 0) return Ie;
  return Ie + ((95 - Ie) * Ppl) / (Ppl / BurstR + Bpl);
}

/**
 * Estimated mean opinion score (conversational quality) from R, G.107 Annex B; kept within 1–4.5
 * (the cubic dips just below 1 for R < 6.5).
 */
export function mosFromR(R: number): number {
  if (R <= 0) return 1;
  if (R >= 100) return 4.5;
  return Math.max(1, 1 + 0.035 * R + R * (R - 60) * (100 - R) * 7e-6);
}

/**
 * BurstR from a loss pattern (true/1 = lost), by the two-state Markov estimate of G.107:
 * BurstR = 1/(p + r), p = P(received → lost), r = P(lost → received). 1 when nothing was lost.
 */
export function burstRatio(lost: ArrayLike<boolean | number>): number {
  let received = 0;
  let lostCount = 0;
  let toLost = 0;
  let toReceived = 0;
  for (let i = 0; i < lost.length; i++) {
    const l = Boolean(lost[i]);
    if (l) lostCount++;
    else received++;
    if (i > 0) {
      const prev = Boolean(lost[i - 1]);
      if (!prev && l) toLost++;
      if (prev && !l) toReceived++;
    }
  }
  if (lostCount === 0 || received === 0) return 1;
  const p = toLost / received;
  const r = toReceived / lostCount;
  return p + r > 0 ? Math.max(1, 1 / (p + r)) : 1;
}

/**
 * R for a VoIP call leg with defaults elsewhere: one-way mouth-to-ear delay (ms, also used as the
 * echo path delay T, with Tr = 2T), packet loss (percent) and burst ratio, and a codec's Ie/Bpl
 * (default: G.711 with Appendix I PLC).
 */
export function voipRating(
  delayMs: number,
  lossPercent: number,
  burstR = 1,
  codec: { Ie: number; Bpl: number } = G711_PLC_IMPAIRMENT,
): EModelResult {
  return eModel({ Ta: delayMs, T: delayMs, Tr: 2 * delayMs, Ppl: lossPercent, BurstR: burstR, Ie: codec.Ie, Bpl: codec.Bpl });
}
