/** The Si3210/Si3215 ProSLIC driver: what the rest of the firmware uses. */
export { Si321xDriver, SI321X_DEFAULT_DEBOUNCE_MS, SI321X_DEFAULT_LOOP_CURRENT_MA, SI321X_DEFAULT_RING, SI321X_DEFAULT_SUPERVISION_MS } from './driver.js';
export type { Si321xDriverOptions } from './driver.js';
export type { PcmFormat, RingProgram } from './configure.js';
export { SlicConfigError, SlicError, isSlicError } from './errors.js';
export type { SlicConfigErrorCode, SlicErrorCode } from './errors.js';
export type { ChipIdentity } from './probe.js';
export type { ChipFamily } from './registers.js';
