/**
 * Numbering-plan facts for the dial policy, as data: which dialled numbers are emergency,
 * service, local, national, mobile, freephone, special-rate, premium-rate or international.
 * One file per country; rules are dial patterns (see ../dial-pattern.ts), first match wins.
 */
export type NumberClass =
  | 'emergency'
  | 'feature'
  | 'service'
  | 'toll-free'
  | 'local'
  | 'national'
  | 'mobile'
  | 'other'
  | 'special'
  | 'international'
  | 'premium'
  | 'invalid';

/** Classes from least to most costly/risky: when a number could be read two ways, the riskier reading wins. */
export const CLASS_RISK: Readonly<Record<NumberClass, number>> = Object.freeze({
  emergency: 0,
  feature: 1,
  'toll-free': 1,
  service: 2,
  local: 2,
  national: 3,
  mobile: 4,
  other: 4,
  special: 5,
  international: 6,
  premium: 7,
  invalid: 8,
});

export const NUMBER_CLASSES = Object.freeze(Object.keys(CLASS_RISK)) as readonly NumberClass[];

export interface NumberingRule {
  pattern: string;
  class: NumberClass;
  note: string;
}

export interface NumberingPlan {
  /** Profile code this plan belongs to ('us', 'uk', …). */
  country: string;
  /** ITU-T E.164 country calling code, without '+'. */
  countryCode: string;
  /** International access prefixes in use (the profile's own comes first). */
  internationalPrefixes: string[];
  /** Trunk prefix for national calls. */
  nationalPrefix: string;
  /** Carrier-selection or CLI prefixes stripped before the rest is classified (dial patterns). */
  carrierPrefixes: string[];
  rules: NumberingRule[];
  /** Digit counts of numbers dialled without any prefix that are local calls. */
  localLengths: [number, number];
  /** Where the facts come from. */
  sources: string[];
}

/**
 * Destinations reached through any international prefix that bill like premium lines: ITU-T E.164
 * shared codes for International Premium Rate Service (+979) and for global networks and mobile
 * satellite systems (+870 Inmarsat, +881 GMSS, +882/+883 international networks), the usual
 * targets of international revenue share fraud.
 */
export const INTERNATIONAL_RULES: readonly NumberingRule[] = Object.freeze([
  { pattern: '979!', class: 'premium', note: 'ITU-T E.164 +979 International Premium Rate Service' },
  { pattern: '870!', class: 'premium', note: 'ITU-T E.164 +870 Inmarsat (satellite, high cost)' },
  { pattern: '881!', class: 'premium', note: 'ITU-T E.164 +881 Global Mobile Satellite System' },
  { pattern: '882!', class: 'premium', note: 'ITU-T E.164 +882 international networks' },
  { pattern: '883!', class: 'premium', note: 'ITU-T E.164 +883 international networks' },
]);
