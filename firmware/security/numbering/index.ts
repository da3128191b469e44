/** Numbering plans by profile code, and a generic plan built from a profile for other countries. */
import type { CountryProfile } from '../../line/profiles/types.js';
import { AU_PLAN } from './au.js';
import { CN_PLAN } from './cn.js';
import { DE_PLAN } from './de.js';
import { FR_PLAN } from './fr.js';
import { JP_PLAN } from './jp.js';
import type { NumberingPlan } from './types.js';
import { UK_PLAN } from './uk.js';
import { CA_PLAN, US_PLAN } from './us.js';

export const NUMBERING_PLANS: Readonly<Record<string, NumberingPlan>> = Object.freeze({
  au: AU_PLAN,
  ca: CA_PLAN,
  cn: CN_PLAN,
  de: DE_PLAN,
  fr: FR_PLAN,
  jp: JP_PLAN,
  uk: UK_PLAN,
  us: US_PLAN,
});

/**
 * The plan for a profile: the country's table, with the profile's international prefix first;
 * for a country without a table, a plan knowing only the profile's prefixes (no premium ranges).
 */
export function numberingPlanFor(profile: CountryProfile): NumberingPlan {
  const plan = NUMBERING_PLANS[profile.code];
  if (plan) {
    const intl = [profile.internationalPrefix, ...plan.internationalPrefixes.filter((p) => p !== profile.internationalPrefix)];
    return { ...plan, internationalPrefixes: intl, nationalPrefix: profile.nationalPrefix || plan.nationalPrefix };
  }
  return {
    country: profile.code,
    countryCode: '',
    internationalPrefixes: [profile.internationalPrefix],
    nationalPrefix: profile.nationalPrefix,
    carrierPrefixes: [],
    rules: [],
    localLengths: [0, 0],
    sources: ['country profile only: no numbering table'],
  };
}
