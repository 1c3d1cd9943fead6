/**
 * The public-key arithmetic backend every caller in src/crypto imports (rsa.ts, ecdsa.ts,
 * keys.ts). This default is BigInt (bigint.ts) and @noble/curves: on V8 both are faster
 * than the limb backend (see the README's figures). A build for an engine without BigInt
 * replaces this module with backend-limb.ts, which has the same exports and no BigInt at
 * all (scripts/limb-backend-plugin.mjs does it for esbuild).
 */
export { bitLength, compareUnsigned, isOdd, modExp, rsaKeyProblem, rsaPrivate, stripLeadingZeros } from './bigint.js';
export { ecdsaVerifyCompact, ecPointUncompressed } from './ecdsa-noble.js';
export const BACKEND_NAME: string = 'BigInt';
