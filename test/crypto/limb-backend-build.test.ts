/**
 * The BigInt-free build: bundling src/crypto's public API (RSA, ECDSA, key import, signature
 * verification) with scripts/limb-backend-plugin.mjs swaps backend.ts for backend-limb.ts, and
 * the bundle then holds no BigInt syntax or call, nothing of @noble/curves and not the
 * WebAssembly kernel. The same bundle without the plugin does hold them, so the check can fail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { REPO_ROOT } from '../helpers/engines.js';
// @ts-expect-error plain ESM script without types
import { limbBackendPlugin } from '../../scripts/limb-backend-plugin.mjs';
import { buildDevice } from '../../scripts/build-device.mjs';

const ENTRY = [
  "export { rsaEncryptPkcs1v15, rsaSignPkcs1v15, rsaVerifyPkcs1v15 } from './src/crypto/rsa.js';",
  "export { ecdsaVerify } from './src/crypto/ecdsa.js';",
  "export { importPrivateKey, importPublicKey } from './src/crypto/keys.js';",
  "export { verifySignature } from './src/crypto/signature.js';",
].join('\n');

async function bundle(withPlugin: boolean): Promise<{ text: string; inputs: string[] }> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: REPO_ROOT, loader: 'ts' },
    bundle: true, write: false, format: 'esm', platform: 'neutral', target: 'es2020', metafile: true,
    mainFields: ['module', 'main'], conditions: ['import', 'default'], logLevel: 'silent',
    plugins: withPlugin ? [limbBackendPlugin] : [],
  });
  return { text: result.outputFiles![0]!.text, inputs: Object.keys(result.metafile!.inputs) };
}

const BIGINT = /\bBigInt\s*\(|\b\d+n\b/;

const WASM_FILES = /src\/crypto\/(limb-wasm|bigint-wasm)/;

test('with the limb plugin: backend-limb.ts in, no BigInt, no bigint.ts, no @noble/curves, no wasm kernel', async () => {
  const { text, inputs } = await bundle(true);
  assert.ok(inputs.includes('src/crypto/backend-limb.ts'), inputs.join(' '));
  assert.ok(inputs.includes('src/crypto/ecdsa-limb.ts'));
  assert.not.ok(inputs.some((p) => p.endsWith('src/crypto/bigint.ts') || p.endsWith('src/crypto/backend.ts')), inputs.join(' '));
  assert.not.ok(inputs.some((p) => p.includes('@noble/curves')), 'no @noble/curves');
  assert.not.ok(inputs.some((p) => WASM_FILES.test(p)), 'no wasm kernel');
  assert.not.match(text, BIGINT);
});

test('without it (the default): the BigInt backend, the wasm kernel and noble are what is bundled', async () => {
  const { text, inputs } = await bundle(false);
  assert.ok(inputs.includes('src/crypto/bigint.ts'));
  assert.ok(inputs.includes('src/crypto/bigint-wasm.ts') && inputs.includes('src/crypto/limb-wasm-bytes.ts'), inputs.join(' '));
  assert.not.ok(inputs.includes('src/crypto/limb-wasm-emit.ts'), 'the emitter is not a run-time module');
  assert.ok(inputs.some((p) => p.includes('@noble/curves')));
  assert.match(text, BIGINT);
});

test('the XS bundle (no WebAssembly there) takes backend-bigint.ts: BigInt, without the wasm kernel', async () => {
  const { results } = await buildDevice({ only: 'xs', log: () => undefined });
  const inputs = results[0]!.inputs;
  assert.ok(inputs.includes('src/crypto/backend-bigint.ts'), inputs.join(' '));
  assert.ok(inputs.includes('src/crypto/bigint.ts'));
  assert.not.ok(inputs.some((p) => WASM_FILES.test(p) || p.endsWith('src/crypto/backend.ts')), inputs.filter((p) => p.includes('crypto')).join(' '));
});

test.run();
