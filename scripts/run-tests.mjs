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

let passed = 0;
let failed = 0;
let skipped = 0;
let code = 0;
for (const dir of dirs) {
  if (!existsSync(path.join(root, dir))) continue;
  console.log(`\n=== ${dir}`);
  const res = await new Promise((resolve) => {
    const child = spawn(process.execPath, [uvu, dir, pattern], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (c) => resolve({ out: out.replace(/\x1b\[[0-9;]*m/g, ''), code: c ?? 1 }));
  });
  const num = (label) => Number((new RegExp(`${label}:\\s+(\\d+)`).exec(res.out) ?? [])[1] ?? 0);
  const total = num('Total');
  const p = num('Passed');
  const s = num('Skipped');
  passed += p;
  skipped += s;
  failed += Math.max(0, total - p - s) + (res.code !== 0 && total === p + s ? 1 : 0);
  if (res.code !== 0) code = 1;
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code || (failed ? 1 : 0));
