/**
 * AES-CCM (RFC 3610 / NIST SP 800-38C) built only on a single-block encrypt, so any
 * provider that offers an AES block cipher (an accelerator, Espruino's ECB) gets CCM for
 * free. @noble/ciphers has no CCM, so the noble provider uses this too. When the block
 * cipher also has the optional bulk paths (encryptBlocks / cbcMacBlocks), CTR and CBC-MAC
 * go through them a chunk at a time instead of one call per block.
 *
 * TLS (RFC 6655) uses a 12-byte nonce and 16- or 8-byte tags; the general ranges
 * (nonce 7..13, tag 4..16 even) are accepted so the Wycheproof vectors can exercise them.
 */
import { fail } from '../src/errors.js';
import { constantTimeEqual } from '../src/encoding/bytes.js';
import type { AeadCipher, AesBlockCipher } from './provider.js';

const BLOCK = 16;
/** Bytes per bulk call: bounds the temporary counter/keystream buffers on small devices. */
const CHUNK = 1024;

/** CCM for a key on a block-cipher factory, with key errors reported as CCM errors. */
export function ccmWithKey(makeBlock: (key: Uint8Array) => AesBlockCipher, key: Uint8Array, tagLength: number): AeadCipher {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    fail('CCM_BAD_INPUT', `AES-CCM key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return ccmAead(makeBlock(key), tagLength);
}

export function ccmAead(cipher: AesBlockCipher, tagLength: number): AeadCipher {
  if (!Number.isInteger(tagLength) || tagLength < 4 || tagLength > 16 || tagLength % 2 !== 0) {
    fail('CCM_BAD_INPUT', `CCM tag length must be even, 4..16, got ${tagLength}`);
  }

  function checkNonce(nonce: Uint8Array, messageLength: number): number {
    if (nonce.length < 7 || nonce.length > 13) {
      fail('CCM_BAD_INPUT', `CCM nonce must be 7..13 bytes, got ${nonce.length}`);
    }
    const lengthFieldBytes = 15 - nonce.length;
    // The message length has to fit in the L-byte field of B0 (16 MiB for a TLS 12-byte nonce).
    if (lengthFieldBytes < 7 && messageLength >= 2 ** (8 * lengthFieldBytes)) {
      fail('CCM_BAD_INPUT', `CCM message of ${messageLength} bytes is too long for a ${nonce.length}-byte nonce`);
    }
    return lengthFieldBytes;
  }

  /** The CBC-MAC of B0 || encoded AAD || plaintext, each part zero-padded to a block. */
  function cbcMac(nonce: Uint8Array, L: number, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const b0 = new Uint8Array(BLOCK);
    b0[0] = (aad.length > 0 ? 0x40 : 0) | (((tagLength - 2) / 2) << 3) | (L - 1);
    b0.set(nonce, 1);
    writeBigEndian(b0, BLOCK - L, L, plaintext.length);
    let x = cipher.encryptBlock(b0);
    if (aad.length > 0) x = absorbPadded(x, concatAadHeader(aad));
    if (plaintext.length > 0) x = absorbPadded(x, plaintext);
    return x;
  }

  function absorbPadded(state: Uint8Array, data: Uint8Array): Uint8Array {
    const whole = data.length - (data.length % BLOCK);
    let x = state;
    for (let off = 0; off < whole; off += CHUNK) x = macWholeBlocks(x, data.subarray(off, Math.min(off + CHUNK, whole)));
    if (whole < data.length) {
      const last = new Uint8Array(BLOCK);
      last.set(data.subarray(whole));
      x = macWholeBlocks(x, last);
    }
    return x;
  }

  function macWholeBlocks(state: Uint8Array, blocks: Uint8Array): Uint8Array {
    if (cipher.cbcMacBlocks) return cipher.cbcMacBlocks(state, blocks);
    let x = state;
    for (let off = 0; off < blocks.length; off += BLOCK) {
      const block = x.slice();
      for (let i = 0; i < BLOCK; i++) block[i]! ^= blocks[off + i]!;
      x = cipher.encryptBlock(block);
    }
    return x;
  }

  /** CTR with A_i = flags || nonce || i; returns S_0 (the tag mask) and writes the rest. */
  function ctr(nonce: Uint8Array, L: number, input: Uint8Array, output: Uint8Array): Uint8Array {
    const a = new Uint8Array(BLOCK);
    a[0] = L - 1;
    a.set(nonce, 1);
    const s0 = cipher.encryptBlock(a);
    // Counter blocks are laid out a chunk at a time so a bulk engine needs one call per chunk.
    for (let off = 0; off < input.length; off += CHUNK) {
      const n = Math.min(CHUNK, input.length - off);
      const counters = new Uint8Array(Math.ceil(n / BLOCK) * BLOCK);
      for (let b = 0; b < counters.length; b += BLOCK) {
        increment(a, BLOCK - L);
        counters.set(a, b);
      }
      const ks = ecbBlocks(cipher, counters);
      for (let i = 0; i < n; i++) output[off + i] = input[off + i]! ^ ks[i]!;
    }
    return s0;
  }

  return {
    tagLength,
    seal(nonce, plaintext, aad) {
      const L = checkNonce(nonce, plaintext.length);
      const out = new Uint8Array(plaintext.length + tagLength);
      const mac = cbcMac(nonce, L, aad, plaintext);
      const s0 = ctr(nonce, L, plaintext, out);
      for (let i = 0; i < tagLength; i++) out[plaintext.length + i] = mac[i]! ^ s0[i]!;
      return out;
    },
    open(nonce, sealed, aad) {
      if (sealed.length < tagLength) return null;
      const n = sealed.length - tagLength;
      const L = checkNonce(nonce, n);
      const plaintext = new Uint8Array(n);
      const s0 = ctr(nonce, L, sealed.subarray(0, n), plaintext);
      const mac = cbcMac(nonce, L, aad, plaintext);
      const expected = new Uint8Array(tagLength);
      for (let i = 0; i < tagLength; i++) expected[i] = mac[i]! ^ s0[i]!;
      if (!constantTimeEqual(expected, sealed.subarray(n))) {
        // Never hand out (or leave lying around) plaintext that failed authentication.
        plaintext.fill(0);
        return null;
      }
      return plaintext;
    },
  };
}

/** ECB over whole blocks: the cipher's bulk path when it has one (CTR keystreams for CCM and GCM). */
export function ecbBlocks(cipher: AesBlockCipher, blocks: Uint8Array): Uint8Array {
  if (cipher.encryptBlocks) return cipher.encryptBlocks(blocks);
  const out = new Uint8Array(blocks.length);
  for (let off = 0; off < blocks.length; off += BLOCK) out.set(cipher.encryptBlock(blocks.subarray(off, off + BLOCK)), off);
  return out;
}

/** RFC 3610 2.2: the AAD is prefixed with its length in a 2-, 6- or 10-byte encoding. */
function concatAadHeader(aad: Uint8Array): Uint8Array {
  const n = aad.length;
  let header: Uint8Array;
  if (n < 0xff00) {
    header = new Uint8Array(2);
    writeBigEndian(header, 0, 2, n);
  } else if (n <= 0xffffffff) {
    header = new Uint8Array(6);
    header[0] = 0xff;
    header[1] = 0xfe;
    writeBigEndian(header, 2, 4, n);
  } else {
    header = new Uint8Array(10);
    header[0] = 0xff;
    header[1] = 0xff;
    writeBigEndian(header, 2, 8, n);
  }
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(aad, header.length);
  return out;
}

function writeBigEndian(buf: Uint8Array, offset: number, width: number, value: number): void {
  // Division, not shifts: lengths may exceed 2^32 in the 8-byte encodings.
  let v = value;
  for (let i = offset + width - 1; i >= offset; i--) {
    buf[i] = v % 256;
    v = Math.floor(v / 256);
  }
}

function increment(block: Uint8Array, from: number): void {
  for (let i = BLOCK - 1; i >= from; i--) {
    block[i] = (block[i]! + 1) & 0xff;
    if (block[i] !== 0) break;
  }
}
