/**
 * Wycheproof RSA PKCS#1 v1.5 on the WebAssembly Montgomery kernel (bigint-wasm.ts), the SIMD
 * module Node runs: every signature, sig_gen and decryption file (wycheproof-rsa-engine.ts).
 * The hooks refuse to fall back, so a case the kernel did not compute fails instead of passing
 * on another backend. limb-wasm.test.ts runs the scalar module against a reference.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { wasmModExp, wasmRsaPrivate } from '../../src/crypto/bigint-wasm.js';
import { wasmKernel } from '../../src/crypto/limb-wasm.js';
import type { RsaPrivateKey } from '../../src/crypto/key-types.js';
import { wycheproofRsaTests } from './wycheproof-rsa-engine.js';

const rnd = (n: number): Uint8Array => new Uint8Array(crypto.randomBytes(n));

test('Node has the SIMD kernel', () => {
  assert.ok(wasmKernel()?.simd);
});

wycheproofRsaTests('wasm kernel', {
  rsaPublic: (modulus, e, input) => {
    const r = wasmModExp(input, e, modulus);
    if (r === undefined) throw new Error('the wasm kernel did not take this modulus');
    return r;
  },
  rsaPrivate: (key, input) => {
    const r = wasmRsaPrivate(key as RsaPrivateKey, input, rnd);
    if (r === undefined) throw new Error('the wasm kernel did not take this key');
    return r;
  },
}, rnd);

test.run();
