#!/usr/bin/env node
// Runs the compiled uvu suites (dist/test) and ends with a plain "N passed, N failed" line.
// Usage: node scripts/run-tests.mjs [--unit] [pattern]
//   --unit   only test/unit (no real peers needed)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const pattern = args.find((a) => !a.startsWith('--')) ?? '\\.test\\.js$';
const dirs = unitOnly ? ['dist/test/unit'] : ['dist/test/unit', 'dist/test/e2e', 'dist/test/hil'];
const uvu = path.join(root, 'node_modules/uvu/bin.js');
const CAP_MS = 20 * 60 * 1000;

let passed = 0;
let failed = 0;
let skipped = 0;
let code = 0;
for (const dir of dirs) {
  if (!existsSync(path.join(root, dir))) continue;
  console.log(`\n=== ${dir}`);
  const started = Date.now();
  const res = await new Promise((resolve) => {
    const child = spawn(process.execPath, [uvu, dir, pattern], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let lingering;
    // a suite that leaks a handle (socket, timer) would keep uvu alive after its summary: once the
    // summary is out, give it a few seconds to exit, then end it (its result is already known)
    const cap = setTimeout(() => {
      out += '\n(run-tests: time cap reached, stopping)\n';
      child.kill('SIGKILL');
    }, CAP_MS);
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
      if (!lingering && /Duration:/.test(out)) lingering = setTimeout(() => child.kill('SIGKILL'), 8000);
    });
    child.on('close', (c) => {
      clearTimeout(cap);
      if (lingering) clearTimeout(lingering);
      const clean = out.replace(/\x1b\[[0-9;]*m/g, '');
      const summarised = /Duration:/.test(clean);
      resolve({ out: clean, code: summarised && c === null ? (/Passed:\s+(\d+)/.exec(clean)?.[1] === /Total:\s+(\d+)/.exec(clean)?.[1] ? 0 : 1) : c ?? 1 });
    });
  });
  const num = (label) => Number((new RegExp(`${label}:\\s+(\\d+)`).exec(res.out) ?? [])[1] ?? 0);
  const total = num('Total');
  const p = num('Passed');
  const s = num('Skipped');
  passed += p;
  skipped += s;
  failed += Math.max(0, total - p - s) + (res.code !== 0 && total === p + s ? 1 : 0);
  if (res.code !== 0) code = 1;
  console.log(`=== ${dir}: ${total} tests in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code || (failed ? 1 : 0));
