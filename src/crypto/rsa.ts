/**
 * RSA PKCS#1 v1.5 (RFC 8017): encryption (RSAES, for the TLS RSA key exchange), signature
 * verification and signing (RSASSA, for server certificates and CertificateVerify).
 *
 * Verification never parses the decrypted block: it builds the one correct encoding
 * 00 01 FF..FF 00 DigestInfo and compares every byte in constant time. Parsing is how
 * Bleichenbacher-style forgeries with e = 3 got through (node-forge CVE-2022-24771/24772,
 * garbage after the digest or inside the DigestInfo).
 *
 * Every function takes an optional crypto provider: when it has rsaPublic / rsaPrivate, the
 * modular exponentiation runs there (an RSA accelerator, or node:crypto on a PC); padding,
 * DigestInfo, the comparison and the fault check stay here, identical for every engine.
 */
import { asMicroTlsError, MicroTlsError } from '../errors.js';
import { concatBytes, constantTimeEqual } from '../encoding/bytes.js';
import { HASH_INFO, type CryptoProvider, type HashName } from '../../hw/provider.js';
import { compareUnsigned, modExp, rsaPrivate, stripLeadingZeros } from './backend.js';
import { DIGEST_INFO_PREFIX } from './digest-info.js';
import type { RsaPrivateKey, RsaPublicKey } from './key-types.js';

export type RandomBytes = (length: number) => Uint8Array;

function modulusLength(modulus: Uint8Array): number {
  return stripLeadingZeros(modulus).length;
}

/** The provider operations each function can use; narrower than CryptoProvider so any provider (or a bare object) fits. */
export type RsaPublicEngine = Pick<CryptoProvider, 'rsaPublic'>;
export type RsaEngine = Pick<CryptoProvider, 'rsaPublic' | 'rsaPrivate'>;

/**
 * input^e mod n on the provider when it has rsaPublic, else in bigint.ts. The caller has
 * already made sure input < n. A result of the wrong length is an engine fault, reported as
 * RSA_PUBLIC_FAILED rather than handed on (a short array would silently compare unequal
 * in verify, but would be sent on the wire by encrypt).
 */
function publicOp(key: Pick<RsaPublicKey, 'modulus' | 'publicExponent'>, input: Uint8Array, k: number, provider?: RsaPublicEngine): Uint8Array {
  if (provider?.rsaPublic === undefined) return modExp(input, key.publicExponent, key.modulus);
  let out: Uint8Array;
  try {
    out = provider.rsaPublic(key.modulus, key.publicExponent, input);
  } catch (err) {
    throw asMicroTlsError(err, 'RSA_PUBLIC_FAILED', 'provider rsaPublic');
  }
  if (out.length !== k) throw new MicroTlsError('RSA_PUBLIC_FAILED', `provider rsaPublic returned ${out.length} bytes for a ${k}-byte modulus`);
  return out;
}

/** RSAES-PKCS1-v1_5 encryption (RFC 8017 section 7.2.1). */
export function rsaEncryptPkcs1v15(key: RsaPublicKey, message: Uint8Array, randomBytes: RandomBytes, provider?: RsaPublicEngine): Uint8Array {
  const k = modulusLength(key.modulus);
  if (message.length > k - 11) {
    throw new MicroTlsError('RSA_BAD_INPUT_DATA', `message of ${message.length} bytes is too long for a ${key.bits}-bit RSA key (at most ${k - 11})`);
  }
  const em = new Uint8Array(k);
  em[1] = 2;
  fillNonZero(em.subarray(2, k - message.length - 1), randomBytes);
  em.set(message, k - message.length);
  // em starts with 00, so it is below the modulus (whose first byte is non-zero).
  return publicOp(key, em, k, provider);
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
  if (filled < ps.length) throw new MicroTlsError('RSA_RNG_FAILED', 'the random generator gives only zero bytes');
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
export function rsaVerifyPkcs1v15(key: RsaPublicKey, hash: HashName, digest: Uint8Array, signature: Uint8Array, provider?: RsaPublicEngine): boolean {
  try {
    const k = modulusLength(key.modulus);
    // The signature is exactly k bytes (RFC 8017 8.2.2 step 1), leading zeros included.
    if (signature.length !== k) return false;
    // Checked here, not left to the engine: a provider must refuse s >= n too, but the
    // verdict (false, never an exception) must not depend on how well it does.
    if (compareUnsigned(signature, key.modulus) >= 0) return false;
    const expected = encodeEmsa(hash, digest, k);
    if (expected === undefined) return false;
    const em = publicOp(key, signature, k, provider);
    return constantTimeEqual(em, expected);
  } catch {
    return false;
  }
}

/**
 * RSASSA-PKCS1-v1_5 signing with CRT and blinding. The signature is checked with the
 * public key before it leaves: a fault in one CRT half would otherwise hand out a value
 * that factors the modulus (Boneh-DeMillo-Lipton).
 *
 * With a provider's rsaPrivate the exponentiation (and its blinding) is the engine's;
 * `randomBytes` is then unused. The check runs on the provider's rsaPublic when it has one:
 * it is a separate computation with the public exponent and no CRT, so a transient fault in
 * one CRT half of the private operation cannot reproduce itself there, and an accelerator
 * makes it nearly free. The comparison and the decision to release stay here.
 */
export function rsaSignPkcs1v15(key: RsaPrivateKey, hash: HashName, digest: Uint8Array, randomBytes: RandomBytes, provider?: RsaEngine): Uint8Array {
  const k = modulusLength(key.modulus);
  const info = HASH_INFO[hash];
  if (info === undefined || DIGEST_INFO_PREFIX[hash] === undefined) throw new MicroTlsError('RSA_BAD_INPUT_DATA', `unknown hash ${String(hash)}`);
  if (digest.length !== info.outputLength) {
    throw new MicroTlsError('RSA_BAD_INPUT_DATA', `${hash} digest must be ${info.outputLength} bytes, got ${digest.length}`);
  }
  const em = encodeEmsa(hash, digest, k);
  if (em === undefined) throw new MicroTlsError('RSA_BAD_INPUT_DATA', `a ${key.bits}-bit RSA key is too short for a ${hash} signature`);
  let signature: Uint8Array;
  if (provider?.rsaPrivate) {
    try {
      signature = provider.rsaPrivate(key, em);
    } catch (err) {
      throw asMicroTlsError(err, 'RSA_PRIVATE_FAILED', 'provider rsaPrivate');
    }
    if (signature.length !== k) throw new MicroTlsError('RSA_PRIVATE_FAILED', `provider rsaPrivate returned ${signature.length} bytes for a ${k}-byte modulus`);
  } else {
    signature = rsaPrivate(key, em, randomBytes);
  }
  // A faulty result may be >= n; the public operation would then reduce it and could even
  // match, so such a value is refused before the check.
  let check: Uint8Array | undefined;
  if (compareUnsigned(signature, key.modulus) < 0) {
    try {
      check = publicOp(key, signature, k, provider);
    } catch {
      check = undefined;
    }
  }
  if (check === undefined || !constantTimeEqual(check, em)) {
    throw new MicroTlsError('RSA_PRIVATE_FAILED', 'RSA signature failed its public-key check (computation fault), not released');
  }
  return signature;
}
