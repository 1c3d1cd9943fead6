/**
 * The public-key arithmetic backend every caller in src/crypto imports (rsa.ts, ecdsa.ts,
 * keys.ts). RSA: on a host with WebAssembly (Node) the WebAssembly Montgomery kernel
 * (bigint-wasm.ts over limb-wasm.ts), which measures faster than V8 BigInt for both the
 * public and the private operation; without WebAssembly (XS), or for a modulus the kernel
 * does not take, BigInt (bigint.ts). The choice is made per call at run time: the kernel is
 * compiled on first use, and wasmKernel() is undefined where there is none. ECDSA:
 * @noble/curves. A build for an engine without BigInt replaces this module with
 * backend-limb.ts, which has the same exports and neither BigInt nor WebAssembly
 * (scripts/limb-backend-plugin.mjs does it for esbuild). Figures: README, "Big-integer backends".
 */
import * as big from './bigint.js';
import { wasmModExp, wasmRsaPrivate } from './bigint-wasm.js';
import type { RsaPrivateKey } from './key-types.js';

export { bitLength, compareUnsigned, isOdd, rsaKeyProblem, stripLeadingZeros } from './bigint.js';
export { ecdsaVerifyCompact, ecPointUncompressed } from './ecdsa-noble.js';
export const BACKEND_NAME: string = 'WebAssembly where present, else BigInt';

/** base^exp mod modulus (public exponents); see bigint.ts. */
export function modExp(base: Uint8Array, exp: Uint8Array, modulus: Uint8Array): Uint8Array {
  const r = wasmModExp(base, exp, modulus);
  return r === undefined ? big.modExp(base, exp, modulus) : r;
}

/** The RSA private operation with CRT and blinding; see bigint.ts. */
export function rsaPrivate(key: RsaPrivateKey, input: Uint8Array, randomBytes: (n: number) => Uint8Array): Uint8Array {
  const r = wasmRsaPrivate(key, input, randomBytes);
  return r === undefined ? big.rsaPrivate(key, input, randomBytes) : r;
}
