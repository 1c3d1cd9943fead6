#!/usr/bin/env node
// Runs the compiled CLI when present (npm pack / installed package), else the TypeScript
// sources through tsx (a clone with dev dependencies).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
let main;
if (existsSync(compiled)) {
  ({ main } = await import(pathToFileURL(compiled).href));
} else {
  const { tsImport } = await import('tsx/esm/api');
  ({ main } = await tsImport(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href, import.meta.url));
}
process.exitCode = await main(process.argv.slice(2));
