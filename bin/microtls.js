#!/usr/bin/env node
// In a clone (sources present, dev dependencies installed) the TypeScript sources run
// through tsx, so the CLI never lags behind an edit; an installed package runs dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
let main;
let tsx;
if (existsSync(source)) {
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    tsx = undefined;
  }
}
if (tsx) {
  ({ main } = await tsx.tsImport(pathToFileURL(source).href, import.meta.url));
} else {
  ({ main } = await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'main.js')).href));
}
process.exitCode = await main(process.argv.slice(2));
