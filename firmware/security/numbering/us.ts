/**
 * United States (NANP, country code 1). Sources: NANPA (nanpa.com) NPA and N11 assignments,
 * FCC rules on 900 pay-per-call (47 CFR 64.1501) and the 976 exchange; carrier access codes
 * 101XXXX (FCC); the NANP area codes assigned to other countries (NANPA "NPAs by location").
 */
import type { NumberingPlan, NumberingRule } from './types.js';

/** NANP area codes that are other countries: dialled like a US long-distance call, billed as international. */
export const NANP_FOREIGN_NPAS: Readonly<Record<string, string>> = Object.freeze({
  '242': 'Bahamas', '246': 'Barbados', '264': 'Anguilla', '268': 'Antigua and Barbuda', '284': 'British Virgin Islands',
  '345': 'Cayman Islands', '441': 'Bermuda', '473': 'Grenada', '649': 'Turks and Caicos', '658': 'Jamaica',
  '664': 'Montserrat', '721': 'Sint Maarten', '758': 'Saint Lucia', '767': 'Dominica', '784': 'Saint Vincent and the Grenadines',
  '809': 'Dominican Republic', '829': 'Dominican Republic', '849': 'Dominican Republic', '868': 'Trinidad and Tobago',
  '869': 'Saint Kitts and Nevis', '876': 'Jamaica',
});

const TOLL_FREE_NPAS = ['800', '833', '844', '855', '866', '877', '888'];
const PERSONAL_NPAS = ['500', '521', '522', '523', '524', '525', '526', '527', '528', '529', '532', '533', '535', '538', '542', '543', '544', '545', '546', '547', '549', '550', '552', '553', '554', '556', '558', '566', '569', '577', '578', '588'];

/** A rule for NPA `npa` dialled with and without the leading 1. */
function either(npas: string[], cls: NumberingRule['class'], note: string): NumberingRule[] {
  return npas.flatMap((npa) => [
    { pattern: `1${npa}NXXXXXX`, class: cls, note: `${note} ${npa}` },
    { pattern: `${npa}NXXXXXX`, class: cls, note: `${note} ${npa}` },
  ]);
}

/** NANP rules, also used by Canada. */
export function nanpRules(): NumberingRule[] {
  const foreign = Object.entries(NANP_FOREIGN_NPAS).flatMap(([npa, where]) => either([npa], 'international', `NANP area code (${where})`));
  return [
    { pattern: '411', class: 'special', note: 'N11 directory assistance (charged)' },
    { pattern: 'N11', class: 'service', note: 'N11 service code (211, 311, 511, 611, 711, 811)' },
    { pattern: '988', class: 'service', note: '988 Suicide and Crisis Lifeline' },
    { pattern: '0', class: 'special', note: 'operator' },
    { pattern: '00', class: 'special', note: 'long-distance operator' },
    { pattern: '0NXXNXXXXXX', class: 'special', note: 'operator-assisted call (0+)' },
    { pattern: '1900NXXXXXX', class: 'premium', note: 'NPA 900 pay-per-call' },
    { pattern: '900NXXXXXX', class: 'premium', note: 'NPA 900 pay-per-call' },
    { pattern: '1NXX976XXXX', class: 'premium', note: 'exchange 976 information services' },
    { pattern: 'NXX976XXXX', class: 'premium', note: 'exchange 976 information services' },
    { pattern: '976XXXX', class: 'premium', note: 'exchange 976 information services' },
    ...either(TOLL_FREE_NPAS, 'toll-free', 'toll-free NPA'),
    ...either(PERSONAL_NPAS, 'special', 'NPA 5XX personal communications services'),
    { pattern: '1700NXXXXXX', class: 'special', note: 'NPA 700 carrier services' },
    { pattern: '1710NXXXXXX', class: 'special', note: 'NPA 710 government emergency service' },
    ...foreign,
    { pattern: '1NXXNXXXXXX', class: 'national', note: '1 + area code + number' },
    { pattern: 'NXXNXXXXXX', class: 'national', note: '10-digit dialling' },
    { pattern: 'NXXXXXX', class: 'local', note: '7-digit local dialling' },
  ];
}

export const US_PLAN: NumberingPlan = {
  country: 'us',
  countryCode: '1',
  internationalPrefixes: ['011'],
  nationalPrefix: '1',
  carrierPrefixes: ['101XXXX'],
  rules: nanpRules(),
  localLengths: [7, 7],
  sources: [
    'NANPA: area code (NPA) and N11 assignments, NPAs assigned to other NANP countries',
    'FCC 47 CFR 64.1501-1515: 900 pay-per-call services; 976 information exchanges',
    'FCC: 101XXXX carrier access codes',
  ],
};

export const CA_PLAN: NumberingPlan = { ...US_PLAN, country: 'ca', rules: nanpRules(), sources: [...US_PLAN.sources, 'CNAC (Canadian Numbering Administrator): Canada uses the NANP'] };
