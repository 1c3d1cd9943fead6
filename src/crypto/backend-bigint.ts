/**
 * The BigInt backend alone: bigint.ts for RSA and @noble/curves for ECDSA, the same exports as
 * backend.ts without the WebAssembly kernel. The XS bundle substitutes it for backend.ts
 * (scripts/build-device.mjs): XS has BigInt but no WebAssembly, so the kernel's glue and
 * bytes would only be weight there.
 */
export { bitLength, compareUnsigned, isOdd, modExp, rsaKeyProblem, rsaPrivate, stripLeadingZeros } from './bigint.js';
export { ecdsaVerifyCompact, ecPointUncompressed } from './ecdsa-noble.js';
export const BACKEND_NAME: string = 'BigInt';
