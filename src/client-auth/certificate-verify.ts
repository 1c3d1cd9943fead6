/**
 * CertificateVerify (RFC 5246 7.4.8): digitally-signed struct over all handshake messages
 * sent or received so far, from ClientHello up to (not including) this message, i.e.
 * SignatureAndHashAlgorithm u16 || signature<0..2^16-1>.
 */
import type { HashName } from '../../hw/provider.js';
import type { RsaPrivateKey } from '../crypto/key-types.js';
import { rsaSignPkcs1v15, type RandomBytes, type RsaEngine } from '../crypto/rsa.js';
import type { SignatureScheme } from '../crypto/signature-schemes.js';
import { ByteWriter } from '../encoding/writer.js';
import { MicroTlsError } from '../errors.js';

/**
 * Builds the CertificateVerify body (without the handshake header). `transcriptHash(hash)`
 * returns the hash of the handshake messages so far with `hash`; it is asked for exactly
 * the scheme's hash. `randomBytes` feeds RSA blinding; `provider` may do the private-key
 * operation (hardware, or node:crypto).
 */
export function encodeCertificateVerify(
  key: RsaPrivateKey,
  scheme: SignatureScheme,
  transcriptHash: (hash: HashName) => Uint8Array,
  randomBytes: RandomBytes,
  provider?: RsaEngine,
): Uint8Array {
  // Only RSA PKCS#1 v1.5 keys are loaded as client keys (credentials.ts); an ECDSA scheme here is an engine bug.
  if (scheme.key !== 'rsa') throw new MicroTlsError('PK_TYPE_MISMATCH', `CertificateVerify with ${scheme.name} needs an EC key; the client key is RSA`);
  const signature = rsaSignPkcs1v15(key, scheme.hash, transcriptHash(scheme.hash), randomBytes, provider);
  return new ByteWriter(4 + signature.length).u16(scheme.code).vec16(signature).finish();
}
