/**
 * Espruino's `require('crypto')` (libs/crypto/jswrap_crypto.c, Mbed TLS inside) as a provider
 * that needs nothing else: the Espruino bundle loads no @noble code (its tables and BigInt
 * constants cost more RAM at load than the whole TLS client).
 *
 * Documented API used here:
 *   crypto.SHA1 / SHA224 / SHA256 / SHA384 / SHA512 (message) -> ArrayBuffer   one-shot only
 *   crypto.AES.encrypt / decrypt (message, key, { iv?, mode? }) -> ArrayBuffer
 *     mode 'CBC' (default, IV defaults to zeros) | 'ECB' | 'CFB' (CFB8) | 'CTR' | 'OFB';
 *     the key is set up on every call; CTR ignores `iv` (its counter always starts at zero),
 *     so it cannot serve GCM/CCM counters and is not used.
 * What the firmware lacks is built here on what it has:
 *   - HMAC on the native one-shot hashes (completeProvider, hw/hmac.ts);
 *   - GCM as CTR over native ECB, all counter blocks of a record in one call, with GHASH in
 *     32-bit JS (hw/espruino-gcm.ts);
 *   - CCM on the native block cipher (hw/ccm.ts): one ECB call per chunk of counters, one CBC
 *     call per chunk of CBC-MAC input. The firmware's AES.ccmEncrypt takes no associated data,
 *     so it cannot protect TLS records.
 *   - MD5 is not in the firmware and TLS 1.2 with these suites never needs it (the PRF is
 *     SHA-256/384; MD5 certificate signatures are refused before hashing), so hash('md5')
 *     fails with MD_FEATURE_UNAVAILABLE. So does any SHA a firmware build left out.
 *
 * Hashing: one-shot native hashes behind a buffering context. The handshake transcript, the
 * only long-running hash, is therefore kept as its messages (a few KB, dominated by the
 * certificate chain) and hashed natively when a digest is needed; clone() shares the
 * (immutable) chunks. Interpreted SHA-256 would be ~4000x slower than the firmware's.
 */
import { fail, type ErrorName } from '../src/errors.js';
import { gcmOnBlockCipher } from './espruino-gcm.js';
import type { AeadCipher, AesBlockCipher, AesCbcCipher, CryptoProvider, HashContext, HashName } from './provider.js';

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
}

type OneShot = (message: Uint8Array) => ArrayBuffer;

/** Chunks are joined once this many have queued, so a long transcript costs one buffer, not a list of them. */
const MAX_CHUNKS = 8;

function join(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return all;
}

class BufferedHashContext implements HashContext {
  private declare readonly native: OneShot;
  private declare chunks: Uint8Array[];
  private declare total: number;

  constructor(native: OneShot, chunks: Uint8Array[] = [], total = 0) {
    this.native = native;
    this.chunks = chunks;
    this.total = total;
  }

  update(data: Uint8Array): HashContext {
    // Copied: the caller may reuse its buffer (record buffers are recycled).
    this.chunks.push(new Uint8Array(data));
    this.total += data.length;
    if (this.chunks.length > MAX_CHUNKS) this.chunks = [join(this.chunks, this.total)];
    return this;
  }

  digest(): Uint8Array {
    const all = this.chunks.length === 1 ? this.chunks[0]! : join(this.chunks, this.total);
    return nativeBytes(this.native(all), 64, 'hash');
  }

  clone(): HashContext {
    return new BufferedHashContext(this.native, this.chunks.slice(), this.total);
  }
}

/**
 * Native results are flat (contiguous) buffers. In a fragmented variable pool the firmware
 * cannot allocate one and returns undefined instead of throwing, so bulk work goes to it in
 * chunks of this size, and a missing result is a typed error rather than a TypeError later.
 */
export const NATIVE_CHUNK_BYTES = 1024;

function nativeBytes(result: ArrayBuffer | undefined, length: number, what: string): Uint8Array {
  if (!(result instanceof ArrayBuffer) && (result === undefined || result === null)) {
    fail('SSL_ALLOC_FAILED', `${what}: the firmware could not allocate ${length} bytes (memory low)`);
  }
  return new Uint8Array(result);
}

/** `native` over `data` a flat-buffer-sized chunk at a time, the results joined; a call may use state the previous one left. */
function inChunks(data: Uint8Array, native: (part: Uint8Array) => Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += NATIVE_CHUNK_BYTES) out.set(native(data.subarray(i, Math.min(data.length, i + NATIVE_CHUNK_BYTES))), i);
  return out;
}

function checkKey(key: Uint8Array, what: string, code: ErrorName = 'CIPHER_BAD_INPUT_DATA'): Uint8Array {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    fail(code, `${what} key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  // Our own copy: Espruino reads the key on every call, and the caller may wipe theirs.
  return new Uint8Array(key);
}

export function createEspruinoProvider(cryptoModule: EspruinoCryptoModule, options: EspruinoProviderOptions = {}): CryptoProvider {
  const provider: { -readonly [K in keyof CryptoProvider]: CryptoProvider[K] } = {
    name: 'espruino',
    hash(alg) {
      // The firmware's names are the upper-case hash names (SHA1 .. SHA512); it has no MD5.
      const fn = /^sha/.test(alg) ? (cryptoModule as Record<string, unknown>)[alg.toUpperCase()] : undefined;
      if (typeof fn !== 'function') return fail('MD_FEATURE_UNAVAILABLE', `${alg} is not in this firmware's crypto module`);
      return new BufferedHashContext((m) => (fn as OneShot).call(cryptoModule, m));
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
          return nativeBytes(aes.encrypt(block, k, { mode: 'ECB' }), 16, 'AES');
        },
        // Bulk paths: a native call from the interpreter costs far more than an AES block,
        // so CCM and GCM hand the firmware a chunk of counters / MAC input per call.
        encryptBlocks(blocks) {
          wholeBlocks(blocks);
          return inChunks(blocks, (part) => nativeBytes(aes.encrypt(part, k, { mode: 'ECB' }), part.length, 'AES-ECB'));
        },
        cbcMacBlocks(iv, blocks) {
          wholeBlocks(blocks);
          let chain = iv;
          for (let i = 0; i < blocks.length; i += NATIVE_CHUNK_BYTES) {
            const part = blocks.subarray(i, Math.min(blocks.length, i + NATIVE_CHUNK_BYTES));
            const out = nativeBytes(aes.encrypt(part, k, { iv: chain, mode: 'CBC' }), part.length, 'AES-CBC');
            chain = out.subarray(out.length - 16);
          }
          return new Uint8Array(chain);
        },
      };
    };
    provider.aesGcm = (key): AeadCipher => {
      return gcmOnBlockCipher(provider.aesBlock!(checkKey(key, 'AES-GCM', 'GCM_BAD_INPUT')));
    };
    provider.aesCbc = (key): AesCbcCipher => {
      const k = checkKey(key, 'AES-CBC');
      const run = (op: 'encrypt' | 'decrypt', iv: Uint8Array, data: Uint8Array): Uint8Array => {
        if (iv.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
        if (data.length % 16 !== 0) {
          fail('CIPHER_FULL_BLOCK_EXPECTED', `AES-CBC data must be a multiple of 16 bytes, got ${data.length}`);
        }
        // Espruino cannot allocate a zero-length result ("Not enough memory for result").
        if (data.length === 0) return new Uint8Array(0);
        // In chunks, each continuing from the previous chunk's last ciphertext block.
        let chain = iv;
        return inChunks(data, (part) => {
          const out = nativeBytes(aes[op](part, k, { iv: chain, mode: 'CBC' }), part.length, 'AES-CBC');
          chain = (op === 'encrypt' ? out : part).subarray(part.length - 16);
          return out;
        });
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
