import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IllegalTransitionError } from '../../../firmware/core/errors.js';
import { FakeClock } from '../../../firmware/core/fake-clock.js';
import { memoryLogger } from '../../../firmware/core/log.js';
import { Pump } from '../../../firmware/core/pump.js';
import { HookDetector, type HookDetectorOptions, type HookSignal } from '../../../firmware/line/hook-detector.js';

type Edge = [at: number, offHook: boolean];
interface Timed {
  at: number;
  signal: HookSignal;
}

/**
 * Feeds `edges` to a detector the way an adapter does: deadlines that fall strictly before an
 * edge run first (a deadline at the same instant loses to the edge), then deadlines up to `until`.
 */
function drive(edges: Edge[], until: number, options: HookDetectorOptions = {}): Timed[] {
  const det = new HookDetector(options);
  const out: Timed[] = [];
  const drain = (at: number) => {
    for (let s = det.poll(); s; s = det.poll()) out.push({ at, signal: s });
  };
  const runDeadlines = (limit: number, inclusive: boolean) => {
    for (let d = det.nextDeadline(); d !== undefined && (inclusive ? d <= limit : d < limit); d = det.nextDeadline()) {
      det.handleTimeout(d);
      drain(d);
    }
  };
  for (const [at, off] of edges) {
    runDeadlines(at, false);
    det.hookChanged(off, at);
    drain(at);
  }
  runDeadlines(until, true);
  return out;
}

const types = (ts: Timed[]) => ts.map((t) => t.signal.type);
const digitsOf = (ts: Timed[]) => ts.flatMap((t) => (t.signal.type === 'pulse-digit' ? [t.signal.digit] : [])).join('');

/** The edges of one rotary-dialled digit: `n` breaks of period*ratio with makes in between. */
function dialDigit(digit: string, start: number, pps: number, breakRatio: number): { edges: Edge[]; lastMake: number } {
  const n = digit === '0' ? 10 : Number(digit);
  const period = 1000 / pps;
  const brk = period * breakRatio;
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++) {
    edges.push([start + i * period, false], [start + i * period + brk, true]);
  }
  return { edges, lastMake: start + (n - 1) * period + brk };
}

/** Lift the handset at 0, then dial `number` with `pauseMs` between digits. */
function dialNumber(number: string, pps: number, breakRatio: number, pauseMs = 700) {
  const edges: Edge[] = [[0, true]];
  const lastMakes: number[] = [];
  let t = 1000;
  for (const d of number) {
    const one = dialDigit(d, t, pps, breakRatio);
    edges.push(...one.edges);
    lastMakes.push(one.lastMake);
    t = one.lastMake + pauseMs;
  }
  return { edges, lastMakes, end: t + 2000 };
}

test('clean off-hook and on-hook; on-hook only once flashMax has passed', () => {
  const got = drive([[0, true], [5000, false]], 10_000);
  assert.equal(got, [
    { at: 0, signal: { type: 'off-hook' } },
    { at: 5900, signal: { type: 'on-hook' } },
  ]);
});

test('on-hook is not reported before flashMax, and nextDeadline says when', () => {
  const det = new HookDetector({ flashMaxMs: 700 });
  det.hookChanged(true, 0);
  assert.equal(det.poll(), { type: 'off-hook' });
  det.hookChanged(false, 1000);
  assert.is(det.nextDeadline(), 1700);
  det.handleTimeout(1699);
  assert.is(det.poll(), undefined);
  assert.is(det.state, 'break');
  det.handleTimeout(1700);
  assert.equal(det.poll(), { type: 'on-hook' });
  assert.is(det.state, 'on-hook');
  assert.is(det.nextDeadline(), undefined);
});

const edgeCases: Array<{ breakMs: number; expect: string[]; flash?: number; onHookAt?: number }> = [
  { breakMs: 10, expect: ['off-hook'] }, // bounce below a pulse
  { breakMs: 99, expect: ['off-hook'] }, // between pulse and flash: ignored
  { breakMs: 100, expect: ['off-hook', 'flash'], flash: 100 },
  { breakMs: 500, expect: ['off-hook', 'flash'], flash: 500 },
  { breakMs: 900, expect: ['off-hook', 'flash'], flash: 900 },
  { breakMs: 901, expect: ['off-hook', 'on-hook', 'off-hook'], onHookAt: 1900 },
];
for (const k of edgeCases) {
  test(`a ${k.breakMs} ms break while off-hook: ${k.expect.slice(1).join(', ') || 'ignored'}`, () => {
    const got = drive([[0, true], [1000, false], [1000 + k.breakMs, true]], 5000);
    assert.equal(types(got), k.expect);
    if (k.flash !== undefined) {
      assert.equal(got[1], { at: 1000 + k.breakMs, signal: { type: 'flash', durationMs: k.flash } });
    }
    if (k.onHookAt !== undefined) assert.is(got[1]!.at, k.onHookAt);
  });
}

test('a single 50 ms break is one pulse: digit 1 once the make has lasted interDigit', () => {
  const got = drive([[0, true], [1000, false], [1050, true]], 5000);
  assert.equal(got[1], { at: 1350, signal: { type: 'pulse-digit', digit: '1' } });
  assert.is(got.length, 2);
});

for (const digit of '1234567890') {
  test(`10 pps, 60 % break: digit ${digit}`, () => {
    const { edges, lastMakes, end } = dialNumber(digit, 10, 0.6);
    const got = drive(edges, end);
    assert.equal(types(got), ['off-hook', 'pulse-digit']);
    assert.equal(got[1], { at: lastMakes[0]! + 300, signal: { type: 'pulse-digit', digit } });
  });
}

for (const pps of [8, 10, 12]) {
  for (const ratio of [0.55, 0.6, 0.7]) {
    test(`${pps} pps at ${ratio * 100} % break: every digit`, () => {
      const number = '1234567890';
      const { edges, end } = dialNumber(number, pps, ratio);
      const got = drive(edges, end);
      assert.is(digitsOf(got), number);
      assert.equal(types(got).filter((t) => t !== 'pulse-digit'), ['off-hook']);
    });
  }
}

test('mixed digits with inter-digit pauses come out in order, each after its own pause', () => {
  const number = '5550109';
  const { edges, lastMakes, end } = dialNumber(number, 10, 0.6, 450);
  const got = drive(edges, end);
  const digits = got.filter((t) => t.signal.type === 'pulse-digit');
  assert.is(digitsOf(got), number);
  assert.equal(digits.map((d) => d.at), lastMakes.map((t) => t + 300));
});

test('a pause shorter than interDigit merges two digits (that is what it means)', () => {
  const { edges, end } = dialNumber('23', 10, 0.6, 200);
  assert.is(digitsOf(drive(edges, end)), '5');
});

test('a bounce inside a digit is ignored and restarts the inter-digit wait', () => {
  // 3 pulses, then a 97 ms break (bounce), then 2 more pulses: 5 pulses in all.
  const a = dialDigit('3', 1000, 10, 0.6);
  const bounceAt = a.lastMake + 40;
  const b = dialDigit('2', bounceAt + 97 + 40, 10, 0.6);
  const edges: Edge[] = [[0, true], ...a.edges, [bounceAt, false], [bounceAt + 97, true], ...b.edges];
  const got = drive(edges, 6000);
  assert.is(digitsOf(got), '5');
  assert.is(got.find((t) => t.signal.type === 'pulse-digit')!.at, b.lastMake + 300);
});

test('a bounce shorter than a pulse (10 ms) inside a digit is ignored too', () => {
  const a = dialDigit('4', 1000, 10, 0.6);
  const glitch = a.lastMake + 20;
  const edges: Edge[] = [[0, true], ...a.edges, [glitch, false], [glitch + 10, true]];
  const got = drive(edges, 6000);
  assert.is(digitsOf(got), '4');
  assert.is(got[1]!.at, glitch + 10 + 300);
});

test('a flash right after pulses ends the digit first', () => {
  const a = dialDigit('7', 1000, 10, 0.6);
  const flashAt = a.lastMake + 40;
  const got = drive([[0, true], ...a.edges, [flashAt, false], [flashAt + 400, true]], 6000);
  assert.equal(got.slice(1), [
    { at: flashAt + 400, signal: { type: 'pulse-digit', digit: '7' } },
    { at: flashAt + 400, signal: { type: 'flash', durationMs: 400 } },
  ]);
});

test('hanging up in the middle of a digit drops the digit', () => {
  const a = dialDigit('6', 1000, 10, 0.6);
  const got = drive([[0, true], ...a.edges, [a.lastMake + 40, false]], 6000);
  assert.equal(types(got), ['off-hook', 'on-hook']);
  assert.is(got[1]!.at, a.lastMake + 40 + 900);
});

test('more than 10 pulses is not a digit: dropped with a warning', () => {
  const log = memoryLogger();
  const det = new HookDetector({ log });
  det.hookChanged(true, 0);
  let t = 1000;
  for (let i = 0; i < 11; i++) {
    det.hookChanged(false, t);
    det.hookChanged(true, t + 60);
    t += 100;
  }
  det.handleTimeout(t + 1000);
  assert.equal(det.poll(), { type: 'off-hook' });
  assert.is(det.poll(), undefined);
  assert.ok(log.records.some((r) => r.level === 'warn' && r.fields.pulses === 11));
});

test('late hook change: a deadline already past is handled before the change', () => {
  const det = new HookDetector();
  det.hookChanged(true, 0);
  det.hookChanged(false, 1000);
  det.hookChanged(true, 2500); // nobody called handleTimeout at 1900
  assert.equal([det.poll(), det.poll(), det.poll(), det.poll()], [{ type: 'off-hook' }, { type: 'on-hook' }, { type: 'off-hook' }, undefined]);
});

test('time never runs backwards: an earlier timestamp counts as the last one', () => {
  const det = new HookDetector();
  det.hookChanged(true, 1000);
  det.hookChanged(false, 2000);
  det.hookChanged(true, 1990); // treated as 2000: a 0 ms break, a bounce
  assert.equal([det.poll(), det.poll()], [{ type: 'off-hook' }, undefined]);
  assert.is(det.state, 'off-hook');
});

test('options: a shorter flash window turns a 700 ms break into a hang-up', () => {
  const got = drive([[0, true], [1000, false], [1700, true]], 5000, { flashMinMs: 200, flashMaxMs: 600 });
  assert.equal(types(got), ['off-hook', 'on-hook', 'off-hook']);
  assert.is(got[1]!.at, 1600);
  const flash = drive([[0, true], [1000, false], [1150, true]], 5000, { flashMinMs: 200, flashMaxMs: 600 });
  assert.equal(types(flash), ['off-hook'], '150 ms is below this flash window');
});

test('impossible events throw IllegalTransitionError', () => {
  const det = new HookDetector();
  assert.throws(() => det.hookChanged(false, 0), (e: unknown) => e instanceof IllegalTransitionError);
  det.hookChanged(true, 10);
  assert.throws(() => det.hookChanged(true, 20), (e: unknown) => e instanceof IllegalTransitionError);
  det.hookChanged(false, 30);
  assert.throws(() => det.hookChanged(false, 40), (e: unknown) => e instanceof IllegalTransitionError);
});

test('inconsistent options are refused', () => {
  assert.throws(() => new HookDetector({ pulseBreakMaxMs: 150, flashMinMs: 100 }), RangeError);
  assert.throws(() => new HookDetector({ flashMinMs: 950 }), RangeError);
});

test('driven by Pump on a FakeClock: dial 42, flash, hang up', () => {
  const clock = new FakeClock();
  const det = new HookDetector();
  const out: Timed[] = [];
  const pump = new Pump(clock, det, () => {
    for (let s = det.poll(); s; s = det.poll()) out.push({ at: clock.now(), signal: s });
  });
  const { edges, lastMakes } = dialNumber('42', 10, 0.6);
  const flashAt = lastMakes[1]! + 1000;
  const hangAt = flashAt + 3000;
  for (const [at, off] of [...edges, [flashAt, false], [flashAt + 300, true], [hangAt, false]] as Edge[]) {
    clock.at(at, () => {
      det.hookChanged(off, clock.now());
      pump.kick();
    });
  }
  clock.advanceTo(hangAt + 5000);
  assert.equal(out, [
    { at: 0, signal: { type: 'off-hook' } },
    { at: lastMakes[0]! + 300, signal: { type: 'pulse-digit', digit: '4' } },
    { at: lastMakes[1]! + 300, signal: { type: 'pulse-digit', digit: '2' } },
    { at: flashAt + 300, signal: { type: 'flash', durationMs: 300 } },
    { at: hangAt + 900, signal: { type: 'on-hook' } },
  ]);
});

test.run();
