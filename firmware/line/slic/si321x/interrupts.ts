/** Decoding the ProSLIC interrupt status registers (18–20). Pure. */
import { IRQ1, IRQ2, IRQ3 } from './registers.js';

export interface IrqStatus {
  status1: number;
  status2: number;
  status3: number;
}

export interface IrqEvents {
  ringTrip: boolean;
  loopClosure: boolean;
  /** Transistors (1..6) whose power alarm fired. */
  powerAlarms: number[];
  ringTimer: boolean;
  indirectDone: boolean;
  cmBalance: boolean;
  /** Any bit at all was set. */
  any: boolean;
}

export function decodeIrq(s: IrqStatus): IrqEvents {
  const powerAlarms: number[] = [];
  for (let q = 0; q < IRQ2.TRANSISTORS; q++) {
    if (s.status2 & (IRQ2.POWER_ALARM_Q1 << q)) powerAlarms.push(q + 1);
  }
  return {
    ringTrip: (s.status2 & IRQ2.RING_TRIP) !== 0,
    loopClosure: (s.status2 & IRQ2.LOOP_CLOSURE) !== 0,
    powerAlarms,
    ringTimer: (s.status1 & (IRQ1.RING_ACTIVE | IRQ1.RING_INACTIVE)) !== 0,
    indirectDone: (s.status3 & IRQ3.INDIRECT_DONE) !== 0,
    cmBalance: (s.status3 & IRQ3.CM_BALANCE) !== 0,
    any: (s.status1 | s.status2 | s.status3) !== 0,
  };
}

/** Interrupt enables the driver uses: ring trip, loop closure and every power alarm. */
export const DRIVER_IRQ_ENABLES: IrqStatus = {
  status1: 0,
  status2: IRQ2.RING_TRIP | IRQ2.LOOP_CLOSURE | IRQ2.POWER_ALARM_MASK,
  status3: 0,
};
