/**
 * United Kingdom. Tones: BT SIN 350 (dial 350+440 Hz; ringing 400+450 Hz 0.4/0.2/0.4/2.0 s; busy
 * 400 Hz 0.375/0.375; congestion 400 Hz 0.4/0.35/0.225/0.525; call waiting 400 Hz 0.1/4.0; special
 * dial 350+440 then 440 alternating 0.75 s; confirmation 1400 Hz).
 * Levels are typical values, not checked against SIN 350.
 * Ring: 25 Hz, 0.4/0.2/0.4/2.0 s. Caller ID: SIN 227, line reversal + DT-AS + V.23 before ringing.
 */
import type { CountryProfile } from './types.js';
import { genericHowler, tone } from './common.js';

export const UK: CountryProfile = {
  code: 'uk',
  name: 'United Kingdom',
  tones: {
    dial: tone('dial', '350+440', -13),
    ringback: tone('ringback', '400+450/400,0/200,400+450/400,0/2000', -16),
    busy: tone('busy', '400/375,0/375', -13),
    reorder: tone('reorder', '400/400,0/350,400/225,0/525', -13),
    callWaiting: tone('callWaiting', '400/100,0/4000', -13),
    stutter: tone('stutter', '350+440/750,440/750', -13),
    howler: genericHowler(),
    confirm: tone('confirm', '1400', -13),
  },
  ring: { frequencyHz: 25, voltage: 75, cadences: { default: [400, 200, 400, 2000] } },
  // BT timed-break recall is ~100 ms; accept the longer flashes of imported phones too.
  flash: { minMs: 80, maxMs: 600 },
  callerId: { standard: 'uk-sin227', timing: 'before-ring-reversal' },
  emergencyNumbers: ['999', '112'],
  internationalPrefix: '00',
  nationalPrefix: '0',
};
