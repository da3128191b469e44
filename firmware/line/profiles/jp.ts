/**
 * Japan (NTT). Tones: 400 Hz dial; ringback 400 Hz modulated by 16 Hz, 1/2 s; busy and congestion
 * 400 Hz 0.5/0.5; call waiting 400 Hz mod 16 Hz 0.5 s every 8 s. Levels are typical values.
 * Ring: 16 Hz, 1/2 s. Caller ID ("Number Display"): CAR signal, off-hook answer, V.23 FSK.
 */
import type { CountryProfile } from './types.js';
import { genericHowler, stutterString, tone } from './common.js';

export const JP: CountryProfile = {
  code: 'jp',
  name: 'Japan',
  tones: {
    dial: tone('dial', '400', -13),
    ringback: tone('ringback', '400*16/1000,0/2000', -13),
    busy: tone('busy', '400/500,0/500', -13),
    reorder: tone('reorder', '400/500,0/500', -13),
    callWaiting: tone('callWaiting', '400*16/500,0/8000', -13),
    stutter: tone('stutter', stutterString('400'), -13),
    howler: genericHowler(),
  },
  ring: {
    frequencyHz: 16,
    voltage: 75,
    cadences: { default: [1000, 2000], car: [500, 500] },
  },
  flash: { minMs: 100, maxMs: 900 },
  callerId: { standard: 'ntt', timing: 'car' },
  emergencyNumbers: ['110', '118', '119'],
  internationalPrefix: '010',
  nationalPrefix: '0',
};
