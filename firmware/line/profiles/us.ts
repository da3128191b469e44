/**
 * United States (NANP). Tones: precise tone plan (ANSI T1.401 / LSSGR), as compiled in ITU-T E.180
 * Suppl. 2: dial 350+440 Hz −13 dBm0 per tone, ringback 440+480 −19, busy and reorder 480+620 −24,
 * call waiting 440 Hz 300 ms, off-hook warning 1400+2060+2450+2600 Hz 0.1/0.1 s.
 * Ring: 20 Hz, 2 s on / 4 s off; distinctive ringing per Bellcore (dr2–dr4).
 */
import type { CountryProfile } from './types.js';
import { stutterString, tone } from './common.js';

export const US: CountryProfile = {
  code: 'us',
  name: 'United States',
  tones: {
    dial: tone('dial', '350+440', -13),
    ringback: tone('ringback', '440+480/2000,0/4000', -19),
    busy: tone('busy', '480+620/500,0/500', -24),
    reorder: tone('reorder', '480+620/250,0/250', -24),
    callWaiting: tone('callWaiting', '440/300,0/10000', -13),
    stutter: tone('stutter', stutterString('350+440'), -13),
    howler: tone('howler', '1400+2060+2450+2600/100,0/100', -10),
    confirm: tone('confirm', '!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100', -13),
  },
  ring: {
    frequencyHz: 20,
    voltage: 85,
    cadences: {
      default: [2000, 4000],
      'bellcore-dr2': [800, 400, 800, 4000],
      'bellcore-dr3': [400, 200, 400, 200, 800, 4000],
      'bellcore-dr4': [300, 200, 1000, 200, 300, 4000],
    },
  },
  // Common ATA default window; North American phones send ~300–700 ms flashes.
  flash: { minMs: 100, maxMs: 900 },
  callerId: { standard: 'bellcore', timing: 'after-first-ring' },
  emergencyNumbers: ['911'],
  internationalPrefix: '011',
  nationalPrefix: '1',
};
