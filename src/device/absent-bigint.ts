/**
 * Stands in for src/crypto/bigint.ts in the Espruino bundle while no BigInt-free backend is
 * in the tree (scripts/build-device.mjs uses the limb backend whenever it exists): Espruino
 * cannot even parse BigInt literals. RSA operations then fail with a typed error.
 */
import { fail } from '../errors.js';

export { bitLength, compareUnsigned, isOdd, stripLeadingZeros } from './absent-bigint-bytes.js';

function unavailable(): never {
  return fail('PK_FEATURE_UNAVAILABLE', 'RSA arithmetic is not available in this device build (no BigInt-free backend)');
}

export const modExp = (): Uint8Array => unavailable();
export const rsaPrivate = (): Uint8Array => unavailable();
export const rsaKeyProblem = (): string | undefined => undefined;
