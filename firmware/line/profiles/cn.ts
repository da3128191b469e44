/**
 * China. Tones per ITU-T E.180 Suppl. 2 (450 Hz family): dial continuous; ringback 1/4 s; busy
 * 0.35/0.35; congestion 0.7/0.7; call waiting 0.4/4.0. Special dial tone is not specified there
 * (450+425 Hz used here). Levels are typical values. Ring: 25 Hz, 1/4 s. Caller ID: Bell 202 FSK
 * after the first ring, as in North America.
 */
import type { CountryProfile } from './types.js';
import { genericHowler, tone } from './common.js';

export const CN: CountryProfile = {
  code: 'cn',
  name: 'China',
  tones: {
    dial: tone('dial', '450', -13),
    ringback: tone('ringback', '450/1000,0/4000', -13),
    busy: tone('busy', '450/350,0/350', -13),
    reorder: tone('reorder', '450/700,0/700', -13),
    callWaiting: tone('callWaiting', '450/400,0/4000', -13),
    stutter: tone('stutter', '450+425', -13),
    howler: genericHowler(),
  },
  ring: { frequencyHz: 25, voltage: 75, cadences: { default: [1000, 4000] } },
  flash: { minMs: 80, maxMs: 900 },
  callerId: { standard: 'bellcore', timing: 'after-first-ring' },
  emergencyNumbers: ['110', '119', '120', '122'],
  internationalPrefix: '00',
  nationalPrefix: '0',
};
