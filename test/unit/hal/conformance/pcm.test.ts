/**
 * PCM conformance: the simulated bus always (on a FakeClock); the ALSA backend driving stand-ins
 * for arecord/aplay (test/fixtures/hal/fake-alsa: real child processes and pipes, a paced ramp
 * as the "card"); and the ALSA backend on a real card when named:
 *   TIPRING_TEST_PCM=plughw:1,0     a capture+playback device nothing else uses (needs alsa-utils)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeClock } from '../../../../firmware/core/fake-clock.js';
import { createSystemClock } from '../../../../firmware/core/system-clock.js';
import { advanceAsync } from '../../../../hal/sim/drive-clock.js';
import { SimPcm } from '../../../../hal/sim/pcm-sim.js';
import { AlsaPcm } from '../../../../hal/real/pcm-alsa.js';
import { pcmConformance } from './pcm-suite.js';
import { env, realUntil, repoRoot, skipSuite } from './support.js';

{
  const clock = new FakeClock();
  const pcm = new SimPcm({ clock });
  let sample = 0;
  const played: number[] = [];
  pcm.attach('sim', 0, {
    capture(out) {
      for (let i = 0; i < out.length; i++) {
        out[i] = sample;
        sample = sample === 32767 ? -32768 : sample + 1;
      }
    },
    playout(frame) {
      played.push(...frame);
    },
  });
  pcmConformance({
    name: 'sim (ramp line model)',
    backend: {
      open: (device, options) => {
        played.length = 0;
        return pcm.open(device, options);
      },
    },
    device: 'sim',
    channel: 0,
    absentDevice: 'nosuch',
    until: async (cond, ms) => {
      for (let t = 0; t < ms && !cond(); t += 5) await advanceAsync(clock, 5);
      return cond();
    },
    spacingToleranceMs: 0,
    captureIsRamp: true,
    played: () => Int16Array.from(played),
  });
}

{
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-alsa-'));
  const out = path.join(dir, 'played.raw');
  process.env['TIPRING_FAKE_APLAY_OUT'] = out;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const tools = path.join(repoRoot(), 'test/fixtures/hal/fake-alsa');
  pcmConformance({
    name: 'alsa backend driving stand-in arecord/aplay processes',
    backend: new AlsaPcm({
      clock: createSystemClock(),
      arecord: [process.execPath, path.join(tools, 'arecord.mjs')],
      aplay: [process.execPath, path.join(tools, 'aplay.mjs')],
      openTimeoutMs: 15_000, // a node process standing in for arecord starts slowly on a busy machine
    }),
    device: 'fake:card0',
    channel: 0,
    absentDevice: 'fake:missing',
    until: realUntil,
    // child-process pipes on a loaded CI machine: the mean spacing over 50 periods stays within 2 ms
    spacingToleranceMs: 2,
    captureIsRamp: true,
    played: () => {
      if (!existsSync(out)) return new Int16Array(0);
      const b = readFileSync(out);
      return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.length & ~1)));
    },
  });
}

const card = env('TIPRING_TEST_PCM');
if (!card) {
  skipSuite('pcm conformance: ALSA on a real card', 'set TIPRING_TEST_PCM=plughw:<card>,<device> to run on a sound card (needs alsa-utils)');
} else {
  pcmConformance({
    name: `ALSA ${card}`,
    backend: new AlsaPcm({ clock: createSystemClock() }),
    device: card,
    channel: 0,
    absentDevice: 'hw:31,0',
    until: realUntil,
    spacingToleranceMs: 1,
    captureIsRamp: false,
  });
}
