/**
 * Classify a dialled number for the toll-fraud policy: emergency, feature code, service, local,
 * national, mobile, toll-free, special-rate, premium-rate, international, other or invalid.
 * Pure: a country profile (emergency numbers, prefixes) and its numbering plan in, a class out.
 *
 * Order: normalise (URI user part, separators, a trailing '#'); emergency numbers (exact);
 * star codes ('*67…': the riskier of the code alone and the number after it); '+' E.164 numbers
 * (our own country code → national form); international prefixes; carrier-selection prefixes
 * (stripped, the rest classified); the country's rules (first match); trunk-prefixed → national;
 * local-length → local; anything else → other.
 */
import type { CountryProfile } from '../line/profiles/types.js';
import { compileDialPattern, matchesPattern } from './dial-pattern.js';
import type { DialPattern } from './dial-pattern.js';
import { numberingPlanFor } from './numbering/index.js';
import { CLASS_RISK, INTERNATIONAL_RULES } from './numbering/types.js';
import type { NumberClass, NumberingPlan, NumberingRule } from './numbering/types.js';

export interface Classification {
  class: NumberClass;
  /** The number as dialled, normalised (separators and scheme removed). */
  number: string;
  /** The number after any star code / carrier / international prefix handling that decided the class. */
  core: string;
  /** Why: the rule's note, or a fixed explanation. */
  note: string;
  /** For international calls: the digits after the international prefix (country code first). */
  destination?: string;
}

interface CompiledRule extends NumberingRule {
  compiled: DialPattern;
}

export class NumberClassifier {
  readonly plan: NumberingPlan;
  private readonly emergency: Set<string>;
  private readonly rules: CompiledRule[];
  private readonly carriers: DialPattern[];
  private readonly international: CompiledRule[];

  constructor(profile: CountryProfile, plan?: NumberingPlan) {
    this.plan = plan ?? numberingPlanFor(profile);
    this.emergency = new Set(profile.emergencyNumbers);
    const compile = (r: NumberingRule): CompiledRule => ({ ...r, compiled: compileDialPattern(r.pattern) });
    this.rules = this.plan.rules.map(compile);
    this.international = INTERNATIONAL_RULES.map(compile);
    // A carrier prefix only counts when something follows it.
    this.carriers = this.plan.carrierPrefixes.map((p) => compileDialPattern(p));
  }

  /** Emergency numbers of the profile (exact match after normalising). */
  isEmergency(number: string): boolean {
    return this.emergency.has(normaliseNumber(number));
  }

  classify(input: string): Classification {
    const number = normaliseNumber(input);
    if (!number) return { class: 'invalid', number, core: number, note: 'empty or undialable number' };
    if (!/^\+?[0-9*#]+$/.test(number)) {
      return /^[A-Za-z0-9._~!$&'()*+,;=%-]+$/.test(number)
        ? { class: 'other', number, core: number, note: 'alphanumeric SIP user' }
        : { class: 'invalid', number, core: number, note: 'characters that cannot be dialled' };
    }
    if (this.emergency.has(number)) return { class: 'emergency', number, core: number, note: 'emergency number of the country profile' };
    const star = /^[*#]{1,2}\d{2,3}/.exec(number);
    if (star) return this.starCode(number);
    return { ...this.digits(number), number };
  }

  /** '*67 011…': the code is a feature; what follows is a number, classified on its own. */
  private starCode(number: string): Classification {
    const feature: Classification = { class: 'feature', number, core: number, note: 'star/feature code' };
    const readings: Classification[] = [feature];
    // Codes are 2 or 3 digits: read the rest both ways when the code could be either.
    for (const len of [2, 3]) {
      const m = new RegExp(`^[*#]{1,2}\\d{${len}}(.+)$`).exec(number);
      const tail = m?.[1];
      if (!tail || tail.length < 3 || !/^\+?\d+$/.test(tail)) continue;
      if (this.emergency.has(tail)) continue;
      readings.push({ ...this.digits(tail), number });
    }
    return riskiest(readings);
  }

  /** Classify a string of digits (possibly '+'-prefixed, possibly with '*'/'#' inside). */
  private digits(n: string): Omit<Classification, 'number'> {
    const plan = this.plan;
    if (n.startsWith('+')) {
      const e164 = n.slice(1);
      if (plan.countryCode && e164.startsWith(plan.countryCode)) {
        const nsn = e164.slice(plan.countryCode.length);
        const national = plan.countryCode === '1' ? '1' + nsn : plan.nationalPrefix + nsn;
        return this.digits(national);
      }
      return this.internationalCall(e164, n, 'E.164 number (+)');
    }
    for (const prefix of plan.internationalPrefixes) {
      if (prefix && n.startsWith(prefix) && n.length > prefix.length) {
        const rest = n.slice(prefix.length);
        if (plan.countryCode && plan.countryCode !== '1' && rest.startsWith(plan.countryCode)) {
          return { ...this.digits(plan.nationalPrefix + rest.slice(plan.countryCode.length)), note: 'own country code after the international prefix' };
        }
        return this.internationalCall(rest, n, `international prefix ${prefix}`);
      }
    }
    for (const carrier of this.carriers) {
      for (let len = Math.min(n.length - 1, 7); len >= 3; len--) {
        const head = n.slice(0, len);
        if (matchesPattern(carrier, head)) {
          const inner = this.digits(n.slice(len));
          return { ...inner, note: `${inner.note} (after carrier/CLI prefix ${head})` };
        }
      }
    }
    for (const r of this.rules) if (matchesPattern(r.compiled, n)) return { class: r.class, core: n, note: r.note, ...this.destinationOf(r, n) };
    if (plan.nationalPrefix && n.startsWith(plan.nationalPrefix) && n.length >= 6) return { class: 'national', core: n, note: 'trunk prefix' };
    const [min, max] = plan.localLengths;
    if (/^[2-9]\d*$/.test(n) && n.length >= min && n.length <= max && max > 0) return { class: 'local', core: n, note: 'local number length' };
    return { class: 'other', core: n, note: 'no numbering rule matched (short code or extension?)' };
  }

  /** NANP area codes of other countries: the destination is +1 NPA … */
  private destinationOf(r: NumberingRule, n: string): { destination?: string } {
    if (r.class !== 'international' || this.plan.countryCode !== '1') return {};
    return { destination: n.replace(/^1?/, '1') };
  }

  private internationalCall(destination: string, core: string, note: string): Omit<Classification, 'number'> {
    for (const r of this.international) {
      if (matchesPattern(r.compiled, destination)) return { class: r.class, core, note: r.note, destination };
    }
    return { class: 'international', core, note, destination };
  }
}

/** Strip a URI scheme, host and parameters, visual separators and a trailing '#' (the send key). */
export function normaliseNumber(input: string): string {
  let s = input.trim();
  s = s.replace(/^(sips?|tel):/i, '');
  s = s.split('@')[0] as string;
  s = s.split(';')[0] as string;
  try {
    s = decodeURIComponent(s);
  } catch {
    // keep as is
  }
  const stripped = s.replace(/[\s\-.()/]/g, '');
  if (/^\+?[0-9*#]+$/.test(stripped)) s = stripped;
  if (s.length > 1 && s.endsWith('#') && !/^[*#]/.test(s)) s = s.slice(0, -1);
  return s;
}

function riskiest(list: Classification[]): Classification {
  let best = list[0] as Classification;
  for (const c of list) if (CLASS_RISK[c.class] > CLASS_RISK[best.class]) best = c;
  return best;
}
