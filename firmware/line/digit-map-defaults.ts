/**
 * Default digit maps per country profile (syntax in digit-map.ts). Each one dials emergency and
 * fixed-length national numbers at once (`S0`), waits for the inter-digit timer (or `#`) on
 * variable-length ones, and ends with catch-alls (`x.T`, and star sequences) so that nothing a
 * user may need (PBX extensions, short codes) is refused: a map only makes dialling faster.
 * Local star codes (star-codes.ts) are recognised before the map is consulted.
 */
import type { CountryProfile } from './profiles/types.js';
import { DigitMap, compileDigitMap } from './digit-map.js';

export const DEFAULT_DIGIT_MAPS: Readonly<Record<string, string>> = Object.freeze({
  // NANP: 911 and N11 services; 1 + 10 digits and 10 digits (NXX-NXX-XXXX) at once; 011
  // international (variable); 2-digit vertical service codes; anything else after the timer.
  us: '(911S0|[2-8]11S0|1[2-9]xx[2-9]xxxxxxS0|[2-9]xx[2-9]xxxxxxS0|011x.T|*xx|x.T)',
  ca: '(911S0|[2-8]11S0|1[2-9]xx[2-9]xxxxxxS0|[2-9]xx[2-9]xxxxxxS0|011x.T|*xx|x.T)',
  // UK: 999 / 112; 0 + 10 digits at once (0 + 9-digit numbers wait for the timer); 00 international.
  uk: '(999S0|112S0|0[1-9]xxxxxxxxxS0|00x.T|*x.T|x.T)',
  // Germany: 110 / 112; numbers have variable length, so everything else waits for the timer.
  de: '(110S0|112S0|0[1-9]x.T|00x.T|*x.T|x.T)',
  // France: 15, 17, 18, 112, 114, 115, 119, 191, 196, 197; 0 + 9 digits at once.
  fr: '(1[578]S0|11[2459]S0|19[167]S0|0[1-9]xxxxxxxxS0|00x.T|*x.T|x.T)',
  // Japan: 110, 118, 119; 0A0 mobile/IP numbers (11 digits) at once; 010 international.
  jp: '(11[089]S0|0[789]0xxxxxxxxS0|010x.T|*x.T|x.T)',
  // Australia: 000, 112, 106; 0 + 9 digits; 1300/1800 + 6; 13 + 4; 0011 international.
  au: '(000S0|112S0|106S0|0[2-478]xxxxxxxxS0|1[38]00xxxxxxS0|13[1-9]xxxS0|0011x.T|*x.T|x.T)',
  // China: 110, 119, 120, 122; mobile 1[3-9] + 9 digits at once; fixed lines vary; 00 international.
  cn: '(11[09]S0|12[02]S0|1[3-9]xxxxxxxxxS0|00x.T|*x.T|x.T)',
});

/** A map for a profile without its own entry: its emergency numbers at once, anything else on the timer. */
export function genericDigitMapText(profile: Pick<CountryProfile, 'emergencyNumbers'>): string {
  const emergency = profile.emergencyNumbers.filter((n) => /^[0-9]+$/.test(n)).map((n) => `${n}S0`);
  return `(${[...emergency, '*x.T', 'x.T'].join('|')})`;
}

/** The default map text for a profile: its entry in DEFAULT_DIGIT_MAPS, else the generic one. */
export function defaultDigitMapText(profile: Pick<CountryProfile, 'code' | 'emergencyNumbers'>): string {
  const key = profile.code.toLowerCase();
  return Object.prototype.hasOwnProperty.call(DEFAULT_DIGIT_MAPS, key) ? DEFAULT_DIGIT_MAPS[key]! : genericDigitMapText(profile);
}

const compiled = new Map<string, DigitMap>();

/** The compiled default map for a profile (compiled once per map text). */
export function defaultDigitMap(profile: Pick<CountryProfile, 'code' | 'emergencyNumbers'>): DigitMap {
  const text = defaultDigitMapText(profile);
  let map = compiled.get(text);
  if (!map) {
    map = compileDigitMap(text);
    compiled.set(text, map);
  }
  return map;
}
