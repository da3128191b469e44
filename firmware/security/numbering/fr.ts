/**
 * France (+33). Sources: ARCEP plan national de numérotation: closed 10-digit plan (01-05
 * geographic, 06/07 mobile, 08 special, 09 non-geographic), 080 free, 081/082 shared cost,
 * 089 premium (SVA), 118 XYZ directory enquiries, 3BPQ short numbers, 116 XYZ European services,
 * 16XY carrier selection prefixes.
 */
import type { NumberingPlan } from './types.js';

export const FR_PLAN: NumberingPlan = {
  country: 'fr',
  countryCode: '33',
  internationalPrefixes: ['00'],
  nationalPrefix: '0',
  carrierPrefixes: ['16XX'],
  rules: [
    { pattern: '116XXX', class: 'service', note: '116 XYZ European services' },
    { pattern: '118XXX', class: 'premium', note: '118 XYZ directory enquiries (high charges)' },
    { pattern: '10XX', class: 'service', note: '10XY operator customer services' },
    { pattern: '3XXX', class: 'special', note: '3BPQ short numbers (may be surcharged)' },
    { pattern: '089!', class: 'premium', note: '089 premium rate (SVA)' },
    { pattern: '0836!', class: 'premium', note: '08 36 former Audiotel premium rate' },
    { pattern: '080!', class: 'toll-free', note: '080 freephone' },
    { pattern: '08!', class: 'special', note: '081/082 shared cost, other 08 special numbers' },
    { pattern: '0[67]!', class: 'mobile', note: '06/07 mobile' },
    { pattern: '0[1-5]!', class: 'national', note: '01-05 geographic' },
    { pattern: '09!', class: 'national', note: '09 non-geographic (VoIP)' },
  ],
  // France has no local dialling: every number has 10 digits.
  localLengths: [0, 0],
  sources: ['ARCEP: plan national de numérotation téléphonique (décision 2018-0881) and numéros courts'],
};
