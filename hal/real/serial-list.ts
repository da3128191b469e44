/**
 * Listing serial ports without udev: `serialport`'s Linux lister runs `udevadm info -e`, which is
 * missing in containers and minimal images. This fallback reads /dev: the stable names under
 * /dev/serial/by-id (USB adapters, RP2040/Arduino CDC-ACM boards) and the usual tty names.
 */
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { SerialPortInfo } from '../serial.js';

/** Device names that are serial ports worth listing (not the 32 legacy ttyS of a PC). */
const TTY = /^tty(USB|ACM|AMA|AMC|XRUSB|WCH)\d+$/;

/** `usb-Raspberry_Pi_Pico_E6614103E7-if00` → `Raspberry Pi`-ish manufacturer text (first word group). */
function manufacturerFromById(name: string): string | undefined {
  const m = /^usb-([^_]+(?:_[^_]+)?)_/.exec(name);
  return m ? (m[1] as string).replace(/_/g, ' ') : undefined;
}

export async function listSerialFromDev(devRoot = '/dev'): Promise<SerialPortInfo[]> {
  const found = new Map<string, SerialPortInfo>();
  const byId = path.join(devRoot, 'serial', 'by-id');
  try {
    for (const name of (await readdir(byId)).sort()) {
      let target: string;
      try {
        target = await realpath(path.join(byId, name));
      } catch {
        continue; // dangling link: the device went away
      }
      const info: SerialPortInfo = { path: target };
      const manufacturer = manufacturerFromById(name);
      if (manufacturer) info.manufacturer = manufacturer;
      found.set(target, info);
    }
  } catch {
    // no by-id folder: no USB serial devices (or no udev)
  }
  try {
    for (const name of (await readdir(devRoot)).sort()) {
      if (!TTY.test(name)) continue;
      const p = path.join(devRoot, name);
      if (!found.has(p)) found.set(p, { path: p });
    }
  } catch {
    // unreadable /dev: nothing more to add
  }
  return [...found.values()];
}
