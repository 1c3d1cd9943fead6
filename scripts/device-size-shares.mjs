#!/usr/bin/env node
// What each source file costs the Espruino bundle in gzip bytes: the bundle is cut at
// esbuild's per-module comments, each piece minified on its own (names kept, since they
// cross modules), and a file's share is gzip(all pieces) - gzip(all pieces but that one).
// The shares add up to more than the bundle (gzip finds less to share once names are
// minified), so read them as a ranking. Usage: node scripts/device-size-shares.mjs [N rows]
import { build, transform } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { espruinoReplacements, replace } from './build-device.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const gz = (s) => gzipSync(s, { level: 9 }).length;
const r = await build({
  entryPoints: [join(root, 'src/device/espruino.ts')], bundle: true, write: false, format: 'esm', platform: 'neutral',
  target: 'es2022', logLevel: 'silent', legalComments: 'none', plugins: [replace(espruinoReplacements())],
  define: { __MICROTLS_PACKED_ERROR_CODES__: '""' },
});
const pieces = [];
const parts = r.outputFiles[0].text.split(/^\/\/ (?=[\w@.][^\n]*\.(?:ts|js|mjs)\n)/m);
for (const [i, part] of parts.entries()) {
  // Everything before the first module comment is esbuild's own helpers.
  const nl = i === 0 ? -1 : part.indexOf('\n');
  const body = part.slice(nl + 1);
  const min = await transform(body, { minifyWhitespace: true, minifySyntax: true, target: 'es2022' }).then((m) => m.code, () => body);
  pieces.push([i === 0 ? '(esbuild helpers)' : part.slice(0, nl), min]);
}
const total = gz(pieces.map((p) => p[1]).join('\n'));
const rows = pieces.map(([name, text], i) => [name, text.length, total - gz(pieces.filter((_, j) => j !== i).map((p) => p[1]).join('\n'))]);
rows.sort((a, b) => b[2] - a[2]);
const dirs = {};
for (const [name, , share] of rows) { const d = name.split('/').slice(0, 2).join('/'); dirs[d] = (dirs[d] ?? 0) + share; }
console.log(`all pieces: ${total} bytes gzip (names unminified; the built bundle is smaller)`);
console.log(Object.entries(dirs).sort((a, b) => b[1] - a[1]).map(([d, v]) => `  ${d.padEnd(28)} ${v}`).join('\n'));
console.log(rows.slice(0, Number(process.argv[2] ?? 40)).map(([n, len, share]) => `  ${n.padEnd(44)} ${String(len).padStart(6)} chars ${String(share).padStart(6)} gzip`).join('\n'));
