/**
 * Interop with baresip (a real SIP UA with real audio) through Kamailio: tipring calls baresip and
 * baresip calls tipring; each side hears the other's tone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { analyseTone } from '../../firmware/media/tone-analyser.js';
import { startBaresip, readWav } from './support/baresip.js';
import { startKamailio } from './support/kamailio.js';
import { startFirmware } from './support/firmware.js';
import { sleep, stopAll } from './support/processes.js';
import { near, parseReply, RigClient, toneOf, waitStatus } from './support/rig.js';

const t = suite('e2e: interop with baresip');
let rig: RigClient;
const KAM = 15760;

t.before(async () => {
  await startKamailio({ port: KAM, callerAuth: true });
  const fw = await startFirmware({ sipPort: 15770, registrarPort: KAM, rigBasePort: 17701, rtpMin: 27000 });
  rig = await RigClient.connect('127.0.0.1', fw.rigPorts[0]!);
  await waitStatus(rig, 'reg', 'registered', 15000);
});
t.after.each(async () => {
  await rig.send('HOOK ON').catch(() => {});
  await sleep(1200); // a real hang-up, longer than the flash window
});
t.after(async () => {
  await rig?.close();
  await stopAll();
});

/** Downsample by an integer factor (48 kHz → 8 kHz) with a crude average (enough for tone analysis). */
function to8k(s: Int16Array, rate: number): Int16Array {
  const f = Math.round(rate / 8000);
  if (f <= 1) return s;
  const out = new Int16Array(Math.floor(s.length / f));
  for (let i = 0; i < out.length; i++) {
    let acc = 0;
    for (let k = 0; k < f; k++) acc += s[i * f + k]!;
    out[i] = Math.round(acc / f);
  }
  return out;
}

t('tipring calls baresip: both directions carry audio', async () => {
  const bs = startBaresip({ user: '3000', password: 'pass3000', proxyPort: KAM, sipPort: 15791, toneHz: 440, seconds: 25 });
  await bs.proc.waitFor(/200 OK.*binding/, 10000);
  assert.match(await rig.send('HOOK OFF'), /^OK/);
  const dial = parseReply(await rig.send('LISTEN 300')); // like a person: wait for dial tone
  assert.ok(near(toneOf(dial), [350, 440]), JSON.stringify(dial));
  await rig.send('DIAL 3000#');
  await waitStatus(rig, 'line', 'connected', 10000);
  await sleep(500);
  const heard = parseReply(await rig.send('LISTEN 800'));
  assert.ok(near(toneOf(heard), [440], 3), `tipring heard from baresip: ${JSON.stringify(heard)}`);
  assert.match(await rig.send('TONE 1000 1500 -10'), /^OK/);
  await rig.send('HOOK ON');
  await bs.proc.stop('SIGINT');
  const wav = bs.recordings();
  assert.ok(wav.length > 0, 'baresip recorded the call');
  const { samples, sampleRate } = readWav(wav[0]!);
  // the phone's 1 kHz tone must be found in some 250 ms window of what baresip decoded
  const s8 = to8k(samples, sampleRate);
  const found: number[][] = [];
  for (let i = 0; i + 2000 <= s8.length; i += 1000) {
    const a = analyseTone(s8.subarray(i, i + 2000), 8000);
    if (!a.silence) found.push(a.frequencies);
  }
  assert.ok(found.some((fs) => fs.some((f) => Math.abs(f - 1000) <= 5)), `baresip heard ${JSON.stringify(found)} in ${wav[0]}`);
});

t('baresip calls tipring: the phone rings, answers, hears baresip; on-hook ends the call', async () => {
  const bs = startBaresip({ user: '3000', password: 'pass3000', proxyPort: KAM, sipPort: 15793, toneHz: 600, seconds: 25, commands: ['/dial sip:1000@lab.test'] });
  await rig.waitEvent(/EVT RING START/, 15000);
  assert.match(await rig.send('HOOK OFF'), /^OK/);
  await waitStatus(rig, 'line', 'connected', 5000);
  await sleep(500);
  const heard = parseReply(await rig.send('LISTEN 800'));
  assert.ok(near(toneOf(heard), [600], 3), `tipring heard: ${JSON.stringify(heard)}`);
  await sleep(1200);
  assert.match(await rig.send('HOOK ON'), /^OK/);
  await bs.proc.waitFor(/(closed|terminated|BYE|Call terminated)/i, 5000);
  await bs.proc.stop('SIGINT');
});

t.run();
