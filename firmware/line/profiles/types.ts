/**
 * A country profile: what the line sounds and rings like, and the local numbering facts the
 * dial plan needs. Data only; one file per country, collected in index.ts.
 */
import type { ToneSpec } from '../../media/tone-spec.js';

export type CallerIdStandard = 'bellcore' | 'etsi-fsk' | 'etsi-dtmf' | 'uk-sin227' | 'ntt';

/**
 * When caller ID is sent: in the silence after the first ring; before ringing after a line
 * reversal (and DT-AS); before ringing after a short ring pulse (RP-AS); or Japan's CAR sequence.
 */
export type CallerIdTiming = 'after-first-ring' | 'before-ring-reversal' | 'before-ring-rpas' | 'car';

export interface CountryTones {
  dial: ToneSpec;
  ringback: ToneSpec;
  busy: ToneSpec;
  /** Congestion / fast busy. */
  reorder: ToneSpec;
  callWaiting: ToneSpec;
  /** Stutter (special) dial tone for voicemail waiting or active diversions. */
  stutter: ToneSpec;
  /** Off-hook warning (receiver left off the hook). */
  howler: ToneSpec;
  /** Star code accepted. */
  confirm?: ToneSpec;
}

export interface RingSettingsProfile {
  frequencyHz: number;
  /** Target ring voltage, V peak, within what small SLICs can drive. */
  voltage: number;
  /** 'default' plus distinctive cadences: ms on, off, on, off … repeated. */
  cadences: Record<string, number[]>;
}

export interface CountryProfile {
  /** Lower-case ISO 3166 alpha-2 style code, e.g. 'us'. */
  code: string;
  name: string;
  tones: CountryTones;
  ring: RingSettingsProfile;
  /** Hook-flash (register recall) window: on-hook breaks in [minMs, maxMs] are a flash. */
  flash: { minMs: number; maxMs: number };
  callerId: { standard: CallerIdStandard; timing: CallerIdTiming };
  emergencyNumbers: string[];
  internationalPrefix: string;
  /** Trunk prefix for national calls ('1' in NANP, '0' in most of the world). */
  nationalPrefix: string;
}
