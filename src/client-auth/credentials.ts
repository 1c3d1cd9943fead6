/**
 * The client certificate chain and RSA key, loaded and checked once, when the connection
 * options are given: a key that does not belong to the certificate, an encrypted key or an
 * EC key would otherwise only show up as an alert from the server in the middle of a
 * handshake, where the reason is lost.
 */
import { MicroTlsError } from '../errors.js';
import { importPrivateKey, rsaCheckKeyPair } from '../crypto/keys.js';
import type { RsaPrivateKey } from '../crypto/key-types.js';
import { DEFAULT_MAX_FILE_BYTES, parseCertificates, type Certificate } from '../x509/certificate.js';

/** PEM text or DER bytes of one file; `cert` may be a list of files (leaf first). */
export type CredentialSource = string | Uint8Array;

export interface ClientCredentialsInput {
  readonly cert: CredentialSource | readonly CredentialSource[];
  readonly key: CredentialSource;
  /** Per-file size limit, default 4096 bytes like the reference device (manual, section 1). */
  readonly maxFileBytes?: number;
}

export interface ClientCredentials {
  /** DER certificates as sent in the Certificate message, leaf first. */
  readonly chain: readonly Uint8Array[];
  readonly leaf: Certificate;
  readonly key: RsaPrivateKey;
  /** Modulus size of the key, e.g. 1024. */
  readonly bits: number;
}

/**
 * Mbed TLS refuses to send a Certificate message larger than its output buffer
 * (MBEDTLS_SSL_OUT_CONTENT_LEN, 16384 by default); the limit is checked here, at
 * configuration time, rather than when the server asks.
 */
export const MAX_CERTIFICATE_MESSAGE_BYTES = 16384;

function isEmpty(src: CredentialSource | undefined): boolean {
  return src === undefined || src === null || src.length === 0;
}

/**
 * Parses the chain and the key and checks that they belong together.
 * Errors: SSL_CERTIFICATE_REQUIRED / SSL_PRIVATE_KEY_REQUIRED when one half is missing;
 * PK_PASSWORD_REQUIRED for an encrypted key ("the key must be without a password");
 * PK_FEATURE_UNAVAILABLE for an EC key; PK_TYPE_MISMATCH when the certificate's key is not
 * RSA; RSA_KEY_CHECK_FAILED when the key is not the certificate's (the code Mbed TLS's
 * mbedtls_pk_check_pair returns for an RSA pair, from mbedtls_rsa_check_pub_priv);
 * SSL_CERTIFICATE_TOO_LARGE when the chain cannot be sent; X509_* / PEM_* for bad files.
 */
export function loadClientCredentials(input: ClientCredentialsInput): ClientCredentials {
  const files = (Array.isArray(input.cert) ? input.cert : [input.cert]) as readonly CredentialSource[];
  if (files.length === 0 || files.every(isEmpty)) {
    throw new MicroTlsError('SSL_CERTIFICATE_REQUIRED', 'a client key was given without a client certificate');
  }
  if (isEmpty(input.key)) throw new MicroTlsError('SSL_PRIVATE_KEY_REQUIRED', 'a client certificate was given without its private key');
  const maxBytes = input.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (input.key.length > maxBytes) {
    throw new MicroTlsError('PK_BAD_INPUT_DATA', `the key file is ${input.key.length} bytes, more than the ${maxBytes}-byte limit`, { size: input.key.length, maxBytes });
  }

  const certificates = files.flatMap((f) => parseCertificates(f, { maxBytes }));
  const leaf = certificates[0]!;
  const key = importPrivateKey(input.key);
  rsaCheckKeyPair(leaf.publicKey, key);

  const chain = certificates.map((c) => c.der);
  const messageBytes = 4 + 3 + chain.reduce((n, der) => n + 3 + der.length, 0);
  if (messageBytes > MAX_CERTIFICATE_MESSAGE_BYTES) {
    throw new MicroTlsError('SSL_CERTIFICATE_TOO_LARGE',
      `client chain needs a ${messageBytes}-byte Certificate message, over ${MAX_CERTIFICATE_MESSAGE_BYTES}`, { messageBytes });
  }
  return { chain, leaf, key, bits: key.bits };
}
