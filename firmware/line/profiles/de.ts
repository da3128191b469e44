/**
 * Germany. Tones per ITU-T E.180 Suppl. 2 (425 Hz family): dial continuous; ringback 1/4 s; busy
 * 0.48/0.48; congestion 0.24/0.24; call waiting 0.2/0.2/0.2/5.0; special dial tone 425+400 Hz.
 * Levels are typical values. Ring: 25 Hz, 1/4 s. Caller ID: ETSI FSK (V.23) between the first
 * and second ring.
 */
import type { CountryProfile } from './types.js';
import { genericHowler, tone } from './common.js';

export const DE: CountryProfile = {
  code: 'de',
  name: 'Germany',
  tones: {
    dial: tone('dial', '425', -13),
    ringback: tone('ringback', '425/1000,0/4000', -13),
    busy: tone('busy', '425/480,0/480', -13),
    reorder: tone('reorder', '425/240,0/240', -13),
    callWaiting: tone('callWaiting', '425/200,0/200,425/200,0/5000', -13),
    stutter: tone('stutter', '425+400', -13),
    howler: genericHowler(),
  },
  ring: { frequencyHz: 25, voltage: 75, cadences: { default: [1000, 4000] } },
  // Timed-break recall ("R" key) is ~80–120 ms on German phones.
  flash: { minMs: 80, maxMs: 600 },
  callerId: { standard: 'etsi-fsk', timing: 'after-first-ring' },
  emergencyNumbers: ['112', '110'],
  internationalPrefix: '00',
  nationalPrefix: '0',
};
