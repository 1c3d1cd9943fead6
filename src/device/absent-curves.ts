/**
 * Stands in for src/crypto/ec-curves.ts (@noble/curves) in the Espruino bundle until the
 * BigInt-free ECDSA lands: @noble/curves needs BigInt, which Espruino lacks. ECDSA
 * certificates and keys are then refused with a typed error; RSA is unaffected.
 */
import { fail } from '../errors.js';

const unavailable = {
  verify(): boolean {
    return false;
  },
  Point: {
    fromBytes(): never {
      return fail('PK_FEATURE_UNAVAILABLE', 'ECDSA is not available in this device build');
    },
  },
};

export const NOBLE_CURVES = { 'P-256': unavailable, 'P-384': unavailable, 'P-521': unavailable } as const;
