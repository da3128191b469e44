/**
 * Australia (+61). Sources: ACMA Telecommunications Numbering Plan 2015: 0011 international
 * (0015/0018/0019 variants: every 001x), 02/03/07/08 geographic, 04 mobile, 05 UPT, 1800
 * freephone, 13/1300 local rate, 190x premium services, 12xx directory and operator services.
 */
import type { NumberingPlan } from './types.js';

export const AU_PLAN: NumberingPlan = {
  country: 'au',
  countryCode: '61',
  internationalPrefixes: ['0011', '0015', '0018', '0019'],
  nationalPrefix: '0',
  carrierPrefixes: [],
  rules: [
    { pattern: '001!', class: 'international', note: '001x international access codes' },
    { pattern: '190!', class: 'premium', note: '190x premium services (1900, 1901, 1902, 1906…)' },
    { pattern: '1800!', class: 'toll-free', note: '1800 freephone' },
    { pattern: '180XXXX', class: 'toll-free', note: '180 freephone (7 digits)' },
    { pattern: '1300!', class: 'special', note: '1300 local rate' },
    { pattern: '13XXXX', class: 'special', note: '13 local rate (6 digits)' },
    { pattern: '12!', class: 'special', note: '12xx directory and operator services (charged)' },
    { pattern: '0198!', class: 'special', note: '0198 data access numbers' },
    { pattern: '04!', class: 'mobile', note: '04 mobile' },
    { pattern: '05!', class: 'special', note: '05 universal personal telecommunications' },
    { pattern: '0[2378]!', class: 'national', note: '02/03/07/08 geographic' },
  ],
  localLengths: [8, 8],
  sources: ['ACMA: Telecommunications Numbering Plan 2015 (number types and prefixes)'],
};
