/**
 * Board GPIO numbers (BCM numbers on a Raspberry Pi) to sysfs GPIO numbers. Since Linux 6.6 the
 * sysfs numbers of the SoC's GPIO controller no longer start at 0 (Pi 4: gpiochip512, Pi 5's RP1:
 * gpiochip571), and `onoff` only speaks sysfs numbers, so the controller's `base` is added.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Labels of the GPIO controller that carries the 40-pin header's BCM GPIOs. */
const HEADER_CONTROLLER = /^(pinctrl-bcm27\d\d|pinctrl-bcm2835|pinctrl-rp1)$/;

export interface GpioChipInfo {
  name: string;
  label: string;
  base: number;
  ngpio: number;
}

/** The gpiochips listed under a sysfs GPIO folder (`/sys/class/gpio`); [] if there is none. */
export async function listGpioChips(sysfsRoot: string): Promise<GpioChipInfo[]> {
  let names: string[];
  try {
    names = (await readdir(sysfsRoot)).filter((n) => /^gpiochip\d+$/.test(n));
  } catch {
    return [];
  }
  const chips: GpioChipInfo[] = [];
  for (const name of names) {
    const read = async (f: string) => (await readFile(path.join(sysfsRoot, name, f), 'utf8')).trim();
    try {
      chips.push({ name, label: await read('label'), base: Number(await read('base')), ngpio: Number(await read('ngpio')) });
    } catch {
      // a chip folder without the usual files: ignore it
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/**
 * The number to add to a board GPIO number to get its sysfs number: the base of the header's
 * controller when one is recognised, else 0 (older kernels, other boards: numbers are used as given).
 */
export async function sysfsGpioBase(sysfsRoot = '/sys/class/gpio'): Promise<number> {
  const chips = await listGpioChips(sysfsRoot);
  const header = chips.find((c) => HEADER_CONTROLLER.test(c.label));
  return header && Number.isInteger(header.base) ? header.base : 0;
}
