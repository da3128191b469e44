/** Board definitions are data: which SLIC, which pins, which PCM device, how many lines. */
export interface Ag1171Pins {
  /** Ring mode output (high = ringing). */
  rm: number;
  /** Forward/reverse output (toggled at ring frequency while ringing; sets polarity otherwise). */
  fr: number;
  /** Switch-hook input (high = off-hook). */
  shk: number;
}

export interface Ag1171Slic {
  chip: 'ag1171';
  pins: Ag1171Pins;
}

export interface Si3215Slic {
  chip: 'si3215';
  spi: { bus: number; device: number; speedHz: number };
  resetPin: number;
  interruptPin: number;
  /** PCM timeslot (bytes into the frame). */
  timeslot: number;
  /** Sample format on the PCM bus (default 'ulaw'); 'linear16' where the host bus carries 16-bit slots. */
  pcmFormat?: 'ulaw' | 'alaw' | 'linear16';
}

export type SlicDefinition = Ag1171Slic | Si3215Slic;

export interface LineDefinition {
  slic: SlicDefinition;
  pcm: { device: string; channel: number };
}

export interface BoardDefinition {
  name: string;
  description: string;
  /** 'sim' boards run anywhere on the simulated HAL. */
  backend: 'sim' | 'real';
  lines: LineDefinition[];
}
