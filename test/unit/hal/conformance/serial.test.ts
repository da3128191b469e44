/**
 * Serial conformance: the simulated backend (an echoing device) always; the serialport backend on
 * a real pseudo-terminal looped back by socat (when socat is installed); and on a real port when
 * named (it must be looped back: TX wired to RX on the adapter):
 *   TIPRING_TEST_SERIAL=/dev/ttyUSB0    TIPRING_TEST_SERIAL_BAUD=115200 (default)
 */
import { settle } from '../../../../hal/sim/drive-clock.js';
import { SimSerial } from '../../../../hal/sim/serial-sim.js';
import { SerialportSerial } from '../../../../hal/real/serial-serialport.js';
import { serialConformance } from './serial-suite.js';
import { haveSocat, startPtyLoopback } from './socat-loopback.js';
import { env, realUntil, skipSuite } from './support.js';

{
  const sim = new SimSerial();
  sim.createPort('/dev/ttySIM0', { manufacturer: 'tipring' });
  sim.onWrite('/dev/ttySIM0', (data) => sim.emitData('/dev/ttySIM0', data));
  serialConformance({
    name: 'sim (echoing device)',
    backend: sim,
    path: '/dev/ttySIM0',
    baudRate: 115200,
    absentPath: '/dev/ttySIM9',
    listed: true,
    until: async (cond, ms) => {
      for (let i = 0; i < Math.max(10, ms / 10) && !cond(); i++) await settle();
      return cond();
    },
  });
}

if (!haveSocat()) {
  skipSuite('serial conformance: serialport on a socat pty loopback', 'socat is not installed (apt-get install socat)');
} else {
  const loop = await startPtyLoopback();
  serialConformance({
    name: 'serialport backend on a real pty (socat loopback)',
    backend: new SerialportSerial(),
    path: loop.path,
    baudRate: 115200,
    absentPath: '/dev/tipring-no-such-tty',
    listed: false,
    until: realUntil,
    teardown: () => loop.close(),
  });
}

const dev = env('TIPRING_TEST_SERIAL');
if (!dev) {
  skipSuite('serial conformance: serialport on a real port', 'set TIPRING_TEST_SERIAL=/dev/ttyUSB0 (with TX wired to RX) to run on hardware');
} else {
  serialConformance({
    name: `serialport on ${dev} (TX-RX loopback)`,
    backend: new SerialportSerial(),
    path: dev,
    baudRate: Number(env('TIPRING_TEST_SERIAL_BAUD') ?? 115200),
    absentPath: '/dev/tipring-no-such-tty',
    listed: false,
    until: realUntil,
  });
}
