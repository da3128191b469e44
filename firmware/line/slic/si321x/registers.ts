/**
 * Silicon Labs Si3210/Si3215 ProSLIC register map, as typed constants. Addresses are apart from
 * field masks and named values; the driver uses nothing but these names.
 *
 * Sources (facts only): Si3210/Si3211 and Si3215 datasheets (register descriptions, Table 29/30
 * ring-trip values, section 2.1.5 power monitoring), Silicon Labs AN35 (initialisation order), and
 * the register usage of DAHDI's `proslic.h`/`wctdm.c` where the datasheet text was not at hand
 * (noted per item).
 *
 * SPI framing: every byte is its own chip-select frame. A register access is a command byte
 * (bit 7 = read, bits 6:0 = address) followed by one data byte, written by the host or driven by
 * the chip.
 */

export const SPI_COMMAND = {
  READ: 0x80,
  WRITE: 0x00,
  ADDRESS_MASK: 0x7f,
} as const;

/** SPI mode: clock idles high, data sampled on the rising edge (CPOL = 1, CPHA = 1). */
export const PROSLIC_SPI_MODE = 3;

/** Direct register addresses (decimal, as the datasheet numbers them). */
export const DR = {
  SPI_MODE: 0, // revision, part number, daisy chain
  PCM_MODE: 1,
  PCM_TX_START_LO: 2,
  PCM_TX_START_HI: 3,
  PCM_RX_START_LO: 4,
  PCM_RX_START_HI: 5,
  /** DIO on the Si3210; part identification on the Si3215 family. */
  PART_ID: 6,
  AUDIO_LOOPBACK: 8,
  AUDIO_GAIN: 9,
  LINE_IMPEDANCE: 10,
  HYBRID: 11,
  POWER_DOWN_1: 14,
  POWER_DOWN_2: 15,
  IRQ_STATUS_1: 18,
  IRQ_STATUS_2: 19,
  IRQ_STATUS_3: 20,
  IRQ_ENABLE_1: 21,
  IRQ_ENABLE_2: 22,
  IRQ_ENABLE_3: 23,
  INDIRECT_DATA_LO: 28,
  INDIRECT_DATA_HI: 29,
  INDIRECT_ADDRESS: 30,
  INDIRECT_STATUS: 31,
  RING_OSC_CONTROL: 34,
  RING_ACTIVE_TIMER_LO: 48,
  RING_ACTIVE_TIMER_HI: 49,
  RING_INACTIVE_TIMER_LO: 50,
  RING_INACTIVE_TIMER_HI: 51,
  LINEFEED: 64,
  BIAS: 65,
  BATTERY_FEED: 66,
  AUTO_MANUAL: 67,
  LOOP_STATUS: 68,
  LOOP_DEBOUNCE: 69,
  RING_TRIP_DEBOUNCE: 70,
  LOOP_CURRENT_LIMIT: 71,
  ON_HOOK_VOLTAGE: 72,
  COMMON_MODE_VOLTAGE: 73,
  VBAT_HIGH: 74,
  VBAT_LOW: 75,
  LOOP_VOLTAGE_SENSE: 78,
  LOOP_CURRENT_SENSE: 79,
  TIP_VOLTAGE_SENSE: 80,
  RING_VOLTAGE_SENSE: 81,
  VBAT_SENSE_1: 82,
  VBAT_SENSE_2: 83,
  DCDC_PWM_PERIOD: 92,
  DCDC_SWITCH_DELAY: 93,
  CALIBRATION_1: 96,
  CALIBRATION_2: 97,
  DCDC_PEAK_CAL: 107,
  ENHANCEMENT: 108,
} as const;
export type DirectRegister = (typeof DR)[keyof typeof DR];

/** Register 0: SPI mode select / chip revision. */
export const SPI_MODE = {
  REVISION_MASK: 0x0f,
  /** Si3210 family part number (00 = Si3210, 01 = Si3211, 10 = Si3212, 11 = Si3210M). */
  PART_MASK: 0x30,
  PART_SHIFT: 4,
  DAISY_CHAIN: 0x80,
  /** A revision nibble of 0 or 0xF means nothing answered (bus floating low or high). */
  REVISION_NONE_LOW: 0x0,
  REVISION_NONE_HIGH: 0xf,
  /** Revisions A and B (1) are too old to run (DAHDI refuses them too). */
  REVISION_MIN: 2,
} as const;

/** Register 1: PCM mode select. */
export const PCM_MODE = {
  /** Read-only: set on the Si3215/Si3216 family, clear on the Si3210 family. */
  FAMILY_3215: 0x80,
  PCM_ENABLE: 0x20,
  FORMAT_MASK: 0x18,
  FORMAT_SHIFT: 3,
  FORMAT_ALAW: 0,
  FORMAT_ULAW: 1,
  FORMAT_LINEAR16: 3,
} as const;

/** Register 6 on the Si3215 family: part number in bits 7:5. */
export const PART_ID = {
  MASK: 0xe0,
  SI3215: 0x00,
  SI3215M: 0x60,
  SI3216: 0x80,
  SI3216M: 0xe0,
} as const;

/** PCM start counts are 10-bit PCLK counts from FSYNC: 8 per byte-wide timeslot. */
export const PCM_START = {
  BITS_PER_SLOT: 8,
  LO_MASK: 0xff,
  HI_MASK: 0x03,
  HI_SHIFT: 8,
  MAX: 0x3ff,
} as const;

export const AUDIO_LOOPBACK = {
  /** Reset value (digital loopback): a sanity check that the chip answers. */
  RESET: 0x02,
  /** Normal operation: no loopback. */
  NONE: 0x00,
} as const;

export const HYBRID = { RESET: 0x33 } as const;

/** Register 14: power-down control 1. */
export const POWER_DOWN_1 = {
  /** DC-DC converter powered down. */
  DCDC_OFF: 0x10,
  ALL_ON: 0x00,
} as const;

/** Register 18: interrupt status 1 (oscillator and ringing timers). */
export const IRQ1 = {
  OSC1_ACTIVE: 0x01,
  OSC1_INACTIVE: 0x02,
  OSC2_ACTIVE: 0x04,
  OSC2_INACTIVE: 0x08,
  RING_ACTIVE: 0x10,
  RING_INACTIVE: 0x20,
  PULSE_ACTIVE: 0x40,
  PULSE_INACTIVE: 0x80,
} as const;

/** Register 19: interrupt status 2 (ring trip, loop closure, transistor power alarms Q1..Q6). */
export const IRQ2 = {
  RING_TRIP: 0x01,
  LOOP_CLOSURE: 0x02,
  POWER_ALARM_Q1: 0x04,
  POWER_ALARM_SHIFT: 2,
  POWER_ALARM_MASK: 0xfc,
  TRANSISTORS: 6,
} as const;

/** Register 20: interrupt status 3. */
export const IRQ3 = {
  DTMF: 0x01,
  INDIRECT_DONE: 0x02,
  CM_BALANCE: 0x04,
} as const;

/** Status bits are cleared by writing 1s back. */
export const IRQ_CLEAR_ALL = 0xff;
export const IRQ_NONE = 0x00;

/** Register 31: indirect access status. */
export const INDIRECT_STATUS = { BUSY: 0x01 } as const;

/**
 * Register 34: ringing oscillator control (datasheet Table 28: TSWS, RVO, ROE, RTIE, RTAE).
 * HOST_CADENCE (all clear) = sinusoid, no DC offset, no cadence timers: the oscillator runs while
 * the linefeed is in the ringing state, so the cadence is the host's.
 */
export const RING_OSC_CONTROL = {
  TRAPEZOID: 0x01,
  DC_OFFSET: 0x02,
  OSC_ENABLE: 0x04,
  INACTIVE_TIMER_ENABLE: 0x08,
  ACTIVE_TIMER_ENABLE: 0x10,
  HOST_CADENCE: 0x00,
} as const;

/** Registers 48–51: ringing cadence timers, 8 kHz samples per LSB (unused: host cadence). */
export const RING_TIMER = { OFF: 0x00 } as const;

/** Register 64: linefeed control. LF (bits 2:0) is written; LFS (bits 6:4) reads the actual state. */
export const LINEFEED = {
  LF_MASK: 0x07,
  LFS_MASK: 0x70,
  LFS_SHIFT: 4,
  /** Set in every reverse-polarity state (DAHDI SLIC_LF_REVMASK). */
  REVERSE_BIT: 0x04,
} as const;

export const LF = {
  OPEN: 0,
  FORWARD_ACTIVE: 1,
  FORWARD_OHT: 2,
  TIP_OPEN: 3,
  RINGING: 4,
  REVERSE_ACTIVE: 5,
  REVERSE_OHT: 6,
  RING_OPEN: 7,
} as const;
export type LfCode = (typeof LF)[keyof typeof LF];

/**
 * Register 67: automatic/manual control. Bit 0 (AOPN) makes the chip open the line by itself on a
 * power alarm (Silicon Labs power-monitoring app note); bit 3 is automatic battery switching, which
 * DAHDI turns off "for safety" (reset 0x1F, written 0x17).
 */
export const AUTO_MANUAL = {
  RESET: 0x1f,
  AUTO_OPEN_ON_POWER_ALARM: 0x01,
  AUTO_BATTERY_SWITCH: 0x08,
} as const;

/** Register 68: loop closure / ring trip detect status (read only). */
export const LOOP_STATUS = {
  LOOP_CLOSED: 0x01,
  RING_TRIP: 0x02,
} as const;

/** Registers 69 and 70: debounce intervals, 1.25 ms per LSB, 7 bits. */
export const DEBOUNCE = {
  MS_PER_LSB: 1.25,
  MASK: 0x7f,
  LOOP_RESET: 0x0a,
  RING_TRIP_RESET: 0x0a,
} as const;

/** Register 71: off-hook loop current limit, 20 mA + 3 mA per LSB (0..7 = 20..41 mA). */
export const LOOP_CURRENT_LIMIT = {
  BASE_MA: 20,
  MA_PER_LSB: 3,
  MASK: 0x07,
} as const;

/** Register 72: open-circuit (on-hook) voltage, 1.5 V per LSB; reset 0x20 = 48 V. */
export const ON_HOOK_VOLTAGE = { VOLTS_PER_LSB: 1.5, RESET: 0x20, MASK: 0x3f } as const;

/** Register 73: common-mode voltage, 1.5 V per LSB; DAHDI uses 0x04 (6 V). */
export const COMMON_MODE_VOLTAGE = { VOLTS_PER_LSB: 1.5, RESET: 0x02, OPERATING: 0x04 } as const;

/** Registers 74/75: high/low battery voltage targets for the DC-DC, 1.5 V per LSB, 6 bits. */
export const VBAT = {
  VOLTS_PER_LSB: 1.5,
  MASK: 0x3f,
  HIGH_RESET: 0x32, // 75 V
  LOW_RESET: 0x10, // 24 V
  HIGH_MAX: 0x3f, // 94.5 V
} as const;

/** Registers 78–83: line and battery sense, 0.376 V per LSB. */
export const VOLTAGE_SENSE = { VOLTS_PER_LSB: 0.376, MAX: 0xff } as const;

/** Register 79: loop current sense. Approximate resolution (see the driver notes). */
export const LOOP_CURRENT_SENSE = { MA_PER_LSB: 1.1, MASK: 0x3f } as const;

/** Registers 92/93: DC-DC converter. */
export const DCDC = {
  /** PWM period 0xFF (1/64 kHz): slow start that cannot run away (DAHDI, Si321x API). */
  PWM_PERIOD_SLOW: 0xff,
  /** Minimum off time / switching delay used when engaged (DAHDI). */
  SWITCH_DELAY_ENGAGED: 0x19,
  /** Register 93 bit 7: start DC-DC peak-current calibration; reads 1 until done. */
  CALIBRATE: 0x80,
} as const;

/** Register 107: DC-DC peak current monitor calibration result; outside 2..13 is suspect. */
export const DCDC_PEAK_CAL = { MIN: 0x02, MAX: 0x0d, FALLBACK: 0x08 } as const;

/** Register 96/97: calibration. Writing CALIBRATE starts; register 96 reads 0 when all are done. */
export const CALIBRATION = {
  START: 0x40,
  /** Register 96 bits 4:0 and register 97 bits 4:0: every calibration selected. */
  SELECT_ALL_1: 0x1f,
  SELECT_ALL_2: 0x1f,
  DONE: 0x00,
} as const;

/** Register 108: enhancement enable, the value recommended for revision C and later (AN35). */
export const ENHANCEMENT = { RECOMMENDED: 0xeb } as const;

/** Indirect register data is 16 bits. */
export const INDIRECT_DATA = { LO_MASK: 0x00ff, HI_SHIFT: 8, MAX: 0xffff } as const;

/**
 * Indirect registers used by the driver, with their Si3210 and Si3215 addresses (the Si3215 has
 * no DTMF decoder or pulse metering, so its indirect map is packed differently).
 */
export const IR = {
  OSC1_COEF: { si3210: 13, si3215: 0 },
  OSC1_X: { si3210: 14, si3215: 1 },
  OSC1_Y: { si3210: 15, si3215: 2 },
  OSC2_COEF: { si3210: 16, si3215: 3 },
  OSC2_X: { si3210: 17, si3215: 4 },
  OSC2_Y: { si3210: 18, si3215: 5 },
  RING_V_OFF: { si3210: 19, si3215: 6 },
  RING_OSC: { si3210: 20, si3215: 7 },
  RING_X: { si3210: 21, si3215: 8 },
  RING_Y: { si3210: 22, si3215: 9 },
  RX_DIGITAL_GAIN: { si3210: 26, si3215: 13 },
  TX_DIGITAL_GAIN: { si3210: 27, si3215: 14 },
  LOOP_CLOSE_THRESH: { si3210: 28, si3215: 15 },
  RING_TRIP_THRESH: { si3210: 29, si3215: 16 },
  COMMON_MIN_THRESH: { si3210: 30, si3215: 17 },
  COMMON_MAX_THRESH: { si3210: 31, si3215: 18 },
  PWR_ALARM_Q1Q2: { si3210: 32, si3215: 19 },
  PWR_ALARM_Q3Q4: { si3210: 33, si3215: 20 },
  PWR_ALARM_Q5Q6: { si3210: 34, si3215: 21 },
  LOOP_CLOSURE_FILTER: { si3210: 35, si3215: 22 },
  RING_TRIP_FILTER: { si3210: 36, si3215: 23 },
  THERM_POLE_Q1Q2: { si3210: 37, si3215: 24 },
  THERM_POLE_Q3Q4: { si3210: 38, si3215: 25 },
  THERM_POLE_Q5Q6: { si3210: 39, si3215: 26 },
  CM_BIAS_RINGING: { si3210: 40, si3215: 27 },
  DCDC_MIN_V: { si3210: 41, si3215: 64 },
  LOOP_CLOSE_THRESH_LOW: { si3210: 43, si3215: 66 },
} as const;
export type IndirectName = keyof typeof IR;
export type ChipFamily = 'si3210' | 'si3215';

/** Writing this to a filter register clears (flushes) it; used around power-up (AN35). */
export const FILTER_FLUSH = 0x8000;

/** The loop/ring-trip/thermal filters that are flushed during power-up and calibration. */
export const FLUSHED_FILTERS: readonly IndirectName[] = [
  'LOOP_CLOSURE_FILTER',
  'RING_TRIP_FILTER',
  'THERM_POLE_Q1Q2',
  'THERM_POLE_Q3Q4',
  'THERM_POLE_Q5Q6',
];

/**
 * Recommended initial values (datasheet/AN35 defaults as DAHDI loads them). Ringing registers
 * are programmed from the country profile; the tone oscillators are unused (tones are made in
 * software) and left at reset.
 */
export const INDIRECT_DEFAULTS: Readonly<Partial<Record<IndirectName, number>>> = {
  RX_DIGITAL_GAIN: 0x4000, // unity
  TX_DIGITAL_GAIN: 0x4000, // unity
  LOOP_CLOSE_THRESH: 0x1000,
  RING_TRIP_THRESH: 0x3600, // 34 mA (Table 30)
  COMMON_MIN_THRESH: 0x1000,
  COMMON_MAX_THRESH: 0x0200,
  PWR_ALARM_Q1Q2: 0x07c0,
  PWR_ALARM_Q3Q4: 0x2600,
  PWR_ALARM_Q5Q6: 0x1b80,
  LOOP_CLOSURE_FILTER: 0x8000,
  RING_TRIP_FILTER: 0x0320,
  THERM_POLE_Q1Q2: 0x008c,
  THERM_POLE_Q3Q4: 0x0100,
  THERM_POLE_Q5Q6: 0x0010,
  CM_BIAS_RINGING: 0x0c00,
  DCDC_MIN_V: 0x0c00,
  LOOP_CLOSE_THRESH_LOW: 0x1000,
};

/**
 * Ring trip settings by ringing frequency (datasheet Table 30): ring trip filter coefficient
 * (NRTP, indirect RING_TRIP_FILTER) and debounce interval (RTDI, register 70).
 */
export const RING_TRIP_TABLE: ReadonlyArray<{ hz: number; filter: number; debounce: number }> = [
  { hz: 16.667, filter: 0x0200, debounce: 0x0f },
  { hz: 20, filter: 0x0320, debounce: 0x0b },
  { hz: 30, filter: 0x0380, debounce: 0x09 },
  { hz: 40, filter: 0x0400, debounce: 0x07 },
  { hz: 50, filter: 0x06a8, debounce: 0x05 },
  { hz: 60, filter: 0x0800, debounce: 0x05 },
];
