/**
 * The package as a user gets it: compiled with the build config into a scratch package
 * (package.json, dist/, bin/, nothing else), then imported through its `exports` map and
 * run through its `bin`. Catches entry points that point nowhere, sources that only work
 * under tsx, and Node imports leaking into the portable core.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';

const root = process.cwd();
const scratch = mkdtempSync(join(tmpdir(), 'microtls-pkg-'));
const pkgDir = join(scratch, 'node_modules', 'microtls');
test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.before(() => {
  mkdirSync(pkgDir, { recursive: true });
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkgDir, 'dist')],
    { cwd: root, stdio: 'pipe', timeout: 120_000 });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify(pkg));
  cpSync(join(root, 'bin'), join(pkgDir, 'bin'), { recursive: true });
  // Only the runtime dependencies are visible to the installed package.
  for (const dep of Object.keys(pkg['dependencies'] as Record<string, string>)) {
    const target = join(scratch, 'node_modules', ...dep.split('/'));
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', ...dep.split('/')), target, 'dir');
  }
});

function runInScratch(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: scratch, encoding: 'utf8', timeout: 30_000 });
}

test('every entry point of the exports map resolves and exposes its API', () => {
  const out = runInScratch(`
    const core = await import('microtls');
    const node = await import('microtls/node');
    const mqtt = await import('microtls/mqtt');
    const hw = await import('microtls/hw');
    console.log(JSON.stringify({
      core: ['TlsClient', 'verifyChain', 'describeCertificate', 'describeError', 'MicroTlsError', 'parseSession'].filter((k) => typeof core[k] !== 'function'),
      node: ['connect', 'sntpQuery'].filter((k) => typeof node[k] !== 'function'),
      mqtt: ['connect', 'connectAsync'].filter((k) => typeof mqtt[k] !== 'function'),
      hw: ['completeProvider', 'createEspruinoProvider', 'createCountingProvider'].filter((k) => typeof hw[k] !== 'function'),
    }));`);
  assert.equal(JSON.parse(out), { core: [], node: [], mqtt: [], hw: [] });
});

test('the portable core and hw entry import no Node built-in, anywhere in their module graph', () => {
  // Walks the compiled files' static and dynamic imports from the two portable entry points.
  // (A runtime check cannot tell: Node itself lazily loads builtins such as stream when a
  // dependency touches globalThis.crypto.)
  const builtins = new Set(builtinModules);
  const seen = new Set<string>();
  const offending: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(join(dirname(file), spec));
      else if (spec.startsWith('node:') || builtins.has(spec.split('/')[0]!)) offending.push(`${file.slice(pkgDir.length)} -> ${spec}`);
    }
  };
  visit(join(pkgDir, 'dist/src/index.js'));
  visit(join(pkgDir, 'dist/hw/index.js'));
  assert.ok(seen.size > 50, `walked ${seen.size} files`);
  assert.equal(offending, []);
});

test('the bin runs from the installed package (compiled, no tsx)', () => {
  const out = execFileSync(process.execPath, [join(pkgDir, 'bin', 'microtls.js'), 'errors', '-0x2700'], { cwd: scratch, encoding: 'utf8', timeout: 30_000 });
  assert.match(out, /MBEDTLS_ERR_X509_CERT_VERIFY_FAILED/);
});

test.run();
