// Firmware start-up and idle memory, side by side with baresip in the same run:
// time from process start to a successful REGISTER (digest-challenged) at a real Kamailio, and
// resident memory (VmRSS) after 5 s idle and registered.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const peers = path.join(root, 'test/peers');
const KAM = 15160;

function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return { child, out: () => out };
}

async function waitFor(p, re, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (re.test(p.out())) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timeout waiting for ${re}\n${p.out().slice(-1500)}`);
}

function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function measure(name, launch, registered) {
  const t0 = process.hrtime.bigint();
  const p = launch();
  await waitFor(p, registered, 20000);
  const regMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((r) => setTimeout(r, 5000));
  const rss = rssKiB(p.child.pid);
  p.child.kill('SIGTERM');
  await new Promise((r) => p.child.on('exit', r));
  return { name, regMs, rss };
}

export async function run() {
  const kam = start('kamailio', ['-f', path.join(peers, 'kamailio/kamailio.cfg'), '-A', `DBURL="text://${path.join(peers, 'kamailio/dbtext')}"`,
    '-A', `LISTEN_ADDR=udp:127.0.0.1:${KAM}`, '-Y', mkdtempSync(path.join(tmpdir(), 'kam-')), '-DD', '-E', '-m', '64', '-M', '8']);
  await new Promise((r) => setTimeout(r, 1500));
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-'));
    const cfg = path.join(dir, 'tipring.yaml');
    writeFileSync(cfg, [
      'board: sim', 'log_level: info', 'sip:', '  bind: 127.0.0.1', '  port: 15170', 'rtp:', '  port_min: 21000', '  port_max: 21998',
      'rig:', '  enabled: false', '  host: 127.0.0.1', '  base_port: 0', 'lines:', '  - profile: us', '    account:',
      `      registrar: 127.0.0.1:${KAM}`, '      domain: lab.test', '      user: "1000"', '      password: pass1000', '      expires: 300', '',
    ].join('\n'));
    const bsDir = mkdtempSync(path.join(tmpdir(), 'bs-'));
    copyFileSync(path.join(peers, 'baresip/config'), path.join(bsDir, 'config'));
    writeFileSync(path.join(bsDir, 'config'), readFileSync(path.join(bsDir, 'config'), 'utf8').replace(/sip_listen\s+\S+/, 'sip_listen\t\t127.0.0.1:15191'));
    writeFileSync(path.join(bsDir, 'accounts'), `<sip:3000@lab.test>;auth_pass=pass3000;outbound="sip:127.0.0.1:${KAM}";regint=300\n`);
    writeFileSync(path.join(bsDir, 'contacts'), '');
    const rows = [];
    rows.push(await measure('tipring (node, sim board)', () => start(process.execPath, [path.join(root, 'dist/firmware/cli.js'), 'run', '--config', cfg]), /registration .*state=registered/));
    rows.push(await measure('baresip 1.0 (C, headless)', () => start('baresip', ['-f', bsDir], { cwd: bsDir }), /200 OK .*binding/));
    console.log('| UA | start → REGISTER 200 (ms) | RSS idle+registered (MiB) |');
    console.log('|---|---:|---:|');
    for (const r of rows) console.log(`| ${r.name} | ${r.regMs.toFixed(0)} | ${(r.rss / 1024).toFixed(1)} |`);
  } finally {
    kam.child.kill('SIGTERM');
  }
}
