/**
 * Stands in for hw/noble.ts in the Espruino bundle: nothing from @noble is loaded there (its
 * AES tables and BigInt constants are built at load). The Espruino provider covers every
 * operation TLS 1.2 with the ten suites needs; anything else fails with a typed error.
 */
import type { FullCryptoProvider } from '../../hw/provider.js';
import { fail } from '../errors.js';

function absent(what: string): never {
  return fail('SSL_FEATURE_UNAVAILABLE', `${what} is not available in this device build (no software fallback)`);
}

export const nobleProvider: FullCryptoProvider = {
  name: 'absent',
  hash: (alg) => absent(`hash ${alg}`),
  hmac: (alg) => absent(`HMAC ${alg}`),
  aesBlock: () => absent('AES'),
  aesCbc: () => absent('AES-CBC'),
  aesGcm: () => absent('AES-GCM'),
  aesCcm: () => absent('AES-CCM'),
  randomBytes: () => absent('a random source'),
};
