#!/usr/bin/env node
// Runs every benchmark in scripts/bench/ (or the ones named on the command line) and prints
// their figures. Benchmarks measure; they never pass or fail on timing.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bench');
const wanted = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.mjs') && (!wanted.length || wanted.some((w) => f.includes(w)))).sort();
for (const f of files) {
  console.log(`\n### ${f.replace(/\.mjs$/, '')}`);
  const mod = await import(pathToFileURL(path.join(dir, f)).href);
  await mod.run();
}
