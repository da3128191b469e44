/**
 * A TUF repository simulator for the tests: its own Ed25519 signing (node:crypto, canonical JSON),
 * independent of the release tooling under test, served by node:http on loopback, with knobs for
 * every misbehaviour the client must survive (tampering, slow bytes, cut connections, ignored
 * Range, oversized files) and a log of every request.
 */
import { canonicalize } from '@tufjs/canonical-json';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Role = 'root' | 'targets' | 'snapshot' | 'timestamp';
export const ROLES: Role[] = ['root', 'targets', 'snapshot', 'timestamp'];

export interface SimKey {
  keyid: string;
  pub: string;
  priv: KeyObject;
}

export function simKey(): SimKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from((publicKey.export({ format: 'jwk' }) as { x: string }).x, 'base64url').toString('hex');
  const keyid = createHash('sha256').update(canonicalize({ keytype: 'ed25519', scheme: 'ed25519', keyval: { public: pub } })).digest('hex');
  return { keyid, pub, priv: privateKey };
}

export type Signed = Record<string, unknown> & { version: number };
export interface Envelope {
  signatures: Array<{ keyid: string; sig: string }>;
  signed: Signed;
}

export function signEnvelope(signed: Signed, keys: SimKey[]): Envelope {
  const bytes = Buffer.from(canonicalize(signed));
  return { signatures: keys.map((k) => ({ keyid: k.keyid, sig: sign(null, bytes, k.priv).toString('hex') })), signed };
}

export const bytesOf = (env: Envelope | object): Buffer => Buffer.from(JSON.stringify(env));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** How the server treats one path. */
export interface Behaviour {
  /** Send this many bytes, then stall (keep the socket open without sending). */
  stallAfter?: number;
  /** Send this many bytes, then destroy the connection. */
  cutAfter?: number;
  /** Answer Range requests with a full 200. */
  ignoreRange?: boolean;
  /** Send these bytes instead of the stored ones. */
  body?: Buffer;
  status?: number;
  /** Send no Content-Length (chunked encoding). */
  noLength?: boolean;
  /** Only apply to the first N requests of this path. */
  times?: number;
}

export interface TargetSpec {
  data: Buffer;
  custom?: Record<string, unknown>;
  /** Claimed length/hash (defaults: the real ones). */
  length?: number;
  sha256?: string;
}

export class RepoSim {
  keys: Record<Role, SimKey[]>;
  thresholds: Record<Role, number> = { root: 1, targets: 1, snapshot: 1, timestamp: 1 };
  rootVersion = 1;
  versions = { targets: 0, snapshot: 0, timestamp: 0 };
  expires: Record<Role, Date>;
  targets: Record<string, TargetSpec> = {};
  /** Served files, by URL path (e.g. /metadata/timestamp.json). */
  files = new Map<string, Buffer>();
  behaviours = new Map<string, Behaviour>();
  requests: Array<{ path: string; range?: string }> = [];
  /** Root keys of the previous root version (they co-sign the next root). */
  private previousRootKeys: SimKey[] = [];
  private server: http.Server | undefined;
  private sockets = new Set<import('node:net').Socket>();
  port = 0;

  constructor(public now: Date) {
    this.keys = { root: [simKey()], targets: [simKey()], snapshot: [simKey()], timestamp: [simKey()] };
    const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);
    this.expires = { root: inDays(365), targets: inDays(90), snapshot: inDays(14), timestamp: inDays(2) };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  rootSigned(version = this.rootVersion): Signed {
    const keys: Record<string, unknown> = {};
    const roles: Record<string, unknown> = {};
    for (const r of ROLES) {
      for (const k of this.keys[r]) keys[k.keyid] = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: k.pub } };
      roles[r] = { keyids: this.keys[r].map((k) => k.keyid), threshold: this.thresholds[r] };
    }
    return { _type: 'root', spec_version: '1.0.31', version, expires: iso(this.expires.root), consistent_snapshot: true, keys, roles };
  }

  /** Publish root `rootVersion`, signed by its own keys and the previous root's. */
  publishRoot(mutate?: (signed: Signed) => void, signers?: SimKey[]): Buffer {
    const signed = this.rootSigned();
    mutate?.(signed);
    const all = signers ?? dedupe([...this.previousRootKeys, ...this.keys.root]);
    const bytes = bytesOf(signEnvelope(signed, all));
    this.files.set(`/metadata/${this.rootVersion}.root.json`, bytes);
    return bytes;
  }

  /** Start the next root version (call before changing keys; then publishRoot()). */
  nextRoot(): void {
    this.previousRootKeys = [...this.keys.root];
    this.rootVersion += 1;
  }

  addTarget(name: string, spec: TargetSpec): void {
    this.targets[name] = spec;
    const hash = spec.sha256 ?? sha256(spec.data);
    this.files.set(`/targets/${hash}.${name}`, spec.data);
  }

  targetsSigned(): Signed {
    const targets: Record<string, unknown> = {};
    for (const [name, t] of Object.entries(this.targets)) {
      targets[name] = { length: t.length ?? t.data.length, hashes: { sha256: t.sha256 ?? sha256(t.data) }, ...(t.custom ? { custom: t.custom } : {}) };
    }
    return { _type: 'targets', spec_version: '1.0.31', version: this.versions.targets, expires: iso(this.expires.targets), targets };
  }

  /** Sign and serve a new targets → snapshot → timestamp chain (each version +1). */
  publish(opts: { mutate?: Partial<Record<'targets' | 'snapshot' | 'timestamp', (s: Signed) => void>>; signers?: Partial<Record<Role, SimKey[]>> } = {}): void {
    this.versions.targets += 1;
    const t = this.targetsSigned();
    opts.mutate?.targets?.(t);
    const tBytes = bytesOf(signEnvelope(t, opts.signers?.targets ?? this.keys.targets));
    this.files.set(`/metadata/${t.version}.targets.json`, tBytes);
    this.publishSnapshot(t.version as number, opts);
  }

  publishSnapshot(targetsVersion = this.versions.targets, opts: { mutate?: Partial<Record<'snapshot' | 'timestamp', (s: Signed) => void>>; signers?: Partial<Record<Role, SimKey[]>> } = {}): void {
    this.versions.snapshot += 1;
    const s: Signed = { _type: 'snapshot', spec_version: '1.0.31', version: this.versions.snapshot, expires: iso(this.expires.snapshot), meta: { 'targets.json': { version: targetsVersion } } };
    opts.mutate?.snapshot?.(s);
    const sBytes = bytesOf(signEnvelope(s, opts.signers?.snapshot ?? this.keys.snapshot));
    this.files.set(`/metadata/${s.version}.snapshot.json`, sBytes);
    this.publishTimestamp(s.version, sBytes, opts);
  }

  publishTimestamp(snapshotVersion = this.versions.snapshot, snapshotBytes?: Buffer, opts: { mutate?: Partial<Record<'timestamp', (s: Signed) => void>>; signers?: Partial<Record<Role, SimKey[]>> } = {}): void {
    const sBytes = snapshotBytes ?? this.files.get(`/metadata/${snapshotVersion}.snapshot.json`)!;
    this.versions.timestamp += 1;
    const ts: Signed = {
      _type: 'timestamp',
      spec_version: '1.0.31',
      version: this.versions.timestamp,
      expires: iso(this.expires.timestamp),
      meta: { 'snapshot.json': { version: snapshotVersion, length: sBytes.length, hashes: { sha256: sha256(sBytes) } } },
    };
    opts.mutate?.timestamp?.(ts);
    this.files.set('/metadata/timestamp.json', bytesOf(signEnvelope(ts, opts.signers?.timestamp ?? this.keys.timestamp)));
  }

  /** The current root file (what a device is provisioned with). */
  rootFile(version = this.rootVersion): Buffer {
    return this.files.get(`/metadata/${version}.root.json`)!;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const range = req.headers.range;
    this.requests.push(range ? { path, range } : { path });
    let b = this.behaviours.get(path);
    if (b?.times !== undefined) {
      if (b.times <= 0) b = undefined;
      else b.times -= 1;
    }
    const stored = this.files.get(path);
    const body = b?.body ?? stored;
    if (b?.status) {
      res.writeHead(b.status).end();
      return;
    }
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    const m = range && !b?.ignoreRange ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { ...(b?.noLength ? {} : { 'content-length': body.length - start }), 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
    } else {
      res.writeHead(200, b?.noLength ? {} : { 'content-length': body.length });
    }
    const data = body.subarray(start);
    if (b?.stallAfter !== undefined) {
      res.write(data.subarray(0, b.stallAfter));
      return; // never finish; stop() destroys the socket
    }
    if (b?.cutAfter !== undefined) {
      res.write(data.subarray(0, b.cutAfter), () => res.destroy());
      return;
    }
    res.end(data);
  }
}

function dedupe(keys: SimKey[]): SimKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => (seen.has(k.keyid) ? false : (seen.add(k.keyid), true)));
}
