/**
 * The BigInt-free build: bundling src/crypto's public API (RSA, ECDSA, key import, signature
 * verification) with scripts/limb-backend-plugin.mjs swaps backend.ts for backend-limb.ts, and
 * the bundle then holds no BigInt syntax or call and nothing of @noble/curves. The same bundle
 * without the plugin does hold them, so the check can fail.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { REPO_ROOT } from '../helpers/engines.js';
// @ts-expect-error plain ESM script without types
import { limbBackendPlugin } from '../../scripts/limb-backend-plugin.mjs';

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

test('with the limb plugin: backend-limb.ts in, no BigInt, no bigint.ts, no @noble/curves', async () => {
  const { text, inputs } = await bundle(true);
  assert.ok(inputs.includes('src/crypto/backend-limb.ts'), inputs.join(' '));
  assert.ok(inputs.includes('src/crypto/ecdsa-limb.ts'));
  assert.not.ok(inputs.some((p) => p.endsWith('src/crypto/bigint.ts') || p.endsWith('src/crypto/backend.ts')), inputs.join(' '));
  assert.not.ok(inputs.some((p) => p.includes('@noble/curves')), 'no @noble/curves');
  assert.not.match(text, BIGINT);
});

test('without it (the default): the BigInt backend and noble are what is bundled', async () => {
  const { text, inputs } = await bundle(false);
  assert.ok(inputs.includes('src/crypto/bigint.ts'));
  assert.ok(inputs.some((p) => p.includes('@noble/curves')));
  assert.match(text, BIGINT);
});

test.run();
