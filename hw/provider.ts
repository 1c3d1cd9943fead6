/**
 * The crypto provider interface. Every hash, HMAC, AES operation and random byte that
 * microtls uses goes through one of these, so a microcontroller can route them to its
 * accelerator. A provider may implement any subset; `completeProvider` fills the gaps
 * (HMAC is built on the provider's own hash, so a device with a SHA engine but no HMAC
 * still uses its SHA engine; everything else falls back to @noble).
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
}

/** A provider with every operation present, as the TLS engine consumes it. */
export type FullCryptoProvider = { readonly name: string } & Required<Omit<CryptoProvider, 'name'>>;

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
