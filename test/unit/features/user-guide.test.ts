import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DIGIT_MAPS } from '../../../firmware/line/digit-map-defaults.js';
import { DEFAULT_STAR_CODES } from '../../../firmware/line/star-codes.js';
import { compileDigitMap } from '../../../firmware/line/digit-map.js';

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found');
    dir = up;
  }
  return dir;
}

const guide = readFileSync(path.join(repoRoot(), 'docs/user-guide.md'), 'utf8');

/** The rows `| a | b |` of the markdown table that follows the line `| first | second |`. */
function tableRows(header: string): string[][] {
  const lines = guide.split('\n');
  const at = lines.findIndex((l) => l.trim() === header);
  assert.ok(at >= 0, `table '${header}' missing`);
  const rows: string[][] = [];
  for (let i = at + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(lines[i]!.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim().replace(/\\\|/g, '|')));
  }
  return rows;
}

test('the guide lists every default digit map as the code has it', () => {
  const rows = tableRows('| profile | default digit map |');
  const documented = new Map<string, string>();
  for (const [profiles, map] of rows) {
    for (const p of profiles!.split(',')) documented.set(p.trim().replace(/`/g, ''), map!.replace(/`/g, ''));
  }
  assert.equal([...documented.keys()].sort(), Object.keys(DEFAULT_DIGIT_MAPS).sort());
  for (const [code, map] of Object.entries(DEFAULT_DIGIT_MAPS)) assert.is(documented.get(code), map, code);
});

test('the guide lists every default star code, and no other', () => {
  const rows = tableRows('| code | what it does |');
  const documented = rows.map(([code]) => /`([*#][0-9]+)`/.exec(code!)?.[1]);
  assert.equal(documented.sort(), DEFAULT_STAR_CODES.map((e) => e.code).sort());
  // codes that take a number say so
  for (const [code] of rows) {
    const c = /`([*#][0-9]+)`/.exec(code!)![1];
    const entry = DEFAULT_STAR_CODES.find((e) => e.code === c)!;
    assert.is(code!.includes('+ number'), entry.argument !== 'none', code);
  }
});

test('the examples in the guide compile', () => {
  let n = 0;
  for (const m of guide.matchAll(/`(\([^`]*\))`/g)) {
    const text = m[1]!.replace(/\\\|/g, '|');
    if (!/[x0-9]/.test(text)) continue;
    compileDigitMap(text);
    n++;
  }
  assert.ok(n >= 9, `only ${n} digit maps found in the guide`);
});

test.run();
