/**
 * Message signature verification: hash with the provider (so an accelerator does it), then
 * RSA or ECDSA, with the provider's rsaPublic / ecdsaVerify when it has them. For ECDSA a
 * provider may instead offer ecdsaVerifyMessage (an engine that hashes internally, such as
 * node:crypto): then the message goes to the engine unhashed, and it is preferred over
 * ecdsaVerify because it saves the separate hash pass.
 */
import { HASH_INFO, type FullCryptoProvider, type HashName } from '../../hw/provider.js';
import { ecdsaVerify } from './ecdsa.js';
import type { PublicKey } from './key-types.js';
import { rsaVerifyPkcs1v15 } from './rsa.js';

const NO_DIGEST = new Uint8Array(0);

/** Returns false for a wrong signature or any malformed input; never throws on bad input. */
export function verifySignature(
  provider: FullCryptoProvider,
  key: PublicKey,
  hash: HashName,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!Object.prototype.hasOwnProperty.call(HASH_INFO, hash)) return false;
  if (key.type === 'rsa') return rsaVerifyPkcs1v15(key, hash, provider.hash(hash).update(message).digest(), signature, provider);
  // ECDSA is defined with SHA-1 and SHA-2 only (X.509's ecdsa-with-* OIDs, TLS 1.2's
  // SignatureAndHashAlgorithm as we offer it). Refused here on every path, so the verdict does
  // not depend on whether an engine's own hash list happens to include md5 (OpenSSL's does).
  if (hash === 'md5') return false;
  if (provider.ecdsaVerifyMessage) {
    // The message op goes through ecdsaVerify too, as its engine callback: ecdsaVerify does the
    // curve check, the strict DER parse and the r/s length checks, and calls the engine only
    // when they pass (malformed and BER signatures never reach it) and only `true` from the
    // engine counts; the callback then ignores the digest slot and hands over the message.
    const engine = provider;
    return ecdsaVerify(key, NO_DIGEST, signature, {
      ecdsaVerify: (curve, point, _digest, der) => engine.ecdsaVerifyMessage!(curve, point, hash, message, der),
    });
  }
  return ecdsaVerify(key, provider.hash(hash).update(message).digest(), signature, provider);
}
