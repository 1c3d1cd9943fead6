/**
 * Message signature verification: hash with the provider (so an accelerator does it), then
 * RSA or ECDSA, with the provider's rsaPublic / ecdsaVerify when it has them.
 */
import { HASH_INFO, type FullCryptoProvider, type HashName } from '../../hw/provider.js';
import { ecdsaVerify } from './ecdsa.js';
import type { PublicKey } from './key-types.js';
import { rsaVerifyPkcs1v15 } from './rsa.js';

/** Returns false for a wrong signature or any malformed input; never throws on bad input. */
export function verifySignature(
  provider: FullCryptoProvider,
  key: PublicKey,
  hash: HashName,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!Object.prototype.hasOwnProperty.call(HASH_INFO, hash)) return false;
  const digest = provider.hash(hash).update(message).digest();
  return key.type === 'rsa' ? rsaVerifyPkcs1v15(key, hash, digest, signature, provider) : ecdsaVerify(key, digest, signature, provider);
}
