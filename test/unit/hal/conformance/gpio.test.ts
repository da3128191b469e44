/**
 * GPIO conformance: the simulated backend always; the onoff backend on a pretend sysfs (the
 * backend's own logic, no kernel); and the onoff backend on real GPIOs when named:
 *   TIPRING_TEST_GPIO_PIN=22            an input pin (BCM number) nothing else uses
 *   TIPRING_TEST_GPIO_LOOPBACK=27       optional: an output pin wired to it (enables edge tests)
 *   TIPRING_TEST_GPIO_OUTPUT=27         optional: a free pin for the output checks (default: LOOPBACK, else PIN+1)
 */
import { FakeClock } from '../../../../firmware/core/fake-clock.js';
import { createSystemClock } from '../../../../firmware/core/system-clock.js';
import { SimGpio } from '../../../../hal/sim/gpio-sim.js';
import { advanceAsync } from '../../../../hal/sim/drive-clock.js';
import { OnoffGpio } from '../../../../hal/real/gpio-onoff.js';
import type { GpioPin, GpioValue } from '../../../../hal/gpio.js';
import { gpioConformance } from './gpio-suite.js';
import { FakeSysfs } from './fake-onoff.js';
import { env, realWait, skipSuite } from './support.js';

{
  const clock = new FakeClock();
  const sim = new SimGpio({ clock });
  gpioConformance({
    name: 'sim',
    backend: sim,
    inputPin: 22,
    outputPin: 17,
    drive: async (level) => sim.driveInput(22, level),
    physical: (pin) => sim.outputValue(pin),
    wait: (ms) => advanceAsync(clock, ms),
  });
}

{
  // sysfs numbers start at 512, as on a Raspberry Pi 4 with Linux >= 6.6: the backend must add the base.
  const clock = new FakeClock();
  const sysfs = new FakeSysfs(512, 58);
  gpioConformance({
    name: 'onoff backend on a pretend sysfs (base 512)',
    backend: new OnoffGpio({ clock, sysfsBase: 512, load: async () => sysfs.module() }),
    inputPin: 22,
    outputPin: 17,
    drive: async (level) => sysfs.setLevel(512 + 22, level),
    physical: (pin) => sysfs.line(512 + pin).level,
    wait: (ms) => advanceAsync(clock, ms),
  });
}

const pinText = env('TIPRING_TEST_GPIO_PIN');
if (!pinText) {
  skipSuite('gpio conformance: onoff on real GPIO', 'set TIPRING_TEST_GPIO_PIN=<bcm> (and TIPRING_TEST_GPIO_LOOPBACK=<bcm wired to it>) to run on hardware');
} else {
  const inputPin = Number(pinText);
  const loopText = env('TIPRING_TEST_GPIO_LOOPBACK');
  const loopPin = loopText === undefined ? undefined : Number(loopText);
  const outputPin = Number(env('TIPRING_TEST_GPIO_OUTPUT') ?? loopPin ?? inputPin + 1);
  const backend = new OnoffGpio({ clock: createSystemClock() });
  let loop: GpioPin | undefined;
  const target = {
    name: `onoff on real GPIO ${inputPin}${loopPin !== undefined ? ` (looped from ${loopPin})` : ''}`,
    backend,
    inputPin,
    outputPin: loopPin !== undefined && outputPin === loopPin ? inputPin + 1 : outputPin,
    wait: realWait,
    ...(loopPin !== undefined
      ? {
          drive: async (level: GpioValue) => {
            await loop?.write(level);
          },
          setup: async () => {
            loop = await backend.open(loopPin, { direction: 'low' });
          },
          teardown: async () => {
            await loop?.close();
          },
        }
      : {}),
  };
  gpioConformance(target);
}
