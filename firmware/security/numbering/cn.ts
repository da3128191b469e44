/**
 * China (+86). Sources: MIIT telecommunications numbering plan (电信网编号计划): 00 international,
 * 0 + area code national, 1[3-9]x mobile (11 digits), 800 freephone, 400 caller-pays-local,
 * 10xxx/11x/12xxx/95xxx/96xxx service numbers, 179xx/12593 IP long-distance carrier prefixes,
 * 160/168 and 1259x information (声讯) services billed at premium rates.
 */
import type { NumberingPlan } from './types.js';

export const CN_PLAN: NumberingPlan = {
  country: 'cn',
  countryCode: '86',
  internationalPrefixes: ['00'],
  nationalPrefix: '0',
  carrierPrefixes: ['179XX', '12593'],
  rules: [
    { pattern: '160!', class: 'premium', note: '160 information (声讯) services' },
    { pattern: '168!', class: 'premium', note: '168 information (声讯) services' },
    { pattern: '1259X!', class: 'premium', note: '1259x value-added information services' },
    { pattern: '10XXX', class: 'service', note: '10xxx operator service numbers (10000, 10010, 10086)' },
    { pattern: '11X', class: 'service', note: '11x service numbers (114 directory)' },
    { pattern: '12XXX', class: 'service', note: '12xxx public service numbers (12315, 12345…)' },
    { pattern: '9[56]XXX!', class: 'service', note: '95xxx/96xxx business service numbers' },
    { pattern: '800XXXXXXX', class: 'toll-free', note: '800 freephone' },
    { pattern: '400XXXXXXX', class: 'special', note: '400 caller-pays-local-rate numbers' },
    { pattern: '1[3-9]XXXXXXXXX', class: 'mobile', note: 'mobile (11 digits)' },
    { pattern: '01[3-9]XXXXXXXXX', class: 'mobile', note: 'mobile with trunk prefix (other province)' },
    { pattern: '0[1-9]!', class: 'national', note: 'area code + subscriber number' },
  ],
  localLengths: [7, 8],
  sources: ['MIIT (工业和信息化部): 电信网编号计划 (telecommunications network numbering plan)'],
};
