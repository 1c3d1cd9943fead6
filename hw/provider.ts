/**
 * The crypto provider interface. Every hash, HMAC, AES operation and random byte that
 * microtls uses goes through one of these, so a microcontroller can route them to its
 * accelerator. A provider may implement any subset; `completeProvider` fills the gaps
 * (HMAC is built on the provider's own hash, so a device with a SHA engine but no HMAC
 * still uses its SHA engine; everything else falls back to @noble).
 *
 * The public-key operations (rsaPublic, rsaPrivate, ecdsaVerify, ecdsaVerifyMessage) are
 * different: they stay optional even after completion, because src/crypto has its own pure-JS
 * code for them and uses it whenever the provider lacks the operation. They are deliberately
 * low level (a modular exponentiation, a verification over a digest or a message) so that the
 * security-relevant encoding work -- PKCS#1 padding and DigestInfo, strict DER signature
 * parsing, the constant-time comparison, the fault check after signing -- stays in src/crypto
 * and is the same whatever engine does the arithmetic.
 *
 * Keys are "prepared" once (aesGcm(key) etc.) because accelerators and software AES
 * both pay for key expansion; a TLS connection keeps its record ciphers for its life.
 */
export type HashName = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface HashContext {
  update(data: Uint8Array): HashContext;
  digest(): Uint8Array;
  /** An independent copy of the running state (used for transcript hashes). */
  clone(): HashContext;
}

export interface MacContext {
  update(data: Uint8Array): MacContext;
  digest(): Uint8Array;
  /**
   * Optional copy of the running state. The PRF keys one context per call and clones it for
   * each HMAC when present (saves the two keying compressions per HMAC in software).
   */
  clone?(): MacContext;
}

export interface AesBlockCipher {
  /** Encrypts one 16-byte block. */
  encryptBlock(block: Uint8Array): Uint8Array;
  /**
   * Optional bulk paths for engines where a call costs more than a block (a native call from
   * an interpreter, a DMA set-up). Modes built on the block cipher (CCM) use them when present.
   * ECB over whole blocks:
   */
  encryptBlocks?(blocks: Uint8Array): Uint8Array;
  /** CBC over whole blocks from `iv`, returning only the last ciphertext block (a CBC-MAC step). */
  cbcMacBlocks?(iv: Uint8Array, blocks: Uint8Array): Uint8Array;
}

export interface AesCbcCipher {
  /** data length is a multiple of 16; no padding is added or removed. */
  encrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(iv: Uint8Array, data: Uint8Array): Uint8Array;
}

export interface AeadCipher {
  readonly tagLength: number;
  /** Returns ciphertext || tag. */
  seal(nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Returns the plaintext, or null when the tag does not verify. Never throws on a bad tag. */
  open(nonce: Uint8Array, ciphertextAndTag: Uint8Array, aad: Uint8Array): Uint8Array | null;
}

export type EcCurveName = 'P-256' | 'P-384' | 'P-521';

/**
 * The parts of an RSA private key an engine may need (CRT engines use p, q, dP, dQ, qInv;
 * plain-exponent engines use d). Structural, so src/crypto's RsaPrivateKey fits as is.
 * Big-endian unsigned byte strings.
 */
export interface RsaPrivateKeyParts {
  readonly modulus: Uint8Array;
  readonly publicExponent: Uint8Array;
  readonly privateExponent: Uint8Array;
  readonly prime1: Uint8Array;
  readonly prime2: Uint8Array;
  readonly exponent1: Uint8Array;
  readonly exponent2: Uint8Array;
  readonly coefficient: Uint8Array;
}

/** The optional public-key operations; never filled in by completeProvider. */
export type PublicKeyOpName = 'rsaPublic' | 'rsaPrivate' | 'ecdsaVerify' | 'ecdsaVerifyMessage';

export interface CryptoProvider {
  readonly name: string;
  hash?(alg: HashName): HashContext;
  hmac?(alg: HashName, key: Uint8Array): MacContext;
  aesBlock?(key: Uint8Array): AesBlockCipher;
  aesCbc?(key: Uint8Array): AesCbcCipher;
  /** 12-byte nonce, 16-byte tag. */
  aesGcm?(key: Uint8Array): AeadCipher;
  /** 12-byte nonce (RFC 6655: 4-byte salt + 8-byte explicit), tag 16 or 8 bytes. */
  aesCcm?(key: Uint8Array, tagLength: 8 | 16): AeadCipher;
  randomBytes?(length: number): Uint8Array;

  /**
   * Raw RSA public operation input^e mod n (no padding), output left-padded to the modulus
   * length (the modulus without leading zero bytes). `input` is big-endian and may be shorter
   * than the modulus; an input not smaller than the modulus must be refused with
   * MicroTlsError RSA_BAD_INPUT_DATA (src/crypto checks this before calling, so it is a
   * second line). Other engine failures: MicroTlsError RSA_PUBLIC_FAILED.
   */
  rsaPublic?(modulus: Uint8Array, publicExponent: Uint8Array, input: Uint8Array): Uint8Array;
  /**
   * Raw RSA private operation input^d mod n (no padding), output left-padded to the modulus
   * length. Input not smaller than the modulus: MicroTlsError RSA_BAD_INPUT_DATA; other
   * failures: RSA_PRIVATE_FAILED. The engine is responsible for its own side-channel
   * protection (blinding, constant-time exponentiation); src/crypto does not blind what it
   * hands over. src/crypto still checks every signature with the public key before it is
   * released (rsaSignPkcs1v15), so a faulty engine result (Boneh-DeMillo-Lipton: one wrong
   * CRT half factors the modulus) never leaves the library.
   */
  rsaPrivate?(key: RsaPrivateKeyParts, input: Uint8Array): Uint8Array;
  /**
   * ECDSA verification of `derSignature` over `digest` (already hashed; longer or shorter
   * than the group order is truncated/used by the standard leftmost-bits rule) with the
   * uncompressed SEC1 point (04 || X || Y). src/crypto has already refused every signature
   * that is not strict DER with 0 < length(r), length(s) <= field size, so the engine sees only
   * canonical encodings; it must still range-check r and s and the point. Returns false for
   * any invalid signature, point or input; should not throw (src/crypto treats a throw as false).
   */
  ecdsaVerify?(curve: EcCurveName, publicPoint: Uint8Array, digest: Uint8Array, derSignature: Uint8Array): boolean;
  /**
   * ECDSA verification of `derSignature` over `message`, hashed by the engine with `hash`.
   * Why two ECDSA operations: MCU ECC accelerators (and their vendor drivers) verify over a
   * digest, which src/crypto computes with the provider's hash engine -- that is ecdsaVerify.
   * Engines that hash internally and cannot be handed a digest -- node:crypto/OpenSSL (its
   * EC verify always hashes its input; the identity digests are refused), secure elements and
   * crypto libraries with a sign/verify-message API -- offer this one instead. src/crypto
   * prefers this operation when both are present (one engine call, no separate hash pass).
   * The same contract as ecdsaVerify otherwise: src/crypto has already done its strict DER
   * parse and the curve and r/s length checks, so only canonical encodings arrive; the engine
   * range-checks r, s and the point. Returns false for any invalid signature, point or input;
   * should not throw (src/crypto treats a throw or any result other than `true` as false).
   * `hash` is one of sha1, sha224, sha256, sha384, sha512 (src/crypto refuses ECDSA with md5
   * before any engine; an engine given md5 anyway returns false). An engine must support all
   * five: false is a verdict, not "unsupported", so an engine that hashes only some of them
   * should offer ecdsaVerify (digest) instead, or the verdict would depend on the engine.
   */
  ecdsaVerifyMessage?(curve: EcCurveName, publicPoint: Uint8Array, hash: HashName, message: Uint8Array, derSignature: Uint8Array): boolean;
}

/**
 * A provider as the TLS engine consumes it: every symmetric operation present, the
 * public-key operations still optional (absent means src/crypto's own code is used).
 */
export type FullCryptoProvider = { readonly name: string } &
  Required<Omit<CryptoProvider, 'name' | PublicKeyOpName>> &
  Pick<CryptoProvider, PublicKeyOpName>;

export interface HashInfo {
  readonly name: HashName;
  readonly outputLength: number;
  readonly blockLength: number;
}

export const HASH_INFO: Readonly<Record<HashName, HashInfo>> = {
  md5: { name: 'md5', outputLength: 16, blockLength: 64 },
  sha1: { name: 'sha1', outputLength: 20, blockLength: 64 },
  sha224: { name: 'sha224', outputLength: 28, blockLength: 64 },
  sha256: { name: 'sha256', outputLength: 32, blockLength: 64 },
  sha384: { name: 'sha384', outputLength: 48, blockLength: 128 },
  sha512: { name: 'sha512', outputLength: 64, blockLength: 128 },
};
