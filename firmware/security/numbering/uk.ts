/**
 * United Kingdom (+44). Sources: Ofcom National Telephone Numbering Plan and its number-range
 * guide (01/02 geographic, 03 UK-wide, 07 mobile/personal/paging, 080 freephone, 084/087
 * service charge, 09 premium rate, 118 directory enquiries, 116 harmonised European services).
 */
import type { NumberingPlan } from './types.js';

export const UK_PLAN: NumberingPlan = {
  country: 'uk',
  countryCode: '44',
  internationalPrefixes: ['00'],
  nationalPrefix: '0',
  // 141 withholds and 1470 presents the caller's number for one call: not a destination.
  carrierPrefixes: ['141', '1470'],
  rules: [
    { pattern: '116XXX', class: 'service', note: '116 harmonised European services of social value' },
    { pattern: '118XXX', class: 'premium', note: '118 directory enquiries (high call charges)' },
    { pattern: '100', class: 'special', note: 'operator' },
    { pattern: '155', class: 'special', note: 'international operator' },
    { pattern: '123', class: 'special', note: 'speaking clock (charged)' },
    { pattern: '10[15]', class: 'service', note: '101 police non-emergency, 105 power cut' },
    { pattern: '11[19]', class: 'service', note: '111 NHS, 119 NHS services' },
    { pattern: '1471', class: 'service', note: 'last caller' },
    { pattern: '1571', class: 'service', note: 'voicemail' },
    { pattern: '09!', class: 'premium', note: '09 premium rate services' },
    { pattern: '0800!', class: 'toll-free', note: '0800 freephone' },
    { pattern: '0808!', class: 'toll-free', note: '0808 freephone' },
    { pattern: '084!', class: 'special', note: '084 service charge' },
    { pattern: '087!', class: 'special', note: '087 service charge' },
    { pattern: '07624!', class: 'mobile', note: 'Isle of Man mobile' },
    { pattern: '070!', class: 'special', note: '070 personal numbering (often abused for fraud)' },
    { pattern: '076!', class: 'special', note: '076 radiopaging' },
    { pattern: '07[1-57-9]!', class: 'mobile', note: '071-075, 077-079 mobile' },
    { pattern: '055!', class: 'special', note: '055 corporate numbering' },
    { pattern: '056!', class: 'national', note: '056 location-independent electronic communications' },
    { pattern: '03!', class: 'national', note: '03 UK-wide, charged as geographic' },
    { pattern: '0[12]!', class: 'national', note: '01/02 geographic' },
  ],
  localLengths: [6, 8],
  sources: [
    'Ofcom: The National Telephone Numbering Plan',
    'Ofcom: UK telephone number ranges and call charges guide',
  ],
};
