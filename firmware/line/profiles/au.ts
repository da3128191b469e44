/**
 * Australia. Tones per ACIF S002: dial 413+438 Hz; ringback 413+438 Hz 0.4/0.2/0.4/2.0 s; busy
 * 425 Hz 0.375/0.375; congestion 425 Hz 0.375/0.375 with every other burst 10 dB lower; call
 * waiting 425 Hz 0.2/0.2/0.2/4.4; stutter 413+438 Hz 0.1/0.04; facility (confirmation) 425 Hz.
 * Levels are typical values. Ring: 25 Hz, 0.4/0.2/0.4/2.0 s plus S002's distinctive cadences.
 */
import type { CountryProfile } from './types.js';
import { genericHowler, tone } from './common.js';

export const AU: CountryProfile = {
  code: 'au',
  name: 'Australia',
  tones: {
    dial: tone('dial', '413+438', -13),
    ringback: tone('ringback', '413+438/400,0/200,413+438/400,0/2000', -13),
    busy: tone('busy', '425/375,0/375', -13),
    reorder: tone('reorder', '425/375,0/375,425@-23/375,0/375', -13),
    callWaiting: tone('callWaiting', '425/200,0/200,425/200,0/4400', -13),
    stutter: tone('stutter', '413+438/100,0/40', -13),
    howler: genericHowler(),
    confirm: tone('confirm', '425', -13),
  },
  ring: {
    frequencyHz: 25,
    voltage: 75,
    cadences: {
      default: [400, 200, 400, 2000],
      forwarded: [400, 400, 200, 200, 400, 1400],
      'selective-2': [400, 400, 200, 2000],
      'msn-1': [200, 200, 400, 2200],
      'selective-1': [400, 2600],
      'selective-3': [400, 400, 200, 400, 200, 1400],
      'msn-2': [200, 400, 200, 200, 400, 1600],
      'msn-3': [200, 400, 200, 400, 200, 1600],
    },
  },
  flash: { minMs: 80, maxMs: 600 },
  callerId: { standard: 'etsi-fsk', timing: 'after-first-ring' },
  emergencyNumbers: ['000', '112', '106'],
  internationalPrefix: '0011',
  nationalPrefix: '0',
};
