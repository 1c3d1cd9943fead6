/**
 * AES block and CBC on @noble/ciphers' round function, with the key schedule expanded
 * once per prepared key (noble's public cbc()/ecb() re-expand on every call, which is
 * most of the cost of a short TLS record). The `unsafe` word-level exports are pinned by
 * the package version and covered by the Wycheproof tests in test/hw.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { fail } from '../src/errors.js';
import type { ErrorName } from '../src/errors.js';
import type { AesBlockCipher, AesCbcCipher } from './provider.js';

export function checkAesKey(key: Uint8Array, code: ErrorName, what: string): void {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    fail(code, `${what} key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
}

/** Little-endian word reads match noble's internal state layout on any host endianness. */
function word(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function putWord(b: Uint8Array, i: number, w: number): void {
  b[i] = w & 0xff;
  b[i + 1] = (w >>> 8) & 0xff;
  b[i + 2] = (w >>> 16) & 0xff;
  b[i + 3] = w >>> 24;
}

export function nobleAesBlock(key: Uint8Array): AesBlockCipher {
  checkAesKey(key, 'CIPHER_BAD_INPUT_DATA', 'AES');
  const xk = unsafe.expandKeyLE(key);
  return {
    encryptBlock(block) {
      if (block.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES block must be 16 bytes, got ${block.length}`);
      const r = unsafe.encrypt(xk, word(block, 0), word(block, 4), word(block, 8), word(block, 12));
      const out = new Uint8Array(16);
      putWord(out, 0, r.s0);
      putWord(out, 4, r.s1);
      putWord(out, 8, r.s2);
      putWord(out, 12, r.s3);
      return out;
    },
    // Bulk paths, so CCM (hw/ccm.ts) avoids a call and an allocation per block.
    encryptBlocks(blocks) {
      checkWholeBlocks(blocks);
      const out = new Uint8Array(blocks.length);
      for (let i = 0; i < blocks.length; i += 16) {
        const r = unsafe.encrypt(xk, word(blocks, i), word(blocks, i + 4), word(blocks, i + 8), word(blocks, i + 12));
        putWord(out, i, r.s0); putWord(out, i + 4, r.s1); putWord(out, i + 8, r.s2); putWord(out, i + 12, r.s3);
      }
      return out;
    },
    cbcMacBlocks(iv, blocks) {
      if (iv.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `CBC-MAC IV must be 16 bytes, got ${iv.length}`);
      checkWholeBlocks(blocks);
      let c0 = word(iv, 0), c1 = word(iv, 4), c2 = word(iv, 8), c3 = word(iv, 12);
      for (let i = 0; i < blocks.length; i += 16) {
        const r = unsafe.encrypt(xk, c0 ^ word(blocks, i), c1 ^ word(blocks, i + 4), c2 ^ word(blocks, i + 8), c3 ^ word(blocks, i + 12));
        c0 = r.s0; c1 = r.s1; c2 = r.s2; c3 = r.s3;
      }
      const out = new Uint8Array(16);
      putWord(out, 0, c0); putWord(out, 4, c1); putWord(out, 8, c2); putWord(out, 12, c3);
      return out;
    },
  };
}

function checkWholeBlocks(blocks: Uint8Array): void {
  if (blocks.length % 16 !== 0) fail('CIPHER_BAD_INPUT_DATA', `AES bulk input must be whole 16-byte blocks, got ${blocks.length}`);
}

function checkCbcInput(iv: Uint8Array, data: Uint8Array): void {
  if (iv.length !== 16) fail('CIPHER_BAD_INPUT_DATA', `AES-CBC IV must be 16 bytes, got ${iv.length}`);
  if (data.length % 16 !== 0) {
    fail('CIPHER_FULL_BLOCK_EXPECTED', `AES-CBC data must be a multiple of 16 bytes (no padding is applied), got ${data.length}`);
  }
}

export function nobleAesCbc(key: Uint8Array): AesCbcCipher {
  checkAesKey(key, 'CIPHER_BAD_INPUT_DATA', 'AES-CBC');
  const xk = unsafe.expandKeyLE(key);
  // The decryption schedule is only built if this key ever decrypts (TLS uses one direction per key).
  let xkDec: Uint32Array | undefined;
  return {
    encrypt(iv, data) {
      checkCbcInput(iv, data);
      const out = new Uint8Array(data.length);
      let c0 = word(iv, 0), c1 = word(iv, 4), c2 = word(iv, 8), c3 = word(iv, 12);
      for (let i = 0; i < data.length; i += 16) {
        const r = unsafe.encrypt(xk, c0 ^ word(data, i), c1 ^ word(data, i + 4), c2 ^ word(data, i + 8), c3 ^ word(data, i + 12));
        c0 = r.s0; c1 = r.s1; c2 = r.s2; c3 = r.s3;
        putWord(out, i, c0); putWord(out, i + 4, c1); putWord(out, i + 8, c2); putWord(out, i + 12, c3);
      }
      return out;
    },
    decrypt(iv, data) {
      checkCbcInput(iv, data);
      xkDec ??= unsafe.expandKeyDecLE(key);
      const out = new Uint8Array(data.length);
      let p0 = word(iv, 0), p1 = word(iv, 4), p2 = word(iv, 8), p3 = word(iv, 12);
      for (let i = 0; i < data.length; i += 16) {
        const w0 = word(data, i), w1 = word(data, i + 4), w2 = word(data, i + 8), w3 = word(data, i + 12);
        const r = unsafe.decrypt(xkDec, w0, w1, w2, w3);
        putWord(out, i, r.s0 ^ p0); putWord(out, i + 4, r.s1 ^ p1); putWord(out, i + 8, r.s2 ^ p2); putWord(out, i + 12, r.s3 ^ p3);
        p0 = w0; p1 = w1; p2 = w2; p3 = w3;
      }
      return out;
    },
  };
}
