/**
 * The GPIO contract (hal/gpio.ts), written once and run against any GpioBackend.
 *
 * A target names an input pin and, when it can, a way to drive that input's physical level (the
 * simulator's driveInput, or on hardware a second GPIO wired to it). Checks that need the drive
 * are skipped (visibly) without it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { GpioBackend, GpioPin, GpioValue } from '../../../../hal/gpio.js';
import { expectHalError } from './support.js';

export interface GpioTarget {
  name: string;
  backend: GpioBackend;
  /** An input pin. */
  inputPin: number;
  /** A pin that may be driven as an output (nothing else may depend on it). */
  outputPin: number;
  /** Set the physical level on `inputPin` (loopback); undefined when the target cannot. */
  drive?: (level: GpioValue) => Promise<void>;
  /** The physical level of an output pin, when the target can see it. */
  physical?: (pin: number) => GpioValue;
  /** Let `ms` pass on the backend's clock (and let callbacks run). */
  wait(ms: number): Promise<void>;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

export function gpioConformance(t: GpioTarget): void {
  const s = suite(`gpio conformance: ${t.name}`);
  const opened: GpioPin[] = [];
  const open = async (...args: Parameters<GpioBackend['open']>): Promise<GpioPin> => {
    const p = await t.backend.open(...args);
    opened.push(p);
    return p;
  };
  s.before(async () => {
    await t.setup?.();
  });
  s.after.each(async () => {
    for (const p of opened.splice(0)) await p.close().catch(() => {});
    if (t.drive) await t.drive(0);
    await t.wait(5);
  });
  s.after(async () => {
    await t.teardown?.();
  });
  const withDrive = (name: string, fn: (drive: (l: GpioValue) => Promise<void>) => Promise<void>) => {
    if (t.drive) {
      const drive = t.drive;
      s(name, () => fn(drive));
    } else s.skip(`${name} (needs a loopback to drive the input)`, () => {});
  };

  s('an input reads 0 or 1; an output reads back what was written', async () => {
    const input = await open(t.inputPin, { direction: 'in' });
    assert.ok([0, 1].includes(await input.read()));
    const out = await open(t.outputPin, { direction: 'high' });
    assert.is(await out.read(), 1, 'opened high');
    await out.write(0);
    assert.is(await out.read(), 0);
    await out.write(1);
    assert.is(await out.read(), 1);
    const low = await (async () => {
      await out.close();
      opened.splice(opened.indexOf(out), 1);
      return open(t.outputPin, { direction: 'low' });
    })();
    assert.is(await low.read(), 0, 'opened low');
  });

  s('activeLow outputs: levels are logical (opened high reads 1; physically low where visible)', async () => {
    const out = await open(t.outputPin, { direction: 'high', activeLow: true });
    assert.is(await out.read(), 1, 'logical level as opened');
    if (t.physical) assert.is(t.physical(t.outputPin), 0, 'physically low');
    await out.write(0);
    assert.is(await out.read(), 0);
    if (t.physical) assert.is(t.physical(t.outputPin), 1, 'physically high');
  });

  withDrive('an input follows the driven level; activeLow inverts it', async (drive) => {
    const input = await open(t.inputPin, { direction: 'in' });
    await drive(1);
    await t.wait(2);
    assert.is(await input.read(), 1);
    await drive(0);
    await t.wait(2);
    assert.is(await input.read(), 0);
    await input.close();
    opened.splice(opened.indexOf(input), 1);
    const inverted = await open(t.inputPin, { direction: 'in', activeLow: true });
    assert.is(await inverted.read(), 1, 'physical 0 reads 1 when activeLow');
    await drive(1);
    await t.wait(2);
    assert.is(await inverted.read(), 0, 'physical 1 reads 0 when activeLow');
  });

  withDrive('watch callbacks are asynchronous: never inside the call that made the edge', async (drive) => {
    const input = await open(t.inputPin, { direction: 'in', edge: 'both' });
    const seen: GpioValue[] = [];
    input.watch((v) => seen.push(v));
    const pending = drive(1);
    assert.equal(seen, [], 'nothing delivered synchronously');
    await pending;
    await t.wait(20);
    assert.equal(seen, [1]);
  });

  for (const [edge, expected] of [
    ['rising', [1, 1]],
    ['falling', [0]],
    ['both', [1, 0, 1]],
    ['none', []],
  ] as const) {
    withDrive(`edge '${edge}' delivers exactly the selected edges`, async (drive) => {
      const input = await open(t.inputPin, { direction: 'in', edge });
      const seen: GpioValue[] = [];
      input.watch((v) => seen.push(v));
      for (const level of [1, 0, 1] as const) {
        await drive(level);
        await t.wait(20);
      }
      assert.equal(seen, [...expected]);
    });
  }

  withDrive('activeLow edges are logical: a physical fall is a rising edge', async (drive) => {
    await drive(1);
    await t.wait(5);
    const input = await open(t.inputPin, { direction: 'in', edge: 'rising', activeLow: true });
    const seen: GpioValue[] = [];
    input.watch((v) => seen.push(v));
    await drive(0);
    await t.wait(20);
    await drive(1);
    await t.wait(20);
    assert.equal(seen, [1]);
  });

  withDrive('debounce reports a bouncing input once, with its settled level', async (drive) => {
    const input = await open(t.inputPin, { direction: 'in', edge: 'both', debounceMs: 30 });
    const seen: GpioValue[] = [];
    input.watch((v) => seen.push(v));
    for (const level of [1, 0, 1, 0, 1] as const) {
      await drive(level);
      await t.wait(3);
    }
    assert.equal(seen, [], 'nothing before the level has been stable for debounceMs');
    await t.wait(60);
    assert.equal(seen, [1]);
    // a glitch shorter than the debounce time is not reported at all
    await drive(0);
    await t.wait(5);
    await drive(1);
    await t.wait(60);
    assert.equal(seen, [1]);
  });

  withDrive('unwatchAll stops delivery', async (drive) => {
    const input = await open(t.inputPin, { direction: 'in', edge: 'both' });
    const seen: GpioValue[] = [];
    input.watch((v) => seen.push(v));
    await drive(1);
    await t.wait(20);
    input.unwatchAll();
    await drive(0);
    await t.wait(20);
    assert.equal(seen, [1]);
  });

  s('a pin is busy while open, and free again after close', async () => {
    const first = await open(t.inputPin, { direction: 'in' });
    await expectHalError(() => t.backend.open(t.inputPin, { direction: 'in' }), 'busy', 'second open');
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const again = await open(t.inputPin, { direction: 'in' });
    assert.ok([0, 1].includes(await again.read()));
  });

  s('every call on a closed pin fails with closed', async () => {
    const pin = await t.backend.open(t.outputPin, { direction: 'out' });
    await pin.close();
    await expectHalError(() => pin.read(), 'closed', 'read');
    await expectHalError(() => pin.write(1), 'closed', 'write');
    await expectHalError(() => pin.watch(() => {}), 'closed', 'watch');
    await expectHalError(() => pin.unwatchAll(), 'closed', 'unwatchAll');
    await expectHalError(() => pin.close(), 'closed', 'second close');
  });

  s('bad arguments are refused with bad-argument', async () => {
    await expectHalError(() => t.backend.open(-1, { direction: 'in' }), 'bad-argument', 'pin -1');
    await expectHalError(() => t.backend.open(1.5, { direction: 'in' }), 'bad-argument', 'pin 1.5');
    await expectHalError(() => t.backend.open(t.inputPin, { direction: 'in', edge: 'sideways' as never }), 'bad-argument', 'edge');
    await expectHalError(() => t.backend.open(t.inputPin, { direction: 'in', debounceMs: -5 }), 'bad-argument', 'debounce');
    const input = await open(t.inputPin, { direction: 'in' });
    await expectHalError(() => input.write(1), 'bad-argument', 'write to an input');
    const out = await open(t.outputPin, { direction: 'out' });
    await expectHalError(() => out.write(2 as GpioValue), 'bad-argument', 'value 2');
  });

  s.run();
}
