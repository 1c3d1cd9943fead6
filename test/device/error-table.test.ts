/**
 * The device bundles' error table (src/device/error-codes-packed.ts, filled by
 * scripts/build-device.mjs): names only, packed. Every code of the Node table
 * (src/error-codes.ts) must come back with its name both ways, in Node from the module as the
 * build packs it, and inside xst and Espruino from the built bundles.
 * The engine parts need ../shared/engines/xst and ../shared/engines/espruino (or XST= /
 * ESPRUINO=); each is skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { nodeErrorTable, packErrorCodes } from '../../scripts/build-device.mjs';
import { errorNameSinks, numericErrorNames } from '../../scripts/build-device-error-literals.mjs';
import { ERROR_CODES as NODE_CODES } from '../../src/error-codes.js';
import { enginePath, engineMissing, findXst } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';
import { writeXsBundle } from './xs-bundle.js';

type Packed = typeof import('../../src/device/error-codes-packed.js');

async function packedModule(): Promise<Packed> {
  const r = await build({
    entryPoints: [join(import.meta.dirname, '../../src/device/error-codes-packed.ts')], bundle: true, write: false, format: 'esm',
    platform: 'neutral', logLevel: 'silent', define: { __MICROTLS_PACKED_ERROR_CODES__: JSON.stringify(packErrorCodes(await nodeErrorTable())) },
  });
  return import('data:text/javascript;base64,' + Buffer.from(r.outputFiles[0]!.text).toString('base64')) as Promise<Packed>;
}

const expected = [...NODE_CODES.values()].map((e) => [e.code, e.name] as [number, string]).sort((a, b) => a[0] - b[0]);

test('the packed table gives every code of the Node table its name, and every name its code', async () => {
  const m = await packedModule();
  assert.is(m.ERROR_CODES.size, NODE_CODES.size);
  assert.equal([...m.ERROR_CODES.entries()].map(([c, e]) => [c, e.name]).sort((a, b) => (a[0] as number) - (b[0] as number)), expected);
  for (const [code, name] of expected) {
    assert.equal(m.ERROR_CODES.get(code), { code, name, meaning: '' }, name);
    assert.ok(m.ERROR_CODES.has(code));
    assert.is(m.errorCode(name as never), code, name);
    assert.is(m.describeError(name)?.code, code, name);
    assert.is(m.describeError(m.formatCode(code))?.name, name);
    if (name.startsWith('MBEDTLS_ERR_')) assert.is(m.errorCode(name.slice('MBEDTLS_ERR_'.length) as never), code);
  }
});

test('the packed table refuses what is not a code, as the Node one does', async () => {
  const m = await packedModule();
  for (const v of [0, 0x7780, -0x7781, -1.5, Number.NaN, -0x80]) {
    assert.is(m.ERROR_CODES.get(v), undefined, String(v));
    assert.is(m.describeError(v), NODE_CODES.get(v), String(v));
  }
  for (const s of ['', 'SSL_', 'MBEDTLS_ERR_SSL', 'FATAL_ALERT_MESSAGE', 'SSL_FATAL_ALERT_MESSAGE_', '0xzz']) {
    assert.is(m.describeError(s), undefined, s);
  }
  assert.is(m.describeError(' 0x7780 ')?.name, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
  assert.is(m.describeError('30592')?.name, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
  assert.throws(() => m.errorCode('SSL_NO_SUCH_THING' as never), /unknown error name/);
});

test('the packer refuses a name it could not decode', () => {
  assert.throws(() => packErrorCodes([[-0x7080, 'MBEDTLS_ERR_SSL FEATURE', '']]), /cannot be packed/);
  assert.throws(() => packErrorCodes([[0x7080, 'MBEDTLS_ERR_SSL_FEATURE', '']]), /cannot be packed/);
  assert.throws(() => packErrorCodes([[-0x7080, 'OTHER_ERR_SSL_FEATURE', '']]), /cannot be packed/);
});

test('the build writes codes for error names only where the source types them ErrorName', async () => {
  const sinks = errorNameSinks(join(import.meta.dirname, '../..'));
  assert.equal([...sinks.get('top fail')!], [0], "errors.ts fail(name, …), not verify.ts's local fail(flags, …)");
  assert.equal([...sinks.get('top tlsError')!], [0]);
  assert.equal([...sinks.get('top ByteReader')!], [1]);
  const table = await nodeErrorTable();
  const src = [
    'class MicroTlsError extends Error { constructor(code, m) { super(m); } }',
    'class Sub extends MicroTlsError { constructor() { super("SSL_TIMEOUT", "x"); } }',
    'function fail(name, m) { throw new MicroTlsError(name, m); }',
    'function errorCode(n) { return n; }',
    'const CODE = "X509_INVALID_NAME";',
    'const SHOWN = "X509_INVALID_DATE";',
    'export function a(e, ok) {',
    '  fail("SSL_INVALID_RECORD", "m");',
    '  fail2("SSL_INVALID_MAC", "m");',
    '  new MicroTlsError(ok ? "NET_RECV_FAILED" : e.code ?? "MBEDTLS_ERR_NET_CONNECT_FAILED", "m");',
    '  fail(CODE, "m"); fail(CODE, "n");',
    '  fail(SHOWN, "m"); console.log(SHOWN);',
    '  if (e.codeName === "MBEDTLS_ERR_NET_CONN_RESET") return errorCode("X509_CERT_VERIFY_FAILED");',
    '  const local = (reason) => reason; local("SSL_CONN_EOF");',
    '  { const fail = (flags) => flags; fail("SSL_BAD_CONFIG"); }',
    '  return [fail("NOT_A_CODE", "m"), "SSL_TIMEOUT"];',
    '}',
    'function fail2(name, m) { throw new MicroTlsError(name, m); }',
  ].join('\n');
  const r = numericErrorNames(src, sinks, table);
  const out = r.code;
  assert.match(out, /super\(-26624, "x"\)/, 'super() of a MicroTlsError subclass');
  assert.match(out, /fail\(-29184, "m"\)/);
  assert.match(out, /fail2\(-29056, "m"\)/, 'esbuild-renamed top-level function');
  assert.match(out, /ok \? -76 : e\.code \?\? -68/, 'both sides of ?: and the right of ??');
  assert.match(out, /const CODE = -9088/, 'a const used only as an error name');
  assert.match(out, /const SHOWN = "X509_INVALID_DATE"/, 'a const also used elsewhere stays text');
  assert.match(out, /e\.codeName === "MBEDTLS_ERR_NET_CONN_RESET"/, 'a comparison stays text');
  assert.match(out, /return -9984/, 'errorCode("…") folds to its value');
  assert.match(out, /local\("SSL_CONN_EOF"\)/);
  assert.match(out, /fail\("SSL_BAD_CONFIG"\)/, 'a nested function that shares a sink\'s name');
  assert.match(out, /fail\("NOT_A_CODE", "m"\)/);
  assert.match(out, /"SSL_TIMEOUT"\]/);
  assert.is(r.replaced, 7);
});

const xst = findXst();
if (!xst.path) {
  test.skip(`error table in xst — ${xst.note}`, () => {});
} else {
  test('inside xst: the XS bundle names every code', async () => {
    const bundle = await writeXsBundle([]);
    try {
      const main = join(bundle.dir, 'main.js');
      writeFileSync(main, "import { ERROR_CODES, errorCode, describeError } from './microtls.xs.js';\n"
        + "print(JSON.stringify({ all: [...ERROR_CODES.entries()].map(([c, e]) => [c, e.name]), fatal: describeError(-0x7780).name, verify: errorCode('X509_CERT_VERIFY_FAILED') }));\n");
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(xst.path!, ['-m', main], { timeout: 60_000 }, (err, out, errText) => (err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out)));
      });
      const r = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { all: [number, string][]; fatal: string; verify: number };
      assert.equal(r.all.sort((a, b) => a[0] - b[0]), expected);
      assert.is(r.fatal, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
      assert.is(r.verify, -0x2700);
    } finally {
      bundle.remove();
    }
  });
}

if (!enginePath('espruino')) {
  test.skip(`error table in Espruino — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: the Espruino bundle names every code, and a thrown error carries its name', async () => {
    const run = await runInEspruino(`
      var all = microtls.ERROR_CODES.entries().map(function (e) { return [e[0], e[1].name]; });
      var thrown;
      try { microtls.fail('SSL_BAD_HS_FINISHED', 'tampered'); } catch (e) { thrown = [e.code, e.codeName, e.message]; }
      out({ event: 'table', all: all, fatal: microtls.describeError(-0x7780).name, verify: microtls.errorCode('X509_CERT_VERIFY_FAILED'), thrown: thrown });
      done();
    `);
    const r = eventOf(run, 'table') as unknown as { all: [number, string][]; fatal: string; verify: number; thrown: [number, string, string] };
    assert.equal(r.all.sort((a, b) => a[0] - b[0]), expected);
    assert.is(r.fatal, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
    assert.is(r.verify, -0x2700);
    assert.equal(r.thrown, [-0x7e80, 'MBEDTLS_ERR_SSL_BAD_HS_FINISHED', '-0x7e80 MBEDTLS_ERR_SSL_BAD_HS_FINISHED: tampered']);
  });
}

test.run();
