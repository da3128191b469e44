/** Country profiles by code. */
import { LocalError } from '../../core/errors.js';
import { AU } from './au.js';
import { CA } from './ca.js';
import { CN } from './cn.js';
import { DE } from './de.js';
import { FR } from './fr.js';
import { JP } from './jp.js';
import type { CountryProfile } from './types.js';
import { UK } from './uk.js';
import { US } from './us.js';

export const PROFILES: Readonly<Record<string, CountryProfile>> = Object.freeze({
  au: AU,
  ca: CA,
  cn: CN,
  de: DE,
  fr: FR,
  jp: JP,
  uk: UK,
  us: US,
});

/** Aliases accepted by getProfile (ISO 3166 uses 'gb' for the United Kingdom). */
const ALIASES: Readonly<Record<string, string>> = Object.freeze({ gb: 'uk' });

/** The profile for a country code (case-insensitive); throws LocalError 'unknown-profile'. */
export function getProfile(code: string): CountryProfile {
  const key = code.trim().toLowerCase();
  const resolved = ALIASES[key] ?? key;
  if (Object.prototype.hasOwnProperty.call(PROFILES, resolved)) return PROFILES[resolved] as CountryProfile;
  const known = Object.keys(PROFILES);
  throw new LocalError('unknown-profile', `unknown country profile '${code}' (known: ${known.join(', ')})`, {
    context: { code, known },
  });
}
