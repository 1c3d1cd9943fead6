#!/usr/bin/env node
// Runs every test/**/*.test.ts with uvu under tsx and ends with one summary line
// ("N passed, N failed, N skipped") that CI reads. A file pattern may be passed:
// `npm run test:only -- mqtt` runs the files whose path contains "mqtt".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = process.argv[2] ?? '';
const pattern = filter ? `${filter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\.test\\.ts$` : '\\.test\\.ts$';
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'node_modules/uvu/bin.js'), 'test', pattern],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
let out = '';
child.stdout.on('data', (d) => { process.stdout.write(d); out += d.toString(); if (out.length > 1e6) out = out.slice(-1e5); });
child.on('close', (code) => {
  // uvu colours its totals even when told not to (the skipped count is yellow): read them without escapes.
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const num = (label) => Number((new RegExp(`${label}:\\s+(\\d+)`).exec(plain) ?? [])[1] ?? 0);
  const total = num('Total'), passed = num('Passed'), skipped = num('Skipped');
  // uvu's Total counts the tests that ran; skipped ones are outside it.
  const failed = Math.max(0, total - passed) + (code !== 0 && total === passed ? 1 : 0);
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code === 0 && failed === 0 && total > 0 ? 0 : 1);
});
