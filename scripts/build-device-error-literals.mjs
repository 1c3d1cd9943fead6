// Device bundles: error names written at call sites (`fail('SSL_INVALID_RECORD', …)`) become
// the codes they stand for (-0x7200). The source names errors for the reader and the type
// checker; on a device each name is ~25 bytes of text repeated at ~200 sites, and looked up in
// the error table at every throw. Every function that takes an ErrorName hands it on to
// MicroTlsError, which takes a number as well.
//
// Only positions the source's types declare are rewritten: a parameter annotated ErrorName
// (found by parsing src/ and hw/ with Babel's TypeScript parser), the argument of
// errorCode('…') (the call becomes its value), and a `const` holding a name whose every use is
// such a position. A name anywhere else (compared with err.codeName, shown to a user) stays text.
import { parse } from '@babel/parser';
import { parseSync, traverse, transformFromAstSync, types as t } from '@babel/core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// esbuild renames a clashing top-level name by appending digits (fail -> fail2).
const baseName = (n) => n.replace(/\d+$/, '');

function mentionsErrorName(typeNode) {
  let found = false;
  const walk = (n) => {
    if (!n || typeof n !== 'object' || found) return;
    if (n.type === 'TSTypeReference' && n.typeName.type === 'Identifier' && n.typeName.name === 'ErrorName') found = true;
    for (const k of Object.keys(n)) if (k !== 'loc' && k !== 'start' && k !== 'end') walk(n[k]);
  };
  walk(typeNode);
  return found;
}

/**
 * Functions and classes (constructors) of the source with ErrorName parameters:
 * Map name -> parameter indexes. Skips src/node and src/cli (not in a device bundle).
 */
export function errorNameSinks(root) {
  // name -> one Set of ErrorName parameter indexes per declaration of that name
  const seen = new Map();
  const record = (name, list) => {
    const idx = new Set();
    list.forEach((p, i) => {
      const inner = p.type === 'TSParameterProperty' ? p.parameter : p;
      const ann = inner.type === 'AssignmentPattern' ? inner.left.typeAnnotation : inner.typeAnnotation;
      if (ann && mentionsErrorName(ann)) idx.add(i);
    });
    if (!seen.has(name)) seen.set(name, []);
    seen.get(name).push(idx);
  };
  const files = [...tsFiles(join(root, 'src')), ...tsFiles(join(root, 'hw'))].filter((f) => !/\/src\/(node|cli)\//.test(f));
  for (const file of files) {
    const ast = parse(readFileSync(file, 'utf8'), { sourceType: 'module', plugins: ['typescript'] });
    // Module-level and nested declarations are told apart (a bundle keeps module-level ones at its top level).
    const key = (p, name) => {
      const scope = p.isVariableDeclarator() ? p.scope : p.parentPath.scope;
      return (scope.getBinding(name)?.scope.path.isProgram() ? 'top ' : 'inner ') + baseName(name);
    };
    traverse(ast, {
      FunctionDeclaration(p) { if (p.node.id) record(key(p, p.node.id.name), p.node.params); },
      VariableDeclarator(p) {
        const init = p.node.init;
        if (p.node.id.type === 'Identifier' && init && /^(Arrow)?FunctionExpression$/.test(init.type)) record(key(p, p.node.id.name), init.params);
      },
      Class(p) {
        if (!p.node.id) return;
        const ctor = p.node.body.body.find((m) => m.type === 'ClassMethod' && m.kind === 'constructor');
        record(key(p, p.node.id.name), ctor ? ctor.params : []);
      },
    });
  }
  // A name is a sink at an index only if every declaration of that name agrees: a local
  // `fail(reason)` elsewhere must not be mistaken for errors.ts's `fail(name, message)`.
  const sinks = new Map();
  for (const [name, decls] of seen) {
    const common = [...decls[0]].filter((i) => decls.every((d) => d.has(i)));
    if (common.length) sinks.set(name, new Set(common));
  }
  return sinks;
}

/** Rewrites `code` (a bundle, unminified); returns the new text and how many names became codes. */
export function numericErrorNames(code, sinks, table) {
  const codes = new Map();
  for (const [c, name] of table) {
    codes.set(name, c);
    if (name.startsWith('MBEDTLS_ERR_')) codes.set(name.slice('MBEDTLS_ERR_'.length), c);
  }
  const num = (c) => t.unaryExpression('-', t.numericLiteral(-c));
  const ast = parseSync(code, { sourceType: 'module', babelrc: false, configFile: false });
  let replaced = 0;
  const sinkArgs = []; // paths of expressions in ErrorName positions

  // Only the bundle's top-level functions and classes: each is one module-level declaration of the source.
  const topLevel = (path, id) => (path.scope.getBinding(id.name)?.scope.path.isProgram() ? 'top ' + baseName(id.name) : undefined);
  const superSink = (path) => {
    const cls = path.findParent((p) => p.isClass());
    const sup = cls?.node.superClass;
    return sup && sup.type === 'Identifier' ? sinks.get(topLevel(cls, sup)) : undefined;
  };
  traverse(ast, {
    'CallExpression|NewExpression'(path) {
      const callee = path.node.callee;
      let indexes;
      if (callee.type === 'Identifier') {
        const name = topLevel(path, callee);
        if (name === 'top errorCode' && path.node.arguments.length === 1) {
          const a = path.node.arguments[0];
          if (a.type === 'StringLiteral' && codes.has(a.value)) {
            path.replaceWith(num(codes.get(a.value)));
            replaced++;
            return;
          }
        }
        if (name === 'top errorCode') return; // errorCode(x) needs a name: only a literal call is folded above
        indexes = sinks.get(name);
      } else if (callee.type === 'Super') {
        indexes = superSink(path);
      }
      if (!indexes) return;
      for (const i of indexes) {
        const arg = path.get(`arguments.${i}`);
        if (arg && arg.node) sinkArgs.push(arg);
      }
    },
  });

  const constInits = new Map(); // binding -> declarator init path
  const inSink = new Set();
  const visit = (p) => {
    if (!p || !p.node) return;
    inSink.add(p.node);
    if (p.isConditionalExpression()) { visit(p.get('consequent')); visit(p.get('alternate')); }
    else if (p.isLogicalExpression() && (p.node.operator === '??' || p.node.operator === '||')) visit(p.get('right'));
    else if (p.isStringLiteral() && codes.has(p.node.value)) { p.replaceWith(num(codes.get(p.node.value))); replaced++; }
    else if (p.isIdentifier()) {
      const b = p.scope.getBinding(p.node.name);
      if (b && b.kind === 'const' && b.path.isVariableDeclarator()) constInits.set(b, b.path.get('init'));
    }
  };
  for (const a of sinkArgs) visit(a);
  for (const [binding, init] of constInits) {
    if (!init.isStringLiteral() || !codes.has(init.node.value)) continue;
    if (!binding.referencePaths.every((r) => inSink.has(r.node))) continue;
    init.replaceWith(num(codes.get(init.node.value)));
    replaced++;
  }
  const out = transformFromAstSync(ast, code, { babelrc: false, configFile: false, compact: false, code: true }).code;
  return { code: out, replaced };
}
