/**
 * The two-wire line as a simulated telephone sees it (types only): a SLIC model implements
 * `SimLine`, a phone implements `LineTerminal` and plugs itself in with `connect()`.
 */
export type Polarity = 'forward' | 'reverse';

/** The phone side of the line: audio, called once per PCM period by the line. */
export interface LineTerminal {
  /** Fill `out` with what the mouthpiece picks up (it is zeroed beforehand). */
  mouthpiece(out: Int16Array): void;
  /** What arrives from the exchange this period. The buffer is reused: copy what you keep. */
  earpiece(frame: Int16Array): void;
}

export interface SimLine {
  /** Close (true) or open (false) the loop: the phone's hook switch. */
  setOffHook(offHook: boolean): void;
  /** Ring voltage is on the line now. */
  readonly ringing: boolean;
  /** Battery polarity on the line (meaningful when not ringing). */
  readonly polarity: Polarity;
  /** Ring frequency measured during the last (or current) ring burst, Hz. */
  ringFrequencyHz(): number | undefined;
  /** Ring voltage appears (true) or goes away (false); `at` is clock time, ms. */
  onRing(cb: (ringing: boolean, at: number) => void): void;
  /** Battery polarity changed. */
  onPolarity(cb: (polarity: Polarity, at: number) => void): void;
  /** Plug a terminal (the phone's audio side) into the line. */
  connect(terminal: LineTerminal): void;
}
