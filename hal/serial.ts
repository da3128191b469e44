/** Serial contract (types only). Real backend: npm `serialport`; simulated: hal/sim/serial-sim.ts. */
export interface SerialOpenOptions {
  baudRate: number;
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
}

export interface SerialPort {
  readonly path: string;
  write(data: Buffer | string): Promise<void>;
  /** Called asynchronously with each chunk received. */
  onData(callback: (chunk: Buffer) => void): void;
  close(): Promise<void>;
}

export interface SerialBackend {
  list(): Promise<SerialPortInfo[]>;
  open(path: string, options: SerialOpenOptions): Promise<SerialPort>;
}
