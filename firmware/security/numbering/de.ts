/**
 * Germany (+49). Sources: Bundesnetzagentur (BNetzA) numbering space allocations: 0900 premium
 * rate, 0137 mass traffic (televoting), 0180 service numbers, 0700 personal numbers, 0800
 * freephone, 015/016/017 mobile, 032 national subscriber numbers, 118xy directory enquiries,
 * 115 public administration, 116xyz European services; 010xy/0100yy carrier selection (call-by-call).
 */
import type { NumberingPlan } from './types.js';

export const DE_PLAN: NumberingPlan = {
  country: 'de',
  countryCode: '49',
  internationalPrefixes: ['00'],
  nationalPrefix: '0',
  carrierPrefixes: ['0100XX', '010[1-9]X'],
  rules: [
    { pattern: '115', class: 'service', note: '115 public administration' },
    { pattern: '116XXX', class: 'service', note: '116 harmonised European services' },
    { pattern: '118XX!', class: 'premium', note: '118xy directory enquiries (high charges)' },
    { pattern: '0900!', class: 'premium', note: '0900 premium rate services' },
    { pattern: '0137!', class: 'premium', note: '0137 mass traffic / televoting' },
    { pattern: '0138!', class: 'premium', note: '0138 mass traffic' },
    { pattern: '0190!', class: 'premium', note: '0190 former premium rate' },
    { pattern: '0180!', class: 'special', note: '0180 shared-cost service numbers' },
    { pattern: '018!', class: 'special', note: '018 closed user groups' },
    { pattern: '019!', class: 'special', note: '019 online services' },
    { pattern: '012!', class: 'special', note: '012 innovative services' },
    { pattern: '0700!', class: 'special', note: '0700 personal numbers' },
    { pattern: '0800!', class: 'toll-free', note: '0800 freephone' },
    { pattern: '01[5-7]!', class: 'mobile', note: '015/016/017 mobile' },
    { pattern: '032!', class: 'national', note: '032 national subscriber numbers' },
    { pattern: '0[2-9]!', class: 'national', note: 'area code + subscriber number' },
  ],
  localLengths: [3, 8],
  sources: [
    'Bundesnetzagentur: Nummernraum (numbering space) allocations and Rufnummernbereiche',
    'TKG §§ 3, 66a ff. (premium rate and service numbers)',
  ],
};
