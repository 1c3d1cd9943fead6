/**
 * AES-GCM (NIST SP 800-38D) built on a block cipher with a bulk ECB path, for engines whose
 * firmware has AES but no GCM (Espruino). Two halves:
 *   - CTR: all counter blocks of a record are laid out in one buffer and encrypted by one
 *     native ECB call (an interpreted call costs ~100x an AES block there), then XORed in
 *     32-bit words;
 *   - GHASH: 4-bit Shoup tables (16 entries of 128 bits, 256 bytes per key) in 32-bit words,
 *     the method of Mbed TLS's gcm.c, so no BigInt and no 64-bit arithmetic.
 * Tags are compared in constant flow.
 */
import { fail } from '../src/errors.js';
import { ecbBlocks } from './ccm.js';
import type { AeadCipher, AesBlockCipher } from './provider.js';

// Reduction constants for the 4 bits shifted out per step (gcm.c's last4), already << 16.
const LAST4 = [
  0x0000, 0x1c20, 0x3840, 0x2460, 0x7080, 0x6ca0, 0x48c0, 0x54e0,
  0xe100, 0xfd20, 0xd940, 0xc560, 0x9180, 0x8da0, 0xa9c0, 0xb5e0,
].map((v) => (v << 16) >>> 0);

/** Table i*H for every nibble i, 4 big-endian 32-bit words per entry. */
export function ghashTable(h: Uint8Array): Uint32Array {
  const t = new Uint32Array(64);
  const dv = new DataView(h.buffer, h.byteOffset, 16);
  let v0 = dv.getUint32(0), v1 = dv.getUint32(4), v2 = dv.getUint32(8), v3 = dv.getUint32(12);
  t[32] = v0; t[33] = v1; t[34] = v2; t[35] = v3;
  for (let i = 4; i > 0; i >>= 1) {
    const carry = v3 & 1;
    v3 = ((v3 >>> 1) | (v2 << 31)) >>> 0;
    v2 = ((v2 >>> 1) | (v1 << 31)) >>> 0;
    v1 = ((v1 >>> 1) | (v0 << 31)) >>> 0;
    v0 = ((v0 >>> 1) ^ (carry ? 0xe1000000 : 0)) >>> 0;
    t[i * 4] = v0; t[i * 4 + 1] = v1; t[i * 4 + 2] = v2; t[i * 4 + 3] = v3;
  }
  for (let i = 2; i <= 8; i *= 2) {
    for (let j = 1; j < i; j++) {
      for (let w = 0; w < 4; w++) t[(i + j) * 4 + w] = (t[i * 4 + w]! ^ t[j * 4 + w]!) >>> 0;
    }
  }
  return t;
}

/** y = (y xor block) * H, y as 4 words in place; block is 16 bytes at `off` of `data` (zero-padded past `end`). */
function ghashBlock(t: Uint32Array, y: Uint32Array, data: Uint8Array, off: number, end: number): void {
  const x = new Uint8Array(16);
  if (off + 16 <= end) x.set(data.subarray(off, off + 16));
  else x.set(data.subarray(off, end));
  for (let w = 0; w < 4; w++) {
    const k = w * 4;
    y[w] = (y[w]! ^ ((x[k]! << 24) | (x[k + 1]! << 16) | (x[k + 2]! << 8) | x[k + 3]!)) >>> 0;
    x[k] = y[w]! >>> 24; x[k + 1] = (y[w]! >>> 16) & 0xff; x[k + 2] = (y[w]! >>> 8) & 0xff; x[k + 3] = y[w]! & 0xff;
  }
  let n = (x[15]! & 0xf) * 4;
  let z0 = t[n]!, z1 = t[n + 1]!, z2 = t[n + 2]!, z3 = t[n + 3]!;
  for (let i = 15; i >= 0; i--) {
    const b = x[i]!;
    for (let half = i === 15 ? 1 : 0; half < 2; half++) {
      const rem = z3 & 0xf;
      z3 = ((z3 >>> 4) | (z2 << 28)) >>> 0;
      z2 = ((z2 >>> 4) | (z1 << 28)) >>> 0;
      z1 = ((z1 >>> 4) | (z0 << 28)) >>> 0;
      z0 = ((z0 >>> 4) ^ LAST4[rem]!) >>> 0;
      n = (half === 0 ? b & 0xf : b >>> 4) * 4;
      z0 = (z0 ^ t[n]!) >>> 0; z1 = (z1 ^ t[n + 1]!) >>> 0; z2 = (z2 ^ t[n + 2]!) >>> 0; z3 = (z3 ^ t[n + 3]!) >>> 0;
    }
  }
  y[0] = z0; y[1] = z1; y[2] = z2; y[3] = z3;
}

function ghash(t: Uint32Array, aad: Uint8Array, ct: Uint8Array): Uint32Array {
  const y = new Uint32Array(4);
  for (let i = 0; i < aad.length; i += 16) ghashBlock(t, y, aad, i, aad.length);
  for (let i = 0; i < ct.length; i += 16) ghashBlock(t, y, ct, i, ct.length);
  const lens = new Uint8Array(16);
  const dv = new DataView(lens.buffer);
  // Bit lengths; TLS records are far below 2^29 bytes, so the high words stay zero.
  dv.setUint32(4, aad.length * 8);
  dv.setUint32(12, ct.length * 8);
  ghashBlock(t, y, lens, 0, 16);
  return y;
}

/** Counter blocks per bulk call; the provider itself cuts native calls into flat-buffer-sized chunks. */
const MAX_BLOCKS_PER_CALL = 1024;

export function gcmOnBlockCipher(cipher: AesBlockCipher): AeadCipher {
  const table = ghashTable(cipher.encryptBlock(new Uint8Array(16)));

  /** Keystream blocks E(J0), E(J0+1), ... for `n` data bytes, the first block being E(J0). */
  const keystream = (nonce: Uint8Array, n: number): Uint8Array => {
    const blocks = 1 + Math.ceil(n / 16);
    const out = new Uint8Array(blocks * 16);
    for (let start = 0; start < blocks; start += MAX_BLOCKS_PER_CALL) {
      const count = Math.min(MAX_BLOCKS_PER_CALL, blocks - start);
      const counters = new Uint8Array(count * 16);
      const dv = new DataView(counters.buffer);
      for (let b = 0; b < count; b++) {
        counters.set(nonce, b * 16);
        dv.setUint32(b * 16 + 12, start + b + 1); // J0 = nonce || 1; 2^32 wrap cannot occur for one record
      }
      out.set(ecbBlocks(cipher, counters), start * 16);
    }
    return out;
  };

  /** data xor keystream[16..], in 32-bit words where possible. */
  const xorStream = (data: Uint8Array, ks: Uint8Array): Uint8Array => {
    const out = new Uint8Array(data.length + ((4 - (data.length & 3)) & 3));
    out.set(data);
    const o32 = new Uint32Array(out.buffer, 0, out.length >> 2);
    const k32 = new Uint32Array(ks.buffer, ks.byteOffset + 16, out.length >> 2);
    for (let i = 0; i < o32.length; i++) o32[i] = o32[i]! ^ k32[i]!;
    return out.length === data.length ? out : out.subarray(0, data.length);
  };

  const tagOf = (ks: Uint8Array, aad: Uint8Array, ct: Uint8Array): Uint8Array => {
    const s = ghash(table, aad, ct);
    const tag = new Uint8Array(16);
    for (let w = 0; w < 4; w++) {
      for (let b = 0; b < 4; b++) tag[w * 4 + b] = ((s[w]! >>> (24 - 8 * b)) & 0xff) ^ ks[w * 4 + b]!;
    }
    return tag;
  };

  return {
    tagLength: 16,
    seal(nonce, plaintext, aad) {
      if (nonce.length !== 12) fail('GCM_BAD_INPUT', `AES-GCM nonce must be 12 bytes, got ${nonce.length}`);
      const ks = keystream(nonce, plaintext.length);
      const out = new Uint8Array(plaintext.length + 16);
      const ct = xorStream(plaintext, ks);
      out.set(ct);
      out.set(tagOf(ks, aad, ct), plaintext.length);
      return out;
    },
    open(nonce, sealed, aad) {
      if (nonce.length !== 12) fail('GCM_BAD_INPUT', `AES-GCM nonce must be 12 bytes, got ${nonce.length}`);
      if (sealed.length < 16) return null;
      const ct = sealed.subarray(0, sealed.length - 16);
      const ks = keystream(nonce, ct.length);
      const tag = tagOf(ks, aad, ct);
      let diff = 0;
      for (let i = 0; i < 16; i++) diff |= tag[i]! ^ sealed[ct.length + i]!;
      if (diff !== 0) return null;
      return xorStream(ct, ks);
    },
  };
}
