/**
 * The ustar/pax header format (POSIX.1-2001), shared by the bundle writer and the streaming
 * extractor. Only what bundles need: regular files, directories, symlinks; long names via pax.
 */
export const BLOCK = 512;

export type TarType = 'file' | 'dir' | 'symlink' | 'pax' | 'pax-global' | 'gnu-longname' | 'gnu-longlink' | 'other';

export interface TarHeader {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  type: TarType;
  linkname: string;
  /** Raw type flag to write instead of the one for `type` (tests build odd archives with it). */
  flag?: string;
}

const TYPE_BY_FLAG: Record<string, TarType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '5': 'dir',
  '2': 'symlink',
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-longname',
  K: 'gnu-longlink',
};

function readString(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

function readOctal(buf: Buffer, start: number, len: number): number {
  const s = readString(buf, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new Error(`bad octal field '${s}'`);
  return parseInt(s, 8);
}

function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum;
}

/** Parse one header block; `undefined` for an all-zero block (end of archive). */
export function decodeHeader(block: Buffer): TarHeader | undefined {
  if (block.every((b) => b === 0)) return undefined;
  const stored = readOctal(block, 148, 8);
  if (stored !== checksum(block)) throw new Error('tar header checksum mismatch');
  const flag = String.fromCharCode(block[156]!);
  const magic = readString(block, 257, 6);
  let name = readString(block, 0, 100);
  if (magic === 'ustar') {
    const prefix = readString(block, 345, 155);
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    mode: readOctal(block, 100, 8),
    size: readOctal(block, 124, 12),
    mtime: readOctal(block, 136, 12),
    type: TYPE_BY_FLAG[flag] ?? 'other',
    linkname: readString(block, 157, 100),
  };
}

/** Parse pax extended-header records ("LEN key=value\n"). */
export function decodePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = Number(data.subarray(pos, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) throw new Error('bad pax record');
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

function writeString(buf: Buffer, s: string, start: number, len: number): void {
  buf.write(s, start, len, 'utf8');
}

function writeOctal(buf: Buffer, n: number, start: number, len: number): void {
  buf.write(n.toString(8).padStart(len - 1, '0') + '\0', start, len, 'ascii');
}

const FLAG_BY_TYPE: Partial<Record<TarType, string>> = { file: '0', dir: '5', symlink: '2', pax: 'x' };

/** Split a path into ustar prefix (≤155) and name (≤100), or undefined if it does not fit. */
function splitName(path: string): [string, string] | undefined {
  if (Buffer.byteLength(path) <= 100) return ['', path];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name) return [prefix, name];
  }
  return undefined;
}

export function encodeHeader(h: TarHeader): Buffer {
  const block = Buffer.alloc(BLOCK);
  const split = splitName(h.name) ?? ['', h.name.slice(0, 100)];
  writeString(block, split[1], 0, 100);
  writeOctal(block, h.mode & 0o7777, 100, 8);
  writeOctal(block, 0, 108, 8);
  writeOctal(block, 0, 116, 8);
  writeOctal(block, h.size, 124, 12);
  writeOctal(block, h.mtime, 136, 12);
  block.write(h.flag ?? FLAG_BY_TYPE[h.type] ?? '0', 156, 1, 'ascii');
  writeString(block, h.linkname.slice(0, 100), 157, 100);
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  writeString(block, split[0], 345, 155);
  block.write(checksum(block).toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return block;
}

/** Headers for one entry: a pax header first when the name or link does not fit ustar. */
export function encodeEntry(h: TarHeader): Buffer[] {
  const needsPax = !splitName(h.name) || Buffer.byteLength(h.linkname) > 100;
  if (!needsPax) return [encodeHeader(h)];
  const records: string[] = [];
  const record = (key: string, value: string) => {
    const body = ` ${key}=${value}\n`;
    const bodyLen = Buffer.byteLength(body);
    let len = bodyLen + String(bodyLen).length;
    if (String(len).length !== String(bodyLen).length) len = bodyLen + String(len).length;
    records.push(`${len}${body}`);
  };
  if (!splitName(h.name)) record('path', h.name);
  if (Buffer.byteLength(h.linkname) > 100) record('linkpath', h.linkname);
  const data = Buffer.from(records.join(''), 'utf8');
  return [
    encodeHeader({ name: 'PaxHeader', mode: 0o644, size: data.length, mtime: h.mtime, type: 'pax', linkname: '' }),
    pad(data),
    encodeHeader(h),
  ];
}

export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

export function pad(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc(padding(data.length))]);
}
