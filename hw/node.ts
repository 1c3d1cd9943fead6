/**
 * Node's OpenSSL behind the provider interface: the fast path on a PC, and the reference
 * the portable providers are benchmarked against. Node-only, so not exported from
 * hw/index.ts (the portable core must not pull in node:crypto).
 */
import * as nc from 'node:crypto';
import { fail } from '../src/errors.js';
import type { AeadCipher, CryptoProvider, HashContext, HashName, MacContext } from './provider.js';

/** Plain Uint8Array view of a Buffer, so Buffer methods never leak into the portable core. */
function u8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Without padding final() is empty, so the common case needs no 16 KB copy. */
function joined(head: Buffer, tail: Buffer): Uint8Array {
  return u8(tail.length === 0 ? head : Buffer.concat([head, tail]));
}

function aesName(key: Uint8Array, mode: string, code: string): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    fail(code, `AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return `aes-${key.length * 8}-${mode}`;
}

class NodeHashContext implements HashContext {
  constructor(private readonly h: nc.Hash) {}
  update(data: Uint8Array): HashContext {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return u8(this.h.digest());
  }
  clone(): HashContext {
    return new NodeHashContext(this.h.copy());
  }
}

/** A class, not a closure pair: allocation per HMAC showed up at ~20% on 64-byte messages. */
class NodeHmacContext implements MacContext {
  constructor(private readonly h: nc.Hmac) {}
  update(data: Uint8Array): MacContext {
    this.h.update(data);
    return this;
  }
  digest(): Uint8Array {
    return u8(this.h.digest());
  }
}

function nodeGcm(key: Uint8Array): AeadCipher {
  const name = aesName(key, 'gcm', 'GCM_BAD_INPUT');
  // A KeyObject keeps the key material in OpenSSL once instead of copying it per record.
  const secret = nc.createSecretKey(key);
  const checkNonce = (nonce: Uint8Array) => {
    if (nonce.length !== 12) fail('GCM_BAD_INPUT', `AES-GCM nonce must be 12 bytes, got ${nonce.length}`);
  };
  return {
    tagLength: 16,
    seal(nonce, plaintext, aad) {
      checkNonce(nonce);
      const c = nc.createCipheriv(name as nc.CipherGCMTypes, secret, nonce, { authTagLength: 16 });
      c.setAAD(aad);
      return u8(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
    },
    open(nonce, sealed, aad) {
      checkNonce(nonce);
      if (sealed.length < 16) return null;
      const n = sealed.length - 16;
      const d = nc.createDecipheriv(name as nc.CipherGCMTypes, secret, nonce, { authTagLength: 16 });
      d.setAuthTag(sealed.subarray(n));
      d.setAAD(aad);
      const out = d.update(sealed.subarray(0, n));
      try {
        d.final(); // OpenSSL compares the tag with CRYPTO_memcmp (constant time).
      } catch {
        out.fill(0);
        return null;
      }
      return u8(out);
    },
  };
}

function nodeCcm(key: Uint8Array, tagLength: number): AeadCipher {
  const name = aesName(key, 'ccm', 'CCM_BAD_INPUT');
  if (tagLength < 4 || tagLength > 16 || tagLength % 2 !== 0) {
    fail('CCM_BAD_INPUT', `CCM tag length must be an even number of bytes from 4 to 16, got ${tagLength}`);
  }
  const secret = nc.createSecretKey(key);
  const checkNonce = (nonce: Uint8Array) => {
    if (nonce.length < 7 || nonce.length > 13) fail('CCM_BAD_INPUT', `CCM nonce must be 7 to 13 bytes, got ${nonce.length}`);
  };
  return {
    tagLength,
    seal(nonce, plaintext, aad) {
      checkNonce(nonce);
      const c = nc.createCipheriv(name as nc.CipherCCMTypes, secret, nonce, { authTagLength: tagLength });
      // OpenSSL's CCM needs the total length before any data, even when there is no AAD.
      c.setAAD(aad, { plaintextLength: plaintext.length });
      return u8(Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]));
    },
    open(nonce, sealed, aad) {
      checkNonce(nonce);
      if (sealed.length < tagLength) return null;
      const n = sealed.length - tagLength;
      const d = nc.createDecipheriv(name as nc.CipherCCMTypes, secret, nonce, { authTagLength: tagLength });
      d.setAuthTag(sealed.subarray(n));
      d.setAAD(aad, { plaintextLength: n });
      try {
        // CCM verifies inside update(); a bad tag makes update or final throw.
        const out = d.update(sealed.subarray(0, n));
        d.final();
        return u8(out);
      } catch {
        return null;
      }
    },
  };
}

export function createNodeProvider(): CryptoProvider {
  return {
    name: 'node',
    hash: (alg: HashName) => new NodeHashContext(nc.createHash(alg)),
    hmac: (alg: HashName, key: Uint8Array) => new NodeHmacContext(nc.createHmac(alg, key)),
    aesBlock(key) {
      // One ECB context for the life of the key: with padding off, OpenSSL returns each block
      // from update() immediately, so the key schedule is never rebuilt.
      const ecb = nc.createCipheriv(aesName(key, 'ecb', 'CIPHER_BAD_INPUT_DATA'), key, null).setAutoPadding(false);
      return {
        encryptBlock(block) {
          if (block.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES block must be 16 bytes, got ${block.length}`);
          return u8(ecb.update(block));
        },
      };
    },
    aesCbc(key) {
      const name = aesName(key, 'cbc', 'CIPHER_BAD_INPUT_DATA');
      const secret = nc.createSecretKey(key);
      const check = (iv: Uint8Array, data: Uint8Array) => {
        if (iv.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
        if (data.length % 16 !== 0) {
          fail('CIPHER_FULL_BLOCK_EXPECTED', `AES-CBC data must be a multiple of 16 bytes (no padding is applied), got ${data.length}`);
        }
      };
      return {
        encrypt(iv, data) {
          check(iv, data);
          const c = nc.createCipheriv(name, secret, iv).setAutoPadding(false);
          return joined(c.update(data), c.final());
        },
        decrypt(iv, data) {
          check(iv, data);
          const d = nc.createDecipheriv(name, secret, iv).setAutoPadding(false);
          return joined(d.update(data), d.final());
        },
      };
    },
    aesGcm: nodeGcm,
    aesCcm: nodeCcm,
    randomBytes: (length: number) => u8(nc.randomBytes(length)),
  };
}
