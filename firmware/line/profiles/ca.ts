/** Canada: NANP, same tone plan, ringing and caller ID as the United States. */
import type { CountryProfile } from './types.js';
import { US } from './us.js';

export const CA: CountryProfile = {
  ...US,
  code: 'ca',
  name: 'Canada',
  ring: { ...US.ring, cadences: { ...US.ring.cadences } },
  emergencyNumbers: ['911'],
};
