import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BELLCORE_CADENCES,
  DEFAULT_URN_CADENCES,
  bellcoreName,
  missingBellcoreCadences,
  parseAlertInfo,
  selectRingCadence,
  urnCadence,
} from '../../../firmware/line/alert-info.js';
import { PROFILES } from '../../../firmware/line/profiles/index.js';

const US = PROFILES['us']!.ring.cadences;
const DE = PROFILES['de']!.ring.cadences;

test('Bellcore cadences: GR-506 dr2-dr4 as in the US profile, dr5 a single splash', () => {
  assert.equal(BELLCORE_CADENCES['bellcore-dr1']!.cadence, [2000, 4000]);
  assert.equal(BELLCORE_CADENCES['bellcore-dr2']!.cadence, [800, 400, 800, 4000]);
  assert.equal(BELLCORE_CADENCES['bellcore-dr3']!.cadence, [400, 200, 400, 200, 800, 4000]);
  assert.equal(BELLCORE_CADENCES['bellcore-dr4']!.cadence, [300, 200, 1000, 200, 300, 4000]);
  assert.equal(BELLCORE_CADENCES['bellcore-dr5'], { cadence: [500], repeat: false, description: 'ring splash (one short ring)' });
  for (const name of ['bellcore-dr2', 'bellcore-dr3', 'bellcore-dr4']) assert.equal(US[name], BELLCORE_CADENCES[name]!.cadence, name);
  for (const [name, ring] of Object.entries(BELLCORE_CADENCES)) {
    if (ring.repeat) assert.is(ring.cadence.length % 2, 0, `${name}: on/off pairs`);
    assert.ok(ring.cadence.every((ms) => Number.isInteger(ms) && ms > 0), name);
  }
  // the GR-506 patterns keep the standard 6 s ring cycle
  for (const n of [1, 2, 3, 4]) assert.is(BELLCORE_CADENCES[`bellcore-dr${n}`]!.cadence.reduce((a, b) => a + b, 0), 6000, `dr${n}`);
});

test('missingBellcoreCadences: what a profile lacks, repeating ones only', () => {
  const us = missingBellcoreCadences(US);
  assert.equal(Object.keys(us).sort(), ['bellcore-r6', 'bellcore-r7', 'bellcore-r8']);
  const de = missingBellcoreCadences(DE);
  assert.equal(Object.keys(de).sort(), ['bellcore-dr2', 'bellcore-dr3', 'bellcore-dr4', 'bellcore-r6', 'bellcore-r7', 'bellcore-r8']);
  assert.equal(de['bellcore-dr3'], [400, 200, 400, 200, 800, 4000]);
  // a copy, not the table itself
  de['bellcore-dr3']!.push(1);
  assert.equal(BELLCORE_CADENCES['bellcore-dr3']!.cadence, [400, 200, 400, 200, 800, 4000]);
});

test('parseAlertInfo: the forms providers send', () => {
  const v = parseAlertInfo([
    '<http://127.0.0.1/Bellcore-dr2>',
    '<http://www.notused.com>;info=alert-internal;x-line-id=0, <urn:alert:service:call-waiting>',
    'info=Bellcore-dr3',
    'Bellcore-dr4',
    '<file://Bellcore-r4>',
  ]);
  assert.is(v.length, 6);
  assert.is(v[0]!.uri, 'http://127.0.0.1/Bellcore-dr2');
  assert.is(v[1]!.params.get('info'), 'alert-internal');
  assert.is(v[1]!.params.get('x-line-id'), '0');
  assert.is(v[2]!.uri, 'urn:alert:service:call-waiting');
  assert.is(v[3]!.uri, null);
  assert.is(v[3]!.params.get('info'), 'Bellcore-dr3');
  assert.is(v[4]!.uri, 'Bellcore-dr4');
  assert.is(v[5]!.uri, 'file://Bellcore-r4');
  // garbage elements are dropped, never thrown
  assert.equal(parseAlertInfo(['<unterminated', ';;;', '"quoted"', '<x>;=bad']), []);
  assert.equal(parseAlertInfo(undefined), []);
});

test('bellcoreName and urnCadence', () => {
  assert.is(bellcoreName('Bellcore-dr2'), 'bellcore-dr2');
  assert.is(bellcoreName('http://10.0.0.1/ring/BELLCORE-DR3'), 'bellcore-dr3');
  assert.is(bellcoreName('file://Bellcore-r4'), 'bellcore-dr4');
  assert.is(bellcoreName('http://x/Bellcore-r7.wav'), 'bellcore-r7');
  assert.is(bellcoreName('Bellcore-dr1'), 'default');
  assert.is(bellcoreName('Bellcore-dr7'), undefined);
  assert.is(bellcoreName('Bellcore-r9'), undefined);
  assert.is(bellcoreName('http://x/ring2.wav'), undefined);
  assert.is(urnCadence('urn:alert:source:internal'), 'bellcore-dr2');
  assert.is(urnCadence('URN:ALERT:PRIORITY:HIGH'), 'bellcore-dr4');
  assert.is(urnCadence('urn:alert:service:recall:callback'), 'bellcore-dr3');
  // private extensions are dropped back to the standard prefix (RFC 7462 §7)
  assert.is(urnCadence('urn:alert:source:internal:vip@example.com'), 'bellcore-dr2');
  assert.is(urnCadence('urn:alert:source@example.com:vip'), undefined);
  assert.is(urnCadence('urn:alert:service:call-waiting'), undefined);
  assert.is(urnCadence('urn:other:source:internal'), undefined);
  assert.is(urnCadence('urn:alert:source:internal', { ...DEFAULT_URN_CADENCES, 'source:internal': 'custom' }), 'custom');
});

// [Alert-Info header lines, profile cadences, expected cadence name]
const TABLE: Array<[string | string[] | undefined, Record<string, readonly number[]>, string]> = [
  [undefined, US, 'default'],
  ['', US, 'default'],
  ['<http://127.0.0.1/Bellcore-dr2>', US, 'bellcore-dr2'],
  ['<Bellcore-dr3>', US, 'bellcore-dr3'],
  ['<bellcore-dr2>', US, 'bellcore-dr2'],
  ['info=Bellcore-dr3', US, 'bellcore-dr3'],
  ['<http://www.notused.com>;info=Bellcore-dr4', US, 'bellcore-dr4'],
  ['<file://Bellcore-r4>', US, 'bellcore-dr4'],
  ['<Bellcore-dr1>', US, 'default'],
  ['<Bellcore-dr5>', US, 'bellcore-dr5'],
  ['<http://x>;info=alert-internal', US, 'bellcore-dr2'],
  ['<http://x>;info=alert-external', US, 'default'],
  ['<http://x>;info="alert-internal"', US, 'bellcore-dr2'],
  ['<urn:alert:source:internal>', US, 'bellcore-dr2'],
  ['<urn:alert:service:forward>', US, 'bellcore-dr3'],
  ['<urn:alert:priority:high>', US, 'bellcore-dr4'],
  // call-waiting is about ringback; the next value decides
  ['<urn:alert:service:call-waiting>, <urn:alert:source:internal>', US, 'bellcore-dr2'],
  // first usable value wins, across header lines
  [['<http://x/unknown.wav>', '<Bellcore-dr3>, <Bellcore-dr2>'], US, 'bellcore-dr3'],
  // a profile without the cadence gets the Bellcore table's
  ['<Bellcore-dr2>', DE, 'bellcore-dr2'],
  ['<Bellcore-r8>', US, 'bellcore-r8'],
  ['<http://x/ring.wav>', US, 'default'],
  ['garbage <<<', US, 'default'],
];

test('selectRingCadence: table', () => {
  for (const [header, cadences, name] of TABLE) {
    const r = selectRingCadence(header, cadences);
    assert.is(r.name, name, JSON.stringify(header));
    const expected = Object.prototype.hasOwnProperty.call(cadences, name) ? cadences[name] : BELLCORE_CADENCES[name]!.cadence;
    assert.equal(r.cadence, expected, JSON.stringify(header));
  }
});

test('selectRingCadence: details', () => {
  const de = selectRingCadence('<Bellcore-dr2>', DE, { bellcoreFallback: false });
  assert.equal(de, { name: 'default', cadence: [1000, 4000], repeat: true });
  const splash = selectRingCadence('<Bellcore-dr5>', US);
  assert.equal(splash, { name: 'bellcore-dr5', cadence: [500], repeat: false, matched: '<Bellcore-dr5>' });
  const own = selectRingCadence('<http://x>;info=alert-internal;x-line-id=0', US);
  assert.is(own.repeat, true);
  assert.is(own.matched, '<http://x>;info=alert-internal;x-line-id=0');
  // a profile-defined cadence name can be chosen with a custom info table
  const au = selectRingCadence('<http://x>;info=Forwarded', PROFILES['au']!.ring.cadences, { info: { forwarded: 'forwarded' } });
  assert.equal(au.name, 'forwarded');
  assert.equal(au.cadence, [400, 400, 200, 200, 400, 1400]);
  // an unknown name in the table that is neither in the profile nor Bellcore falls through
  assert.is(selectRingCadence('<http://x>;info=vip', US, { info: { vip: 'nope' } }).name, 'default');
});

test.run();
