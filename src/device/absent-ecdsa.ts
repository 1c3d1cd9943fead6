/**
 * Stands in for src/crypto/ecdsa-noble.ts in the Espruino bundle while the tree has no
 * BigInt-free ECDSA (ecdsa-limb.ts): @noble/curves needs BigInt, which Espruino lacks.
 * ECDSA signatures then do not verify and EC keys are refused, with typed errors; RSA is
 * unaffected. scripts/build-device.mjs switches to the limb ECDSA as soon as it exists.
 */
import { fail } from '../errors.js';
import type { EcCurveName } from '../crypto/key-types.js';

export function ecdsaVerifyCompact(_curve: EcCurveName, _point: Uint8Array, _digest: Uint8Array, _compact: Uint8Array): boolean {
  return false;
}

export function ecPointUncompressed(curve: EcCurveName, _point: Uint8Array): Uint8Array {
  return fail('PK_FEATURE_UNAVAILABLE', `ECDSA (${curve}) is not available in this device build`);
}
