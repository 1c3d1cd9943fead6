#!/usr/bin/env node
// `npm run build:device`: the two files a user flashes.
//   dist/device/microtls.xs.js        one ESM file for XS, QuickJS and browsers (entry src/device/xs.ts)
//   dist/device/microtls.espruino.js  one minified script in the syntax Espruino 2v29 parses
// Sizes are printed; the build fails when a bundle exceeds its gzip budget.
//
// Both leave out asn1js: the strict DER path (src/x509/der.ts) parses every DER certificate,
// and what it declines is refused with the caller's error code (src/device/absent-asn1js.ts).
// The Espruino bundle also loads nothing from @noble (hw/noble.ts is replaced by
// src/device/absent-noble.ts; the Espruino provider covers every operation), and is lowered by
// Babel for what Espruino lacks: destructuring, rest/spread, default parameters, optional
// chaining, `**`, logical assignment, async functions, keyword-named methods.
// Both carry the error table as names without meanings (src/device/error-codes-packed.ts), get
// error names at typed call sites written as codes (build-device-error-literals.mjs), and are
// minified by esbuild, then terser.
import { build, transform } from 'esbuild';
import { transformSync } from '@babel/core';
import { minify as terser } from 'terser';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ESPRUINO_HELPERS, polyfillsFor } from './build-device-polyfills.mjs';
import { errorNameSinks, numericErrorNames } from './build-device-error-literals.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/device');
const BUDGET = { xs: 64 * 1024, espruino: 50 * 1024 };

/** esbuild plugin: module replacements for a device build (paths relative to the repo root). */
export function replace(map) {
  const abs = Object.fromEntries(Object.entries(map).map(([k, v]) => [k.startsWith('.') ? resolve(root, k) : k, resolve(root, v)]));
  return {
    name: 'device-replace',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (abs[args.path]) return { path: abs[args.path] };
        if (!args.path.startsWith('.')) return undefined;
        const full = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
        return abs[full] ? { path: abs[full] } : undefined;
      });
    },
  };
}

const COMMON_REPLACEMENTS = {
  asn1js: 'src/device/absent-asn1js.ts',
  './src/x509/asn1js-globals.ts': 'src/device/absent-module.ts',
  './src/error-codes.ts': 'src/device/error-codes-packed.ts',
  './src/x509/der-ber.ts': 'src/device/absent-der-ber.ts',
  './src/mqtt/codec/server-side.ts': 'src/device/absent-mqtt-server-side.ts',
  './src/mqtt/default-transport.ts': 'src/device/absent-default-transport.ts',
  './src/mqtt/transport-error.ts': 'src/device/absent-transport-error.ts',
};

async function bundle(entry, replacements, extra = {}) {
  const packed = JSON.stringify(packErrorCodes(await nodeErrorTable()));
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2020',
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [replace(replacements)],
    metafile: true,
    ...extra,
    define: { __MICROTLS_PACKED_ERROR_CODES__: packed, ...extra.define },
  });
  return { code: r.outputFiles[0].text, metafile: r.metafile };
}

function sizes(name, text) {
  const raw = Buffer.byteLength(text);
  const gz = gzipSync(text, { level: 9 }).length;
  return { name, raw, gz };
}

/** Entry for the XS bundle: B2's src/device/xs.ts once it exists, else the core + MQTT. */
function xsEntry() {
  const real = join(root, 'src/device/xs.ts');
  if (existsSync(real)) return real;
  const tmp = join(out, '.xs-entry.ts');
  writeFileSync(tmp, "export * from '../../src/index.ts';\nexport * from '../../hw/index.ts';\nexport { MqttClient, connect as mqttConnect, whenConnected, parseBrokerUrl } from '../../src/mqtt/index.ts';\n");
  return tmp;
}

// ---- Espruino lowering (Babel) -------------------------------------------------------

const KEYWORDS = new Set(['null', 'true', 'false', 'delete', 'new', 'in', 'do', 'if', 'for', 'while', 'default', 'typeof', 'void',
  'return', 'function', 'var', 'let', 'const', 'class', 'switch', 'case', 'break', 'continue', 'throw', 'try', 'catch', 'finally',
  'instanceof', 'this', 'with', 'else', 'export', 'import', 'super', 'extends', 'debugger', 'yield', 'await']);

/** Regex features Espruino 2v29 does not have (they never match there, silently). */
function regexProblem(pattern) {
  // Drop escapes and character classes first: `\?` and `[?{]` are literal.
  const bare = pattern.replace(/\\./g, 'x').replace(/\[[^\]]*\]/g, 'x');
  if (/\\u/.test(pattern)) return '\\u escape';
  // Espruino's lexer ends a regex literal at the first unescaped `/`, even inside [ ].
  if (/(^|[^\\])\//.test(pattern.replace(/\\\\/g, ''))) return 'unescaped / (write \\/)';
  if (bare.includes('(?')) return 'non-capturing or look-around group';
  if (bare.includes('?')) return '? quantifier';
  if (/\{\d/.test(bare)) return '{n} quantifier';
  return undefined;
}

/**
 * Instance fields become assignments in the constructor, where the language puts them (first
 * in a base class, right after super() in a derived one). Espruino 2v29 has class fields, but
 * `x;` without a value is a syntax error there and fields of a class extending a function
 * constructor corrupt its interpreter state (an assertion in jsvar.c).
 */
function lowerInstanceFields(t, path) {
  const body = path.node.body.body;
  const fields = body.filter((m) => m.type === 'ClassProperty' && !m.static);
  if (!fields.length) return;
  if (fields.some((f) => f.computed)) throw path.buildCodeFrameError('computed class field');
  const assigns = fields.map((f) => t.expressionStatement(t.assignmentExpression('=',
    t.memberExpression(t.thisExpression(), f.key), f.value ?? t.identifier('undefined'))));
  let ctor = body.find((m) => m.type === 'ClassMethod' && m.kind === 'constructor');
  const derived = path.node.superClass != null;
  if (!ctor) {
    // Fixed parameters rather than ...args: spread into super() cannot be lowered without lowering classes.
    const params = derived ? ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((n) => t.identifier(n)) : [];
    const stmts = derived ? [t.expressionStatement(t.callExpression(t.super(), params.map((p) => t.identifier(p.name))))] : [];
    ctor = t.classMethod('constructor', t.identifier('constructor'), params, t.blockStatement(stmts));
    body.unshift(ctor);
  }
  const stmts = ctor.body.body;
  let at = 0;
  if (derived) {
    at = stmts.findIndex((st) => st.type === 'ExpressionStatement' && st.expression.type === 'CallExpression' && st.expression.callee.type === 'Super') + 1;
    if (at === 0) throw path.buildCodeFrameError('derived class with fields whose super() call is not a top-level statement');
  }
  stmts.splice(at, 0, ...assigns);
  path.node.body.body = body.filter((m) => !fields.includes(m));
}

function espruinoPlugin(t, problems) {
  return {
    name: 'espruino-syntax',
    visitor: {
      // export { a as b } -> var __exports = { b: a }
      ExportNamedDeclaration(path) {
        if (path.node.declaration || path.node.source) throw path.buildCodeFrameError('unexpected export form');
        const props = path.node.specifiers.map((s) => t.objectProperty(t.identifier(s.exported.name), t.identifier(s.local.name)));
        path.replaceWith(t.variableDeclaration('var', [t.variableDeclarator(t.identifier('__exports'), t.objectExpression(props))]));
      },
      ExportDefaultDeclaration(path) {
        throw path.buildCodeFrameError('default export in a device bundle');
      },
      // import(x) (the lazily loaded Node transports) -> a rejected promise
      Import(path) {
        const call = path.parentPath;
        call.replaceWith(t.callExpression(t.memberExpression(t.identifier('Promise'), t.identifier('reject')),
          [t.newExpression(t.identifier('Error'), [t.stringLiteral('no dynamic import on this engine')])]));
      },
      // class X { null() {} } is a syntax error on Espruino: define such methods on the prototype after the class.
      Class(path) {
        // super() into a native Error throws "Calling 'super' outside of class" on Espruino 2v29.
        const sup = path.node.superClass;
        if (sup && sup.type === 'Identifier' && /^(Error|TypeError|RangeError)$/.test(sup.name)) sup.name = '__ErrorBase';
        lowerInstanceFields(t, path);
        const moved = [];
        for (const m of path.node.body.body) {
          if (m.type === 'ClassMethod' && !m.computed && m.kind === 'method' && m.key.type === 'Identifier' && KEYWORDS.has(m.key.name)) {
            moved.push(m);
          }
        }
        if (!moved.length) return;
        path.node.body.body = path.node.body.body.filter((m) => !moved.includes(m));
        const stmt = path.getStatementParent();
        let name;
        if (path.node.type === 'ClassDeclaration') name = path.node.id.name;
        else if (stmt.node.type === 'VariableDeclaration' && stmt.node.declarations.length === 1 && stmt.node.declarations[0].init === path.node) {
          name = stmt.node.declarations[0].id.name;
        } else throw path.buildCodeFrameError('keyword-named method in a class that is not bound to a name');
        const assigns = moved.map((m) => {
          const owner = m.static ? t.identifier(name) : t.memberExpression(t.identifier(name), t.identifier('prototype'));
          return t.expressionStatement(t.assignmentExpression('=', t.memberExpression(owner, t.stringLiteral(m.key.name), true),
            t.functionExpression(null, m.params, m.body, m.generator, m.async)));
        });
        stmt.insertAfter(assigns);
      },
      // var A = class B { m() { new B() } }: Espruino does not bind B inside the class, so use A.
      ClassExpression(path) {
        const id = path.node.id;
        const decl = path.parentPath;
        if (!id) return;
        if (decl.node.type !== 'VariableDeclarator' || decl.node.id.type !== 'Identifier') {
          throw path.buildCodeFrameError('named class expression not bound to a variable');
        }
        path.scope.rename(id.name, decl.node.id.name);
        path.node.id = null;
      },
      // Espruino's for-of walks arrays, typed arrays and strings only: Map and Set (polyfilled) go through __iter.
      ForOfStatement(path) {
        const r = path.node.right;
        if (r.type === 'ArrayExpression' || (r.type === 'CallExpression' && r.callee.type === 'Identifier' && r.callee.name === '__iter')) return;
        path.node.right = t.callExpression(t.identifier('__iter'), [r]);
      },
      // An arrow function that uses `this` and is parsed but not run (the unused side of `??`
      // or `?:`) corrupts Espruino 2v29's variable pool (an assertion in jsvar.c at the next
      // garbage collection). As a plain function with `this` captured in a variable it does not.
      ArrowFunctionExpression(path) {
        let usesThis = false;
        path.traverse({
          ThisExpression(inner) { usesThis = true; inner.stop(); },
          FunctionDeclaration(inner) { inner.skip(); },
          FunctionExpression(inner) { inner.skip(); },
          ClassMethod(inner) { inner.skip(); },
          ObjectMethod(inner) { inner.skip(); },
        });
        if (usesThis) path.arrowFunctionToExpression({ allowInsertArrow: false, noNewArrows: true });
      },
      RegExpLiteral(path) {
        const why = regexProblem(path.node.pattern);
        if (why) problems.push(`/${path.node.pattern}/ (${why})`);
      },
      NewExpression(path) {
        if (path.node.callee.type === 'Identifier' && path.node.callee.name === 'RegExp') problems.push('new RegExp(...) (cannot be checked at build time)');
      },
    },
  };
}

const ESPRUINO_KEYWORDS = ['of', 'as', 'get', 'set', 'from', 'async', 'await', 'yield', 'static', 'let'];
const SENTINEL = `__espruino_reserved__(${ESPRUINO_KEYWORDS.filter((k) => !['await', 'yield', 'static', 'let'].includes(k)).join(',')});`;

const FORBIDDEN_AFTER_LOWERING = [
  [/\basync\s+(function|\(|[A-Za-z_$][\w$]*\s*=>)/, 'async function'],
  [/\bawait\s/, 'await'],
  [/\*\*/, '**'],
  [/\?\.[^\d]/, 'optional chaining'],
  [/\bBigInt\b|\b\d+n\b/, 'BigInt'],
  [/function\s*\*/, 'generator'],
];

/**
 * The big-integer backend without BigInt: the limb backend where the tree has one (chosen
 * through backend.ts / backend-limb.ts when present, else bigint-limb.ts in place of
 * bigint.ts), otherwise a stand-in that refuses RSA. MICROTLS_LIMB_DIR points at another
 * checkout's src/crypto for trying a backend that is not merged yet.
 */
function bigintReplacement() {
  const dir = process.env.MICROTLS_LIMB_DIR ? resolve(process.env.MICROTLS_LIMB_DIR) : join(root, 'src/crypto');
  if (existsSync(join(dir, 'backend-limb.ts'))) return { './src/crypto/backend.ts': join(dir, 'backend-limb.ts') };
  const out = {};
  out['./src/crypto/bigint.ts'] = existsSync(join(dir, 'bigint-limb.ts')) ? join(dir, 'bigint-limb.ts') : 'src/device/absent-bigint.ts';
  out['./src/crypto/ecdsa-noble.ts'] = existsSync(join(dir, 'ecdsa-limb.ts')) ? join(dir, 'ecdsa-limb.ts') : 'src/device/absent-ecdsa.ts';
  return out;
}

/**
 * src/error-codes.ts's table as the one string src/device/error-codes-packed.ts reads (its
 * comment has the format): names only, grouped by module. Each code keeps its name; the
 * meanings stay in the Node build.
 */
export function packErrorCodes(entries) {
  const groups = new Map();
  for (const [code, name] of entries) {
    const m = /^(MBEDTLS_ERR_|MICROTLS_ERR_)([A-Z0-9]+_)([A-Z0-9_]+)$/.exec(name);
    if (!m || code >= 0 || !Number.isInteger(code)) throw new Error(`error code ${code} ${name} cannot be packed`);
    const prefix = (m[1] === 'MBEDTLS_ERR_' ? '' : m[1]) + m[2];
    if (!groups.has(prefix)) groups.set(prefix, []);
    groups.get(prefix).push(` ${(-code).toString(16)}:${m[3]}`);
  }
  return [...groups].map(([prefix, list]) => `\n${prefix}${list.join('')}`).join('');
}

/** The Node build's table (src/error-codes.ts) as [code, name, meaning] rows. */
export async function nodeErrorTable() {
  const r = await build({ entryPoints: [join(root, 'src/error-codes.ts')], bundle: true, write: false, format: 'esm', platform: 'neutral', logLevel: 'silent' });
  const mod = await import('data:text/javascript;base64,' + Buffer.from(r.outputFiles[0].text).toString('base64'));
  return [...mod.ERROR_CODES.values()].map((e) => [e.code, e.name, e.meaning]);
}

/** Every module replacement of the Espruino bundle (paths relative to the repo root). */
export function espruinoReplacements() {
  return { ...COMMON_REPLACEMENTS, ...bigintReplacement(), ...ESPRUINO_ONLY_REPLACEMENTS };
}

/** What only the Espruino bundle leaves out or replaces. */
const ESPRUINO_ONLY_REPLACEMENTS = {
  './hw/noble.ts': 'src/device/absent-noble.ts',
  './src/x509/name-constraints.ts': 'src/device/absent-x509-name-constraints.ts',
  './src/x509/webpki.ts': 'src/device/absent-x509-webpki.ts',
  './src/crypto/limb-scan.ts': 'src/device/absent-limb-scan.ts',
};

async function espruinoBundle(log = console.log) {
  const bigint = bigintReplacement();
  log(`  Espruino public-key backend: ${Object.values(bigint).map((f) => f.replace(root + '/', '')).join(', ')}`);
  const { code: bundled, metafile } = await bundle(join(root, 'src/device/espruino.ts'), espruinoReplacements(), {
    // Espruino has ?? and class fields; esbuild must not produce what it lacks when it lowers nothing else.
    // ES2022: class fields stay fields (Espruino has them; lowered ones need super(...arguments)).
    target: 'es2022',
    supported: { 'logical-assignment': false },
  });
  const inputs = Object.keys(metafile.inputs);
  const code = await errorNamesAsCodes(bundled, log);
  if (process.env.DEVICE_BUILD_DEBUG) {
    const m = await transform(code, { minify: true, target: 'es2022' });
    log(`  before lowering: ${(m.code.length / 1024).toFixed(1)} KB minified, ${(gzipSync(m.code).length / 1024).toFixed(1)} KB gzip`);
    const sized = await bundle(join(root, 'src/device/espruino.ts'), espruinoReplacements(),
      { target: 'es2022', minify: true, define: { __MICROTLS_PACKED_ERROR_CODES__: '""' } });
    const rows = Object.entries(Object.values(sized.metafile.outputs)[0].inputs).map(([k, v]) => [k, v.bytesInOutput]).sort((a, b) => b[1] - a[1]);
    const dirs = {};
    for (const [k, v] of rows) { const d = k.split('/').slice(0, 2).join('/'); dirs[d] = (dirs[d] ?? 0) + v; }
    log(Object.entries(dirs).sort((a, b) => b[1] - a[1]).map(([d, v]) => `    ${d} ${(v / 1024).toFixed(1)} KB`).join('\n'));
    log(rows.slice(0, 20).map(([k, v]) => `    ${k} ${(v / 1024).toFixed(1)} KB`).join('\n'));
  }
  const banned = inputs.filter((p) => /node_modules\/(@noble|asn1js|@peculiar|pvtsutils|pvutils)/.test(p));
  if (banned.length) throw new Error(`the Espruino bundle must not contain @noble or asn1js, found:\n  ${banned.join('\n  ')}`);

  const problems = [];
  const babelOut = transformSync(code, {
    babelrc: false,
    configFile: false,
    sourceType: 'module',
    compact: false,
    assumptions: { iterableIsArray: false, setSpreadProperties: true, noDocumentAll: true, ignoreFunctionLength: true },
    plugins: [
      (api) => espruinoPlugin(api.types, problems),
      'babel-plugin-transform-async-to-promises',
      '@babel/plugin-transform-optional-chaining',
      '@babel/plugin-transform-logical-assignment-operators',
      '@babel/plugin-transform-exponentiation-operator',
      '@babel/plugin-transform-object-rest-spread',
      '@babel/plugin-transform-destructuring',
      '@babel/plugin-transform-parameters',
      '@babel/plugin-transform-spread',
      '@babel/plugin-transform-computed-properties',
      '@babel/plugin-external-helpers',
    ],
  }).code;
  if (problems.length) throw new Error(`regular expressions Espruino cannot run (rewrite them in the source):\n  ${[...new Set(problems)].join('\n  ')}`);

  const helpersUsed = [...new Set([...babelOut.matchAll(/babelHelpers\.(\w+)/g)].map((m) => m[1]))].sort();
  const missing = helpersUsed.filter((h) => !ESPRUINO_HELPERS[h]);
  if (missing.length) throw new Error(`Babel helpers without an Espruino implementation: ${missing.join(', ')}`);
  // Each helper a local variable rather than a property of one object: the minifier can give
  // a variable a one-letter name, not a property (~140 call sites).
  const lowered = babelOut.replace(/\bbabelHelpers\.(\w+)/g, '__h_$1');
  const helpers = helpersUsed.map((h) => `var __h_${h}=${ESPRUINO_HELPERS[h]};\n`).join('');
  const { names, code: polyfills } = polyfillsFor(lowered + helpers);

  // Names Espruino's lexer treats as keywords although JS does not (a function named `of` is a
  // syntax error there): an unbound reference to each keeps the minifier from choosing them,
  // and the sentinel statement is removed afterwards.
  // Loaded as a module, Espruino runs the text in a module scope, so each function made in a
  // plain IIFE would hold a copy of the two-scope chain (an array: 3 variables more per function,
  // ~2,300 at load). Deleting the wrapper's hidden scope link first makes its scope the only one;
  // `module` is handed in as an argument instead. As a plain script the wrapper has no such link.
  // The link's name starts with \xff, which minifiers turn into a \u escape Espruino cannot lex,
  // so a placeholder stands in for it until after minification.
  const wrapped = `(function(f){delete f.__espruino_scope__;f(typeof module!=="undefined"&&module)})(function(__module){\n${SENTINEL}\n${polyfills}\n${helpers}${lowered}\n` +
    'if(__module&&__module.exports)__module.exports=__exports;else globalThis.microtls=__exports;\n});\n';
  const min = await transform(wrapped, {
    // DEVICE_BUILD_NOMINIFY=1 keeps names and lines, for reading an Espruino stack trace.
    minifyWhitespace: !process.env.DEVICE_BUILD_NOMINIFY,
    minifyIdentifiers: !process.env.DEVICE_BUILD_NOMINIFY,
    minifySyntax: !process.env.DEVICE_BUILD_NOMINIFY,
    // ES2022 keeps class fields as fields; a lower target turns them into defineProperty calls
    // through a helper outside the bundle's scope.
    target: 'es2022',
    // Do not let the minifier produce syntax Espruino lacks.
    supported: {
      'logical-assignment': false, 'optional-chain': false, 'exponent-operator': false, destructuring: false,
      'default-argument': false, 'rest-argument': false, 'object-rest-spread': false, 'array-spread': false,
      'optional-catch-binding': false, 'nullish-coalescing': true,
    },
    legalComments: 'none',
  });
  const sentinelAt = min.code.indexOf('__espruino_reserved__(');
  if (sentinelAt < 0) throw new Error('the reserved-names sentinel disappeared in minification');
  min.code = min.code.slice(0, sentinelAt) + min.code.slice(min.code.indexOf(';', sentinelAt) + 1);
  const esbuildOnly = min.code;
  if (!process.env.DEVICE_BUILD_NOMINIFY) min.code = await finalMinify(min.code, { module: false, reserved: ESPRUINO_KEYWORDS });
  if (!min.code.includes('.__espruino_scope__')) throw new Error('the wrapper\'s scope placeholder disappeared in minification');
  min.code = min.code.replace('.__espruino_scope__', '["\\xffsco"]');
  // (Checked on minified output only: comments are gone there.)
  for (const [re, what] of process.env.DEVICE_BUILD_NOMINIFY ? [] : FORBIDDEN_AFTER_LOWERING) {
    const m = re.exec(min.code.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""'));
    if (m) throw new Error(`Espruino bundle still contains ${what}: …${m.input.slice(Math.max(0, m.index - 60), m.index + 40)}…`);
  }
  return { code: min.code, esbuildOnly, inputs, polyfills: names, helpers: helpersUsed };
}

/** scripts/build-device-error-literals.mjs over a bundle (DEVICE_BUILD_ERROR_NAMES=0 leaves the names). */
async function errorNamesAsCodes(code, log) {
  if (process.env.DEVICE_BUILD_ERROR_NAMES === '0') return code;
  const r = numericErrorNames(code, errorNameSinks(root), await nodeErrorTable());
  log(`  ${r.replaced} error names at call sites became their codes`);
  return r.code;
}

/**
 * Terser over esbuild's minified output: its compressor and its frequency-ordered names save
 * ~3 KB gzip per bundle over esbuild alone (sizes.json records both). ecma 5 (terser's
 * default) keeps it from rewriting into newer syntax than the input has, which matters for
 * Espruino; `reserved` keeps names Espruino's lexer treats as keywords.
 */
async function finalMinify(code, { module, reserved = [] }) {
  if (process.env.DEVICE_BUILD_TERSER === '0') return code; // for telling a terser fault from another
  // A script (the Espruino bundle) keeps its top level as it is: a name terser put there would
  // be a global of the device.
  const r = await terser(code, { module, toplevel: module, compress: { passes: 3 }, mangle: { toplevel: module, reserved }, format: { comments: false } });
  return r.code;
}

/**
 * The XS bundle's own replacements (XS has BigInt, so RSA stays on bigint.ts): ECDSA on
 * ecdsa-bigint.ts instead of @noble/curves, 2.5-3x faster in xst and xsnap and ~30 KB
 * smaller (test/device/xs-crypto-figures.ts); the provider gaps filled from xsProvider (its
 * own hashes) instead of noble's, so @noble/hashes is left out.
 */
const XS_REPLACEMENTS = {
  // XS has no WebAssembly: the BigInt backend without the wasm kernel.
  './src/crypto/backend.ts': 'src/crypto/backend-bigint.ts',
  './src/crypto/ecdsa-noble.ts': 'src/crypto/ecdsa-bigint.ts',
  './hw/noble.ts': 'src/device/xs-noble-standin.ts',
};

// With static class fields kept, xsnap's XS 13.3 stops loading the bundle ("R: get ?: not
// initialized yet"); lowered, it loads. Instance fields stay.
const XS_SYNTAX = { 'class-static-field': false };

async function xsBundle(log = console.log) {
  // ES2022: instance fields stay fields (XS, xsnap's XS 13, QuickJS and current browsers have them; lowered, they cost 0.3 KB gzip).
  const replacements = { ...COMMON_REPLACEMENTS, ...XS_REPLACEMENTS };
  const { code: bundled, metafile } = await bundle(xsEntry(), replacements, { target: 'es2022', supported: XS_SYNTAX });
  if (process.env.DEVICE_BUILD_DEBUG) logInputSizes((await bundle(xsEntry(), replacements, { minify: true })).metafile, log);
  const { code } = await transform(await errorNamesAsCodes(bundled, log), { minify: true, target: 'es2022', supported: XS_SYNTAX, format: 'esm', legalComments: 'none' });
  return { code: await finalMinify(code, { module: true }), inputs: Object.keys(metafile.inputs), esbuildOnly: code };
}

/** Builds both bundles into dist/device; returns their sizes (and whether one is over budget). */
export async function buildDevice({ only, log = console.log } = {}) {
  mkdirSync(out, { recursive: true });
  const results = [];
  let failed = false;
  for (const [name, make, file] of [['xs', xsBundle, 'microtls.xs.js'], ['espruino', espruinoBundle, 'microtls.espruino.js']]) {
    if (only && only !== name) continue;
    const b = await make(log);
    writeFileSync(join(out, file), b.code);
    const s = sizes(file, b.code);
    const over = s.gz > BUDGET[name];
    failed ||= over;
    const { raw: esbuildRaw, gz: esbuildGz } = sizes(file, b.esbuildOnly);
    results.push({ ...s, path: join(out, file), budget: BUDGET[name], over, esbuildOnly: { raw: esbuildRaw, gz: esbuildGz },
      inputs: b.inputs, polyfills: b.polyfills, helpers: b.helpers });
    const kb = (n) => (n / 1024).toFixed(1);
    log(`${`dist/device/${file}`.padEnd(34)} ${kb(s.raw).padStart(6)} KB minified  ${kb(s.gz).padStart(5)} KB gzip` +
      `  (budget ${BUDGET[name] / 1024} KB gzip: ${over ? `OVER by ${kb(s.gz - BUDGET[name])} KB` : `${kb(BUDGET[name] - s.gz)} KB to spare`};` +
      ` esbuild alone ${kb(esbuildGz)} KB gzip)`);
    if (b.polyfills) log(`  polyfills: ${b.polyfills.join(', ') || 'none'}; lowering helpers: ${b.helpers.join(', ') || 'none'}`);
  }
  if (!only) writeFileSync(join(out, 'sizes.json'), JSON.stringify(results, null, 2) + '\n');
  return { results, failed };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { failed } = await buildDevice();
  if (failed) {
    console.error('build:device: a bundle exceeds its size budget');
    process.exit(1);
  }
}

/** DEVICE_BUILD_DEBUG=1: the minified bytes each input and each package or source folder adds. */
function logInputSizes(metafile, log) {
  const rows = Object.entries(Object.values(metafile.outputs)[0].inputs).map(([k, v]) => [k, v.bytesInOutput]).sort((a, b) => b[1] - a[1]);
  const groups = {};
  for (const [k, v] of rows) {
    const g = k.includes('node_modules/') ? k.replace(/.*node_modules\/(@[^/]+\/[^/]+|[^/]+).*/, '$1') : k.split('/').slice(0, 2).join('/');
    groups[g] = (groups[g] ?? 0) + v;
  }
  log(Object.entries(groups).sort((a, b) => b[1] - a[1]).map(([d, v]) => `    ${d} ${(v / 1024).toFixed(1)} KB`).join('\n'));
  log(rows.slice(0, 40).map(([k, v]) => `    ${k} ${(v / 1024).toFixed(1)} KB`).join('\n'));
}
