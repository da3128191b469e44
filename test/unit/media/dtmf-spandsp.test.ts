/**
 * Cross-check with spandsp (Debian libspandsp-dev, built on demand into .cache/): spandsp's
 * dtmf_rx decodes every digit our generator makes, and our detector decodes spandsp's dtmf_tx.
 * Skipped, visibly, when spandsp is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DTMF_KEYS } from '../../../firmware/media/dtmf.js';
import { DtmfGenerator } from '../../../firmware/media/dtmf-generator.js';
import { throughLaw, tipringDetect } from '../../oracles/dtmf/mitel.js';
import { spandspBinary, spandspDetect, spandspGenerate } from '../../oracles/dtmf/spandsp-oracle.js';

const bin = spandspBinary();
if (!bin.path) console.log(`SKIP dtmf-spandsp: ${bin.reason}`);

if (bin.path) {
  test('spandsp dtmf_rx decodes our generator: 50/50 ms, −3 … −36 dBm0, µ-law and A-law', () => {
    for (const law of ['u', 'a'] as const) {
      for (const level of [-3, -10, -20, -30, -36]) {
        const g = new DtmfGenerator({ levelDbm0: level });
        g.queue(DTMF_KEYS + DTMF_KEYS, 50, 50);
        const pcm = new Int16Array(32 * 800 + 400);
        g.fill(pcm);
        const got = spandspDetect(throughLaw(pcm, law)).map((d) => d.digit).join('');
        assert.is(got, DTMF_KEYS + DTMF_KEYS, `${law} ${level} dBm0`);
      }
    }
  });

  test("our detector decodes spandsp's dtmf_tx: 50/50 ms, −3 … −36 dBm0, twist, µ-law and A-law", () => {
    for (const law of ['u', 'a'] as const) {
      for (const [level, twist] of [[-3, 0], [-10, 0], [-20, 0], [-30, 0], [-36, 0], [-10, -8], [-12, 4]] as const) {
        const pcm = spandspGenerate(DTMF_KEYS, level, twist, 50, 50);
        assert.ok(pcm.length >= 16 * 800, `spandsp made ${pcm.length} samples`);
        const got = tipringDetect(throughLaw(pcm, law)).map((d) => d.digit).join('');
        assert.is(got, DTMF_KEYS, `${law} ${level} dBm0 twist ${twist}`);
      }
    }
  });
}

test.run();
