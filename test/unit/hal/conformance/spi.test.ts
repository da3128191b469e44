/**
 * SPI conformance: the simulated backend (with a loopback chip model) always; the spidev backend
 * on pretend spidev nodes (its own logic, no kernel); and on a real spidev when named:
 *   TIPRING_TEST_SPI=0.0               bus.device of a spidev nothing else uses
 *   TIPRING_TEST_SPI_LOOPBACK=1        MISO is wired to MOSI (enables the content checks)
 *   TIPRING_TEST_SPI_SPEED=1000000     clock for the test (default 1 MHz)
 */
import { SimSpi } from '../../../../hal/sim/spi-sim.js';
import { SpidevSpi } from '../../../../hal/real/spi-spidev.js';
import { spiConformance } from './spi-suite.js';
import { FakeSpidev } from './fake-spi-device.js';
import { env, skipSuite } from './support.js';

{
  const sim = new SimSpi();
  sim.attach(0, 0, { transfer: (tx) => Buffer.from(tx) });
  spiConformance({ name: 'sim (loopback model)', backend: sim, bus: 0, device: 0, maxSpeedHz: 1_000_000, loopback: true, absent: { bus: 3, device: 1 } });
}

{
  const fake = new FakeSpidev(new Set(['0.0', '0.1']));
  spiConformance({
    name: 'spidev backend on pretend spidev nodes',
    backend: new SpidevSpi({ load: async () => fake.module() }),
    bus: 0,
    device: 1,
    maxSpeedHz: 2_000_000,
    loopback: true,
    absent: { bus: 3, device: 1 },
  });
}

const spi = env('TIPRING_TEST_SPI');
if (!spi || !/^\d+\.\d+$/.test(spi)) {
  skipSuite('spi conformance: spidev on real hardware', 'set TIPRING_TEST_SPI=<bus>.<device> (and TIPRING_TEST_SPI_LOOPBACK=1 with MISO wired to MOSI) to run on hardware');
} else {
  const [bus, device] = spi.split('.').map(Number) as [number, number];
  spiConformance({
    name: `spidev${spi}`,
    backend: new SpidevSpi(),
    bus,
    device,
    maxSpeedHz: Number(env('TIPRING_TEST_SPI_SPEED') ?? 1_000_000),
    loopback: env('TIPRING_TEST_SPI_LOOPBACK') === '1',
    absent: { bus: 9, device: 9 },
  });
}
