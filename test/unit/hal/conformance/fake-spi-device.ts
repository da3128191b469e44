/**
 * A stand-in for npm `spi-device` over pretend spidev nodes, so the spidev backend's own logic
 * (message translation, chip-select mapping, busy/closed, error codes) runs through the SPI
 * conformance suite here. Like the addon: open() of a missing node fails with ENOENT, callbacks
 * come on a later turn, a message is an array of transfers each needing a receiveBuffer to get
 * data back. Each device is a loopback (MISO = MOSI) and records the transfers it was given.
 */
import type { SpiMessage, SpiOptions } from 'spi-device';
import type { SpiDeviceModule } from '../../../../hal/real/spi-spidev.js';

export class FakeSpidev {
  readonly messages: SpiMessage[] = [];
  readonly optionsSeen: SpiOptions[] = [];

  constructor(private readonly nodes: Set<string>) {}

  module(): SpiDeviceModule {
    return {
      open: (bus, device, options, cb) => {
        const name = `${bus}.${device}`;
        this.optionsSeen.push({ ...options });
        let open = this.nodes.has(name);
        const fake = {
          transfer: (message: SpiMessage, done: (err: Error | null, m: SpiMessage) => void) => {
            this.messages.push(message);
            setImmediate(() => {
              if (!open) return done(Object.assign(new Error('EBADF, bad file descriptor'), { code: 'EBADF' }), message);
              for (const t of message) {
                if (t.byteLength > 4096) return done(Object.assign(new Error('EMSGSIZE, Message too long'), { code: 'EMSGSIZE' }), message);
                if (t.receiveBuffer) (t.sendBuffer ?? Buffer.alloc(t.byteLength)).copy(t.receiveBuffer, 0, 0, t.byteLength);
              }
              done(null, message);
            });
            return fake;
          },
          close: (done: (err: Error | null) => void) => {
            open = false;
            setImmediate(() => done(null));
          },
        };
        setImmediate(() =>
          cb(this.nodes.has(name) ? null : Object.assign(new Error(`ENOENT, no such file or directory '/dev/spidev${name}'`), { code: 'ENOENT' })),
        );
        return fake as never;
      },
    };
  }
}
