/**
 * RSA PKCS#1 v1.5 (RFC 8017): encryption (RSAES, for the TLS RSA key exchange), signature
 * verification and signing (RSASSA, for server certificates and CertificateVerify).
 *
 * Verification never parses the decrypted block: it builds the one correct encoding
 * 00 01 FF..FF 00 DigestInfo and compares every byte in constant time. Parsing is how
 * Bleichenbacher-style forgeries with e = 3 got through (node-forge CVE-2022-24771/24772,
 * garbage after the digest or inside the DigestInfo).
 */
import { MicroTlsError } from '../errors.js';
import { concatBytes, constantTimeEqual } from '../encoding/bytes.js';
import { HASH_INFO, type HashName } from '../../hw/provider.js';
import { compareUnsigned, modExp, rsaPrivate, stripLeadingZeros } from './bigint.js';
import { DIGEST_INFO_PREFIX } from './digest-info.js';
import type { RsaPrivateKey, RsaPublicKey } from './key-types.js';

export type RandomBytes = (length: number) => Uint8Array;

function modulusLength(modulus: Uint8Array): number {
  return stripLeadingZeros(modulus).length;
}

/** RSAES-PKCS1-v1_5 encryption (RFC 8017 section 7.2.1). */
export function rsaEncryptPkcs1v15(key: RsaPublicKey, message: Uint8Array, randomBytes: RandomBytes): Uint8Array {
  const k = modulusLength(key.modulus);
  if (message.length > k - 11) {
    throw new MicroTlsError('RSA_BAD_INPUT_DATA', `message of ${message.length} bytes is too long for a ${key.bits}-bit RSA key (at most ${k - 11})`);
  }
  const em = new Uint8Array(k);
  em[1] = 2;
  fillNonZero(em.subarray(2, k - message.length - 1), randomBytes);
  em.set(message, k - message.length);
  return modExp(em, key.publicExponent, key.modulus);
}

/** The padding string PS must be non-zero random bytes; zeros are replaced by fresh draws. */
function fillNonZero(ps: Uint8Array, randomBytes: RandomBytes): void {
  let filled = 0;
  // A working RNG yields about 255/256 usable bytes per draw; 100 rounds only fail for a
  // generator stuck on zeros, which must not loop forever.
  for (let round = 0; round < 100 && filled < ps.length; round++) {
    const want = ps.length - filled;
    const r = randomBytes(want);
    if (r.length !== want) throw new MicroTlsError('RSA_RNG_FAILED', `random generator returned ${r.length} bytes instead of ${want}`);
    for (const b of r) if (b !== 0 && filled < ps.length) ps[filled++] = b;
  }
  if (filled < ps.length) throw new MicroTlsError('RSA_RNG_FAILED', 'the random generator failed to generate non-zero bytes');
}

/** EMSA-PKCS1-v1_5 encoding (RFC 8017 section 9.2), or undefined when it cannot be built. */
function encodeEmsa(hash: HashName, digest: Uint8Array, k: number): Uint8Array | undefined {
  const prefix = DIGEST_INFO_PREFIX[hash];
  const info = HASH_INFO[hash];
  if (prefix === undefined || info === undefined || digest.length !== info.outputLength) return undefined;
  const tLen = prefix.length + digest.length;
  if (k < tLen + 11) return undefined;
  const em = new Uint8Array(k);
  em[1] = 1;
  em.fill(0xff, 2, k - tLen - 1);
  em.set(concatBytes(prefix, digest), k - tLen);
  return em;
}

/**
 * RSASSA-PKCS1-v1_5 verification (RFC 8017 section 8.2.2). Returns false for any bad
 * input (wrong digest length, unknown hash, wrong signature length); never throws.
 */
export function rsaVerifyPkcs1v15(key: RsaPublicKey, hash: HashName, digest: Uint8Array, signature: Uint8Array): boolean {
  try {
    const k = modulusLength(key.modulus);
    // The signature is exactly k bytes (RFC 8017 8.2.2 step 1), leading zeros included.
    if (signature.length !== k) return false;
    if (compareUnsigned(signature, key.modulus) >= 0) return false;
    const expected = encodeEmsa(hash, digest, k);
    if (expected === undefined) return false;
    const em = modExp(signature, key.publicExponent, key.modulus);
    return constantTimeEqual(em, expected);
  } catch {
    return false;
  }
}

/**
 * RSASSA-PKCS1-v1_5 signing with CRT and blinding. The signature is checked with the
 * public key before it leaves: a fault in one CRT half would otherwise hand out a value
 * that factors the modulus (Boneh-DeMillo-Lipton).
 */
export function rsaSignPkcs1v15(key: RsaPrivateKey, hash: HashName, digest: Uint8Array, randomBytes: RandomBytes): Uint8Array {
  const k = modulusLength(key.modulus);
  const info = HASH_INFO[hash];
  if (info === undefined || DIGEST_INFO_PREFIX[hash] === undefined) throw new MicroTlsError('RSA_BAD_INPUT_DATA', `unknown hash ${String(hash)}`);
  if (digest.length !== info.outputLength) {
    throw new MicroTlsError('RSA_BAD_INPUT_DATA', `${hash} digest must be ${info.outputLength} bytes, got ${digest.length}`);
  }
  const em = encodeEmsa(hash, digest, k);
  if (em === undefined) throw new MicroTlsError('RSA_BAD_INPUT_DATA', `a ${key.bits}-bit RSA key is too short for a ${hash} signature`);
  const signature = rsaPrivate(key, em, randomBytes);
  const check = modExp(signature, key.publicExponent, key.modulus);
  if (!constantTimeEqual(check, em)) {
    throw new MicroTlsError('RSA_PRIVATE_FAILED', 'the RSA signature did not verify with the public key (computation fault); it was not released');
  }
  return signature;
}
