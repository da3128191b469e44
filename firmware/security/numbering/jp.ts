/**
 * Japan (+81). Sources: Ministry of Internal Affairs and Communications (MIC) numbering plan:
 * 010 international, 00XY carrier identification codes, 0120/0800 freephone, 0570 Navi Dial,
 * 0990 premium (Dial Q2), 0180 telephone voting/information, 070/080/090 mobile, 050 IP phone,
 * 020 pagers/M2M, 1XY special service numbers (104 directory enquiries).
 */
import type { NumberingPlan } from './types.js';

export const JP_PLAN: NumberingPlan = {
  country: 'jp',
  countryCode: '81',
  internationalPrefixes: ['010'],
  nationalPrefix: '0',
  carrierPrefixes: [],
  rules: [
    // Carrier-selected calls (00XY …) are mostly international (00XY 010 …): treated as such.
    { pattern: '00!', class: 'international', note: '00XY carrier identification code (usually before 010 international)' },
    { pattern: '104', class: 'special', note: '104 directory enquiries (charged)' },
    { pattern: '1XX', class: 'service', note: '1XY special service numbers (117 time, 177 weather…)' },
    { pattern: '0990!', class: 'premium', note: '0990 Dial Q2 premium' },
    { pattern: '0180!', class: 'premium', note: '0180 telephone voting / information service' },
    { pattern: '0120!', class: 'toll-free', note: '0120 freephone' },
    { pattern: '0800!', class: 'toll-free', note: '0800 freephone' },
    { pattern: '0570!', class: 'special', note: '0570 Navi Dial (caller-paid nationwide number)' },
    { pattern: '0[789]0!', class: 'mobile', note: '070/080/090 mobile and PHS' },
    { pattern: '020!', class: 'special', note: '020 pagers / M2M' },
    { pattern: '060!', class: 'special', note: '060 FMC / UPT' },
    { pattern: '050!', class: 'national', note: '050 IP telephony' },
    { pattern: '0[1-9]!', class: 'national', note: 'area code + subscriber number' },
  ],
  localLengths: [5, 8],
  sources: ['MIC (総務省): 電気通信番号計画 (telecommunications numbering plan)'],
};
