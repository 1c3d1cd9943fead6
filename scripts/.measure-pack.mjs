import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const root = '/work/wt/size-build';
const r = await build({ entryPoints: [root + '/src/error-codes.ts'], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
const mod = await import('data:text/javascript;base64,' + Buffer.from(r.outputFiles[0].text).toString('base64'));
const T = [...mod.ERROR_CODES.values()];
const variants = {};
variants.full = T.map(e => `\n${(-e.code).toString(16)} ${e.name} ${e.meaning}`).join('');
variants.names = T.map(e => `\n${(-e.code).toString(16)} ${e.name}`).join('');
variants.namesNoPrefix = T.map(e => `\n${(-e.code).toString(16)} ${e.name.replace(/^MBEDTLS_ERR_/, '')}`).join('');
function grouped(mode) {
let g = '', prevMod = '', prev = 0;
for (const e of T) {
  const [, pre, mod2, rest] = /^(MBEDTLS|MICROTLS)_ERR_([A-Z0-9]+)_(.*)$/.exec(e.name);
  const m = (pre === 'MBEDTLS' ? '' : 'MICROTLS_ERR_') + mod2 + '_';
  const c = -e.code;
  let s = '';
  if (m !== prevMod) { s += '\n' + m; prevMod = m; prev = -1; }
  let code = c.toString(16) + ':';
  if (mode >= 1 && c === prev + 0x80) code = '';
  if (mode >= 2 && c === prev - 0x80) code = '-';
  if (mode >= 3 && c === prev + 2) code = '+';
  s += ' ' + code + rest;
  prev = c; g += s;
}
return g;
}
for (const m of [0,1,2,3]) variants['grouped' + m] = grouped(m);
const base = await import('node:fs');
async function inBundle(str) {
  const b = await build({ entryPoints: [root + '/src/device/espruino.ts'], bundle: true, write: false, format: 'esm', platform: 'neutral', target: 'es2022', minify: true, logLevel: 'silent',
    plugins: [], define: { __MICROTLS_PACKED_ERROR_CODES__: JSON.stringify(str) } , alias: {} });
  return b.outputFiles[0].text;
}
// cheaper: splice literal into a fixed bundle text
const fixed = (await import('node:fs')).readFileSync(root + '/dist/device/microtls.espruino.js', 'utf8');
const at = fixed.indexOf('`\n7080 MBEDTLS');
const lit = fixed.slice(at, fixed.indexOf('`', at + 1) + 1);
console.log('full literal found at', at);
const gz = (s) => gzipSync(s, { level: 9 }).length;
const empty = fixed.slice(0, at) + '""' + fixed.slice(at + lit.length);
console.log('bundle gz', gz(fixed), 'without table', gz(empty));
for (const [k, v] of Object.entries(variants)) {
  const t = fixed.slice(0, at) + JSON.stringify(v) + fixed.slice(at + lit.length);
  console.log(k.padEnd(14), 'raw', v.length, 'alone gz', gz(v), 'bundle delta gz', gz(t) - gz(empty));
}
console.log(variants.grouped2.slice(0, 900));
