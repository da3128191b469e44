/** The Si321x register map and ringing arithmetic against datasheet numbers and known-good values. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DR, IR, IRQ2, LF, LINEFEED, PCM_MODE, RING_TRIP_TABLE, SPI_COMMAND } from '../../../firmware/line/slic/si321x/registers.js';
import { decodeIrq } from '../../../firmware/line/slic/si321x/interrupts.js';
import { lfCodeFor, lfOf, lfsOf, reg64Of } from '../../../firmware/line/slic/si321x/linefeed.js';
import {
  highBatteryCode,
  ringAmplitude,
  ringFrequencyFromCoefficient,
  ringOscCoefficient,
  ringTripSettings,
  ringVoltageFromRegisters,
} from '../../../firmware/line/slic/si321x/ringing.js';
import { debounceCode, loopCurrentCode } from '../../../firmware/line/slic/si321x/configure.js';

test('direct register addresses are the datasheet numbers', () => {
  assert.equal(
    [DR.SPI_MODE, DR.PCM_MODE, DR.PCM_TX_START_LO, DR.PCM_RX_START_HI, DR.AUDIO_LOOPBACK, DR.HYBRID, DR.POWER_DOWN_1],
    [0, 1, 2, 5, 8, 11, 14],
  );
  assert.equal([DR.IRQ_STATUS_1, DR.IRQ_STATUS_3, DR.IRQ_ENABLE_1, DR.IRQ_ENABLE_3], [18, 20, 21, 23]);
  assert.equal([DR.INDIRECT_DATA_LO, DR.INDIRECT_DATA_HI, DR.INDIRECT_ADDRESS, DR.INDIRECT_STATUS], [28, 29, 30, 31]);
  assert.equal([DR.RING_OSC_CONTROL, DR.RING_ACTIVE_TIMER_LO, DR.RING_INACTIVE_TIMER_HI], [34, 48, 51]);
  assert.equal([DR.LINEFEED, DR.LOOP_STATUS, DR.LOOP_DEBOUNCE, DR.RING_TRIP_DEBOUNCE, DR.LOOP_CURRENT_LIMIT], [64, 68, 69, 70, 71]);
  assert.equal([DR.VBAT_HIGH, DR.VBAT_LOW, DR.VBAT_SENSE_1, DR.DCDC_PWM_PERIOD, DR.DCDC_SWITCH_DELAY], [74, 75, 82, 92, 93]);
  assert.equal([DR.CALIBRATION_1, DR.CALIBRATION_2, DR.DCDC_PEAK_CAL, DR.ENHANCEMENT], [96, 97, 107, 108]);
  const addresses = Object.values(DR);
  assert.is(new Set(addresses).size, addresses.length, 'no two names share an address');
  assert.ok(addresses.every((a) => a <= SPI_COMMAND.ADDRESS_MASK));
});

test('indirect maps: Si3210 ringing at 19–22, Si3215 at 6–9; addresses unique per chip', () => {
  assert.equal([IR.RING_V_OFF.si3210, IR.RING_OSC.si3210, IR.RING_X.si3210, IR.RING_Y.si3210], [19, 20, 21, 22]);
  assert.equal([IR.RING_V_OFF.si3215, IR.RING_OSC.si3215, IR.RING_X.si3215, IR.RING_Y.si3215], [6, 7, 8, 9]);
  for (const family of ['si3210', 'si3215'] as const) {
    const a = Object.values(IR).map((r) => r[family]);
    assert.is(new Set(a).size, a.length, family);
  }
});

test('linefeed codes: reverse states are the forward ones with bit 2; LF/LFS packing', () => {
  assert.equal([LF.OPEN, LF.FORWARD_ACTIVE, LF.FORWARD_OHT, LF.RINGING, LF.REVERSE_ACTIVE, LF.REVERSE_OHT], [0, 1, 2, 4, 5, 6]);
  assert.is(LF.FORWARD_ACTIVE | LINEFEED.REVERSE_BIT, LF.REVERSE_ACTIVE);
  assert.is(LF.FORWARD_OHT | LINEFEED.REVERSE_BIT, LF.REVERSE_OHT);
  assert.is(reg64Of(LF.RINGING), 0x44);
  assert.is(lfOf(0x51), LF.FORWARD_ACTIVE);
  assert.is(lfsOf(0x51), LF.REVERSE_ACTIVE);
  assert.is(lfCodeFor('on-hook-transmission', 'reverse'), LF.REVERSE_OHT);
  assert.is(lfCodeFor('on-hook-transmission', 'forward'), LF.FORWARD_OHT);
  assert.is(PCM_MODE.PCM_ENABLE | (PCM_MODE.FORMAT_ULAW << PCM_MODE.FORMAT_SHIFT), 0x28, 'µ-law PCM as DAHDI writes it');
  assert.is(PCM_MODE.PCM_ENABLE | (PCM_MODE.FORMAT_ALAW << PCM_MODE.FORMAT_SHIFT), 0x20, 'A-law');
});

test('interrupt decoding: ring trip, loop closure, power alarms Q1..Q6', () => {
  const e = decodeIrq({ status1: 0, status2: IRQ2.RING_TRIP | IRQ2.LOOP_CLOSURE | 0x04 | 0x80, status3: 0 });
  assert.ok(e.ringTrip && e.loopClosure && e.any);
  assert.equal(e.powerAlarms, [1, 6]);
  assert.not.ok(decodeIrq({ status1: 0, status2: 0, status3: 0 }).any);
});

test('ring oscillator: the datasheet formula gives the 25 Hz coefficient DAHDI uses, and inverts', () => {
  assert.is(ringOscCoefficient(25), 0x7e6d, 'cos(2π·25/1000)·2^15');
  for (const f of [16.67, 20, 25, 50]) {
    const back = ringFrequencyFromCoefficient(ringOscCoefficient(f))!;
    assert.ok(Math.abs(back - f) < 0.02, `${f} Hz → ${back}`);
  }
  // DAHDI's "normal" 20 Hz setting: 0x7EF0 (about 20.5 Hz), 0x160 → about 64 V peak (its ~45 Vrms default).
  assert.ok(Math.abs(ringFrequencyFromCoefficient(0x7ef0)! - 20.5) < 0.1);
  assert.ok(Math.abs(ringVoltageFromRegisters(0x7ef0, 0x160)! - 64) < 1);
});

test('ring amplitude and battery: RNGX scales with voltage, VBATH leaves headroom, never below reset', () => {
  const x85 = ringAmplitude(20, 85);
  assert.ok(Math.abs(ringVoltageFromRegisters(ringOscCoefficient(20), x85)! - 85) < 0.2);
  assert.ok(ringAmplitude(25, 85) > x85, 'a higher frequency needs a larger RNGX for the same voltage');
  assert.is(highBatteryCode(85), 60, '90 V');
  assert.is(highBatteryCode(75), 54, '81 V');
  assert.is(highBatteryCode(50), 0x32, 'reset value (75 V) kept for low ring voltages');
  assert.is(highBatteryCode(120), 0x3f, 'capped at 94.5 V');
});

test('ring trip settings follow datasheet Table 30 by frequency', () => {
  assert.equal(ringTripSettings(20), { filter: 0x0320, debounce: 0x0b });
  assert.equal(ringTripSettings(25), { filter: 0x0320, debounce: 0x0b }, 'row at or below 25 Hz');
  assert.equal(ringTripSettings(50), { filter: 0x06a8, debounce: 0x05 });
  assert.equal(ringTripSettings(15), { filter: RING_TRIP_TABLE[0]!.filter, debounce: RING_TRIP_TABLE[0]!.debounce });
});

test('debounce and loop current codes', () => {
  assert.is(debounceCode(12.5), 0x0a, 'the reset value');
  assert.is(debounceCode(20), 16);
  assert.throws(() => debounceCode(500));
  assert.is(loopCurrentCode(20), 0);
  assert.is(loopCurrentCode(41), 7);
  assert.throws(() => loopCurrentCode(50));
});

test.run();
