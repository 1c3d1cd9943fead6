/**
 * The curve arithmetic of the default (BigInt) backend: @noble/curves. The limb backend's
 * counterpart is ecdsa-limb.ts; backend.ts / backend-limb.ts pick one per build.
 */
import { NOBLE_CURVES } from './ec-curves.js';
import type { EcCurveName } from './key-types.js';

/** r || s (each the field size) over `digest`, against an uncompressed point; false for anything invalid. */
export function ecdsaVerifyCompact(curve: EcCurveName, point: Uint8Array, digest: Uint8Array, compact: Uint8Array): boolean {
  return NOBLE_CURVES[curve].verify(compact, digest, point, { prehash: false, lowS: false, format: 'compact' });
}

/** The uncompressed form (04 || X || Y) of a SEC1 point on the curve, not the identity; throws otherwise. */
export function ecPointUncompressed(curve: EcCurveName, point: Uint8Array): Uint8Array {
  const P = NOBLE_CURVES[curve].Point.fromBytes(point);
  P.assertValidity();
  return P.toBytes(false);
}
