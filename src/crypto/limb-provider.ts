/**
 * The limb backend's public-key operations in the shape of the provider hooks (rsaPublic,
 * rsaPrivate, ecdsaVerify): what the Node tests use to run src/crypto's padding, DigestInfo
 * and DER checks over the limb arithmetic, and what a device with the default backend can
 * plug in explicitly.
 */
import type { CryptoProvider } from '../../hw/provider.js';
import { modExp, rsaPrivate } from './bigint-limb.js';
import { derToCompact } from './ecdsa.js';
import { ecdsaVerifyCompact } from './ecdsa-limb.js';
import { curveByName } from './oids.js';
import type { RsaPrivateKey } from './key-types.js';
import { MicroTlsError } from '../errors.js';
import { compareUnsigned } from './bigint-bytes.js';

export function createLimbPkProvider(randomBytes: (n: number) => Uint8Array): Required<Pick<CryptoProvider, 'rsaPublic' | 'rsaPrivate' | 'ecdsaVerify'>> {
  return {
    rsaPublic: function (modulus: Uint8Array, e: Uint8Array, input: Uint8Array): Uint8Array {
      if (compareUnsigned(input, modulus) >= 0) throw new MicroTlsError('RSA_BAD_INPUT_DATA', 'input is not smaller than the modulus');
      return modExp(input, e, modulus);
    },
    rsaPrivate: function (key, input: Uint8Array): Uint8Array {
      return rsaPrivate(key as RsaPrivateKey, input, randomBytes);
    },
    ecdsaVerify: function (curve, point, digest, der): boolean {
      const compact = derToCompact(der, curveByName(curve).fieldBytes);
      return compact !== undefined && ecdsaVerifyCompact(curve, point, digest, compact);
    },
  };
}
