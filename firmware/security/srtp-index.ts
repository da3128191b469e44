/**
 * The SRTP packet index i = 2^16 · ROC + SEQ, and the receiver's estimate of it
 * (RFC 3711 §3.3.1 and Appendix A): the rollover counter is guessed from the highest sequence
 * number seen so far, so a sequence number that wraps 65535 → 0 lands in the next ROC and a late
 * packet from before the wrap in the previous one.
 */
export interface IndexState {
  /** Rollover counter. */
  roc: number;
  /** Highest sequence number seen (s_l), or undefined before the first packet. */
  highestSeq: number | undefined;
}

export const MAX_ROC = 0xffffffff;

/** The ROC guess v for sequence number `seq`; may be −1 (a packet from before the stream began). */
export function estimateRoc(state: IndexState, seq: number): number {
  const sl = state.highestSeq;
  if (sl === undefined) return state.roc;
  if (sl < 0x8000) return seq - sl > 0x8000 ? state.roc - 1 : state.roc;
  return sl - 0x8000 > seq ? state.roc + 1 : state.roc;
}

/** The 48-bit packet index for ROC `roc` and sequence number `seq`. */
export function packetIndex(roc: number, seq: number): number {
  return roc * 0x10000 + seq;
}

/** After a packet with guessed ROC `v` authenticated: move s_l and ROC forward (Appendix A). */
export function updateIndexState(state: IndexState, v: number, seq: number): void {
  if (state.highestSeq === undefined) {
    state.roc = v;
    state.highestSeq = seq;
  } else if (v === state.roc + 1) {
    state.roc = v;
    state.highestSeq = seq;
  } else if (v === state.roc && seq > state.highestSeq) {
    state.highestSeq = seq;
  }
}
