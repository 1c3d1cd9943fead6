/**
 * AES-GCM (NIST SP 800-38D) on hw/aes.ts and hw/ghash.ts, prepared once per key (round keys,
 * H and its 256-byte GHASH table), for the XS provider. CTR runs over four local counter
 * words, the keystream XORed a word at a time; the tag is checked in constant flow before
 * anything is decrypted.
 */
import { fail } from '../src/errors.js';
import { constantTimeEqual } from '../src/encoding/bytes.js';
import { checkAesKey, encryptWords, expandKey, readWord, writeWord, type AesKey } from './aes.js';
import { Ghash } from './ghash.js';
import type { AeadCipher } from './provider.js';

const TAG = 16;

/** data XOR the keystream of counters nonce || c, nonce || c+1, ... into out. */
function ctr(k: AesKey, s: Int32Array, n0: number, n1: number, n2: number, c: number, data: Uint8Array, out: Uint8Array): void {
  const n = data.length;
  const whole = n - (n & 15);
  let i = 0;
  for (; i < whole; i += 16, c++) {
    s[0] = n0; s[1] = n1; s[2] = n2; s[3] = c;
    encryptWords(k, s);
    writeWord(out, i, readWord(data, i) ^ s[0]!);
    writeWord(out, i + 4, readWord(data, i + 4) ^ s[1]!);
    writeWord(out, i + 8, readWord(data, i + 8) ^ s[2]!);
    writeWord(out, i + 12, readWord(data, i + 12) ^ s[3]!);
  }
  if (i < n) {
    s[0] = n0; s[1] = n1; s[2] = n2; s[3] = c;
    encryptWords(k, s);
    for (let j = 0; i < n; i++, j++) out[i] = data[i]! ^ (s[j >> 2]! >>> (24 - 8 * (j & 3)));
  }
}

export function aesGcm(key: Uint8Array): AeadCipher {
  checkAesKey(key, 'GCM_BAD_INPUT', 'AES-GCM');
  const k = expandKey(key);
  const s = new Int32Array(4);
  encryptWords(k, s);
  const h = new Uint8Array(16);
  for (let i = 0; i < 4; i++) writeWord(h, 4 * i, s[i]!);
  const ghash = new Ghash(h);

  /** E(J0) XOR GHASH(aad, ct, lengths). */
  function tag(n0: number, n1: number, n2: number, aad: Uint8Array, ct: Uint8Array): Uint8Array {
    ghash.reset();
    if (aad.length > 0) ghash.update(aad);
    if (ct.length > 0) ghash.update(ct);
    // Bit lengths; a TLS record is far below 2^29 bytes, so the high words are zero.
    const lengths = new Uint8Array(16);
    writeWord(lengths, 4, aad.length * 8);
    writeWord(lengths, 12, ct.length * 8);
    ghash.update(lengths);
    const t = new Uint8Array(16);
    ghash.digestInto(t);
    s[0] = n0; s[1] = n1; s[2] = n2; s[3] = 1;
    encryptWords(k, s);
    for (let i = 0; i < 16; i++) t[i]! ^= s[i >> 2]! >>> (24 - 8 * (i & 3));
    return t;
  }

  function nonceWords(nonce: Uint8Array): [number, number, number] {
    if (nonce.length !== 12) fail('GCM_BAD_INPUT', `AES-GCM nonce must be 12 bytes, got ${nonce.length}`);
    return [readWord(nonce, 0), readWord(nonce, 4), readWord(nonce, 8)];
  }

  return {
    tagLength: TAG,
    seal(nonce, plaintext, aad) {
      const [n0, n1, n2] = nonceWords(nonce);
      const out = new Uint8Array(plaintext.length + TAG);
      const ct = out.subarray(0, plaintext.length);
      ctr(k, s, n0, n1, n2, 2, plaintext, ct);
      out.set(tag(n0, n1, n2, aad, ct), plaintext.length);
      return out;
    },
    open(nonce, sealed, aad) {
      const [n0, n1, n2] = nonceWords(nonce);
      if (sealed.length < TAG) return null;
      const n = sealed.length - TAG;
      const ct = sealed.subarray(0, n);
      if (!constantTimeEqual(tag(n0, n1, n2, aad, ct), sealed.subarray(n))) return null;
      const out = new Uint8Array(n);
      ctr(k, s, n0, n1, n2, 2, ct, out);
      return out;
    },
  };
}
