/**
 * A throw-away PKI for TLS tests, made with Debian's `openssl` CLI in a temp folder: a CA and
 * certificates it signs (P-256 keys, 2 days), with the DNS names / IPs a test asks for.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCa {
  dir: string;
  certPath: string;
  keyPath: string;
  /** Issue a certificate for `cn` with these subjectAltNames. */
  issue(name: string, alt: { dns?: string[]; ip?: string[] }): { certPath: string; keyPath: string };
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestCa(label = 'tipring test CA'): TestCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'tipring-ca-'));
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...curve, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=${label}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  let serial = 1;
  return {
    dir,
    certPath: path.join(dir, 'ca.crt'),
    keyPath: path.join(dir, 'ca.key'),
    issue(name, alt) {
      const base = `${name.replace(/[^a-z0-9.-]/gi, '_')}-${serial}`;
      const sans = [...(alt.dns ?? []).map((d) => `DNS:${d}`), ...(alt.ip ?? []).map((i) => `IP:${i}`)];
      writeFileSync(path.join(dir, `${base}.ext`), [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth,clientAuth',
        ...(sans.length ? [`subjectAltName=${sans.join(',')}`] : []),
        '',
      ].join('\n'));
      openssl(dir, ['req', ...curve, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${name}`]);
      openssl(dir, ['x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', String(serial++),
        '-out', `${base}.crt`, '-days', '2', '-extfile', `${base}.ext`]);
      return { certPath: path.join(dir, `${base}.crt`), keyPath: path.join(dir, `${base}.key`) };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
