/**
 * Talk-off: false digits on ~10 minutes of the espeak-ng speech / music / noise corpus
 * (test/oracles/dtmf/talkoff-corpus.ts, generated into .cache/ on first run), through µ-law,
 * compared with spandsp's dtmf_rx on the same audio. `npm run bench` runs the full hour.
 * Skipped, visibly, when espeak-ng/sox (corpus) are missing; the spandsp comparison is skipped
 * when libspandsp-dev is missing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TALKOFF_PARTS, corpusUnavailable, loadPart } from '../../oracles/dtmf/talkoff-corpus.js';
import { throughLaw, tipringDetect } from '../../oracles/dtmf/mitel.js';
import { spandspBinary, spandspDetect } from '../../oracles/dtmf/spandsp-oracle.js';

/** Seconds of each part used here (~10.5 minutes in all). */
const SECONDS: Record<string, number> = { speech: 45, music: 60, sweep: 30, noise: 30 };

const missing = corpusUnavailable();
if (missing) console.log(`SKIP dtmf-talkoff: ${missing}`);
const spandsp = spandspBinary();
if (!spandsp.path) console.log(`SKIP dtmf-talkoff spandsp comparison: ${spandsp.reason}`);

if (!missing) {
  test('talk-off: no false digits on ~10 min of speech, music and noise; not more than spandsp', () => {
    let seconds = 0;
    let ours = 0;
    let theirs = 0;
    const where: string[] = [];
    for (const part of TALKOFF_PARTS) {
      const pcm = throughLaw(loadPart(part, SECONDS[part.kind]), 'u');
      seconds += pcm.length / 8000;
      const d = tipringDetect(pcm);
      ours += d.length;
      for (const x of d) where.push(`${part.name} '${x.digit}' at ${(x.sample / 8000).toFixed(2)} s`);
      if (spandsp.path) theirs += spandspDetect(pcm).length;
    }
    console.log(`  talk-off: ${(seconds / 60).toFixed(1)} min, tipring ${ours} false digits${spandsp.path ? `, spandsp ${theirs}` : ''}`);
    assert.ok(seconds >= 540, `corpus too short: ${seconds} s`);
    assert.is(ours, 0, where.join('; '));
    if (spandsp.path) assert.ok(ours <= theirs, `tipring ${ours} > spandsp ${theirs}`);
  });
}

test.run();
