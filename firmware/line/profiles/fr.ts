/**
 * France. Tones per ITU-T E.180 Suppl. 2: 440 Hz dial tone; ringback 1.5/3.5 s; busy 0.5/0.5;
 * congestion 0.25/0.25 (not specified there); call waiting 440 Hz 0.3 s every 10 s.
 * Levels are typical values. Ring: 50 Hz, 1.5/3.5 s. Caller ID: ETSI FSK (V.23) after the first ring.
 */
import type { CountryProfile } from './types.js';
import { genericHowler, stutterString, tone } from './common.js';

export const FR: CountryProfile = {
  code: 'fr',
  name: 'France',
  tones: {
    dial: tone('dial', '440', -13),
    ringback: tone('ringback', '440/1500,0/3500', -13),
    busy: tone('busy', '440/500,0/500', -13),
    reorder: tone('reorder', '440/250,0/250', -13),
    callWaiting: tone('callWaiting', '440/300,0/10000', -13),
    stutter: tone('stutter', stutterString('440'), -13),
    howler: genericHowler(),
  },
  ring: { frequencyHz: 50, voltage: 75, cadences: { default: [1500, 3500] } },
  // French phones flash ~270 ms.
  flash: { minMs: 80, maxMs: 600 },
  callerId: { standard: 'etsi-fsk', timing: 'after-first-ring' },
  emergencyNumbers: ['112', '15', '17', '18', '114', '115', '119', '191', '196', '197'],
  internationalPrefix: '00',
  nationalPrefix: '0',
};
