/**
 * Espruino's `require('crypto')` (libs/crypto/jswrap_crypto.c, Mbed TLS inside) as a provider.
 *
 * Documented API used here:
 *   crypto.SHA1 / SHA224 / SHA256 / SHA384 / SHA512 (message) -> ArrayBuffer   one-shot only
 *   crypto.AES.encrypt / decrypt (message, key, { iv?, mode? }) -> ArrayBuffer
 *     mode 'CBC' (default, IV defaults to zeros) | 'ECB' | 'CFB' (CFB8) | 'CTR' | 'OFB';
 *     the key is set up on every call; CTR ignores `iv` (its counter always starts at zero),
 *     so it cannot serve GCM/CCM counters and is not used.
 * Builds differ (SHA384/512 and AES are compile-time options), so every function is detected.
 * Espruino has no native MD5, HMAC, GCM or CCM. The firmware's CCM entry points mentioned on
 * espruino.com (AES.ccmEncrypt/ccmDecrypt) have no signature documented in the firmware
 * source we could check, so CCM is NOT wired to them: completeProvider() builds CCM (hw/ccm.ts)
 * on the native block cipher, whose bulk paths make one native ECB call per chunk of counter
 * blocks and one native CBC call per chunk of CBC-MAC input; HMAC is built on the native
 * hashes; GCM and MD5 come from noble.
 *
 * Hashing decision: native one-shot + buffering, not noble. Espruino interprets JS, so a
 * JS SHA-256 is orders of magnitude slower than the firmware's C one, and TLS hashes little:
 * the handshake transcript (a few KB, dominated by the certificate chain), PRF/HMAC inputs of
 * tens of bytes, and 13-byte-header records for CBC MACs. The price is RAM: a context keeps a
 * copy of everything fed to it until digest(), and clone() shares those (immutable) chunks.
 * Past `maxBufferedHashBytes` a context moves to noble's incremental hash so memory stays
 * bounded; that only happens for unusually large inputs.
 */
import { fail } from '../src/errors.js';
import { nobleHash } from './noble-hash.js';
import type { AesBlockCipher, AesCbcCipher, CryptoProvider, HashContext, HashName } from './provider.js';

type EspruinoBytes = Uint8Array | ArrayBuffer;
type EspruinoAesMode = 'CBC' | 'CFB' | 'CTR' | 'OFB' | 'ECB';

export interface EspruinoCryptoModule {
  SHA1?(message: EspruinoBytes): ArrayBuffer;
  SHA224?(message: EspruinoBytes): ArrayBuffer;
  SHA256?(message: EspruinoBytes): ArrayBuffer;
  SHA384?(message: EspruinoBytes): ArrayBuffer;
  SHA512?(message: EspruinoBytes): ArrayBuffer;
  AES?: {
    encrypt(message: EspruinoBytes, key: EspruinoBytes, options?: { iv?: EspruinoBytes; mode?: EspruinoAesMode }): ArrayBuffer;
    decrypt(message: EspruinoBytes, key: EspruinoBytes, options?: { iv?: EspruinoBytes; mode?: EspruinoAesMode }): ArrayBuffer;
  };
}

export interface EspruinoProviderOptions {
  /** A hardware RNG returning 32 random bits per call; on Espruino pass `E.hwRand`. */
  randomWord?: () => number;
  /** Per hash context; beyond this the context switches to noble's incremental hash. Default 32 KiB. */
  maxBufferedHashBytes?: number;
}

const NATIVE_HASH: Readonly<Partial<Record<HashName, 'SHA1' | 'SHA224' | 'SHA256' | 'SHA384' | 'SHA512'>>> = {
  sha1: 'SHA1',
  sha224: 'SHA224',
  sha256: 'SHA256',
  sha384: 'SHA384',
  sha512: 'SHA512',
};

type OneShot = (message: Uint8Array) => ArrayBuffer;

class BufferedHashContext implements HashContext {
  private noble: HashContext | undefined;

  constructor(
    private readonly alg: HashName,
    private readonly native: OneShot,
    private readonly limit: number,
    private chunks: Uint8Array[] = [],
    private total = 0,
  ) {}

  update(data: Uint8Array): HashContext {
    if (this.noble) {
      this.noble.update(data);
      return this;
    }
    // Copied: the caller may reuse its buffer (record buffers are recycled).
    this.chunks.push(data.slice());
    this.total += data.length;
    if (this.total > this.limit) {
      const h = nobleHash(this.alg);
      for (const c of this.chunks) h.update(c);
      this.noble = h;
      this.chunks = [];
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.noble) return this.noble.digest();
    let all: Uint8Array;
    if (this.chunks.length === 1) all = this.chunks[0]!;
    else {
      all = new Uint8Array(this.total);
      let off = 0;
      for (const c of this.chunks) {
        all.set(c, off);
        off += c.length;
      }
    }
    return new Uint8Array(this.native(all));
  }

  clone(): HashContext {
    if (this.noble) {
      const copy = new BufferedHashContext(this.alg, this.native, this.limit);
      copy.noble = this.noble.clone();
      return copy;
    }
    return new BufferedHashContext(this.alg, this.native, this.limit, this.chunks.slice(), this.total);
  }
}

function checkKey(key: Uint8Array, what: string): Uint8Array {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    fail('CIPHER_BAD_INPUT_DATA', `${what} key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  // Our own copy: Espruino reads the key on every call, and the caller may wipe theirs.
  return key.slice();
}

export function createEspruinoProvider(cryptoModule: EspruinoCryptoModule, options: EspruinoProviderOptions = {}): CryptoProvider {
  const limit = options.maxBufferedHashBytes ?? 32 * 1024;
  const provider: { -readonly [K in keyof CryptoProvider]: CryptoProvider[K] } = {
    name: 'espruino',
    hash(alg) {
      const fnName = NATIVE_HASH[alg];
      const fn = fnName ? cryptoModule[fnName] : undefined;
      if (!fn) return nobleHash(alg);
      return new BufferedHashContext(alg, (m) => fn.call(cryptoModule, m), limit);
    },
  };

  const aes = cryptoModule.AES;
  if (aes && typeof aes.encrypt === 'function' && typeof aes.decrypt === 'function') {
    provider.aesBlock = (key): AesBlockCipher => {
      const k = checkKey(key, 'AES');
      const wholeBlocks = (data: Uint8Array) => {
        if (data.length === 0 || data.length % 16 !== 0) {
          fail('CIPHER_BAD_INPUT_DATA', `AES bulk input must be a non-empty multiple of 16 bytes, got ${data.length}`);
        }
      };
      return {
        encryptBlock(block) {
          if (block.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES block must be 16 bytes, got ${block.length}`);
          return new Uint8Array(aes.encrypt(block, k, { mode: 'ECB' }));
        },
        // Bulk paths: a native call from the interpreter costs far more than an AES block,
        // so CCM hands the firmware a chunk of counters / MAC input per call.
        encryptBlocks(blocks) {
          wholeBlocks(blocks);
          return new Uint8Array(aes.encrypt(blocks, k, { mode: 'ECB' }));
        },
        cbcMacBlocks(iv, blocks) {
          wholeBlocks(blocks);
          const out = new Uint8Array(aes.encrypt(blocks, k, { iv, mode: 'CBC' }));
          return out.slice(out.length - 16);
        },
      };
    };
    provider.aesCbc = (key): AesCbcCipher => {
      const k = checkKey(key, 'AES-CBC');
      const run = (op: 'encrypt' | 'decrypt', iv: Uint8Array, data: Uint8Array): Uint8Array => {
        if (iv.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
        if (data.length % 16 !== 0) {
          fail('CIPHER_FULL_BLOCK_EXPECTED', `AES-CBC data must be a multiple of 16 bytes (no padding is applied), got ${data.length}`);
        }
        // Espruino cannot allocate a zero-length result ("Not enough memory for result").
        if (data.length === 0) return new Uint8Array(0);
        return new Uint8Array(aes[op](data, k, { iv, mode: 'CBC' }));
      };
      return {
        encrypt: (iv, data) => run('encrypt', iv, data),
        decrypt: (iv, data) => run('decrypt', iv, data),
      };
    };
  }

  const randomWord = options.randomWord;
  if (randomWord) {
    provider.randomBytes = (length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += 4) {
        const w = randomWord() >>> 0;
        for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (w >>> (8 * j)) & 0xff;
      }
      return out;
    };
  }
  return Object.freeze(provider) as CryptoProvider;
}
