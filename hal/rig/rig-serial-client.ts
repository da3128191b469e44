/**
 * Client of a rig on a serial port: a hardware fixture (docs/hardware.md, "Test fixture") on USB
 * CDC serial, or the simulated board's TCP rig bridged to a pseudo-terminal by socat. Same API as
 * the TCP RigClient (both are RigLineClients). The port comes from a HAL SerialBackend, so this
 * file imports no native package: pass the real backend (hal/real) for a tty, or the simulated one.
 *
 * On open, one empty line is sent: a fixture that received half a line before (noise while the
 * USB link came up) discards it, and blank lines get no reply in the rig protocol.
 */
import type { Clock } from '../../firmware/core/clock.js';
import { RemoteError } from '../../firmware/core/errors.js';
import type { SerialBackend, SerialPort } from '../serial.js';
import { RigLineClient } from './rig-line-client.js';
import type { RigTransport } from './rig-line-client.js';

export interface RigSerialOptions {
  /** Default 115200 (USB CDC ignores it; a UART-attached fixture does not). */
  baudRate?: number;
  clock?: Clock;
}

function portTransport(port: SerialPort, onWriteError: (e: unknown) => void): RigTransport {
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await port.close().catch(() => {});
  };
  return {
    write: (text) => {
      port.write(text).catch(onWriteError);
    },
    end: close,
    destroy: () => void close(),
  };
}

export class RigSerialClient extends RigLineClient {
  private constructor(port: SerialPort, clock?: Clock) {
    super(
      portTransport(port, (e) => this.fail(new RemoteError('rig-io', `rig serial write failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e }))),
      clock,
    );
    port.onData((chunk) => this.receive(chunk.toString('latin1')));
  }

  static async open(serial: SerialBackend, path: string, options: RigSerialOptions = {}): Promise<RigSerialClient> {
    let port: SerialPort;
    try {
      port = await serial.open(path, { baudRate: options.baudRate ?? 115200 });
    } catch (e) {
      throw new RemoteError('rig-connect', `cannot open rig on ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const client = new RigSerialClient(port, options.clock);
    await port.write('\n');
    return client;
  }
}
