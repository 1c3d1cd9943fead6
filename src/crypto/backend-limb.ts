/**
 * The BigInt-free backend: the same exports as backend.ts, on the limb arithmetic (RSA in
 * bigint-limb.ts, ECDSA in ecdsa-limb.ts). A device build (Espruino) substitutes this module
 * for backend.ts, so neither BigInt nor @noble/curves is in the bundle; the substitution is
 * scripts/limb-backend-plugin.mjs (an esbuild plugin).
 */
export { bitLength, compareUnsigned, isOdd, modExp, rsaKeyProblem, rsaPrivate, stripLeadingZeros } from './bigint-limb.js';
export { ecdsaVerifyCompact, ecPointUncompressed } from './ecdsa-limb.js';
export const BACKEND_NAME: string = 'limb';
