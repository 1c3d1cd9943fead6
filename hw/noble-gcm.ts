/**
 * AES-GCM on @noble/ciphers' CTR and our GHASH (hw/ghash.ts), prepared once per key.
 * noble's public gcm() re-expands the AES key, recomputes H and rebuilds the GHASH
 * multiplication table for every record; here all three happen once in aesGcm(key), and
 * each record only resets the GHASH accumulator. The GHASH is Shoup's 4-bit method (256
 * bytes of table per key) rather than noble's (33.6 KB per key), so the two keys of an
 * idle connection stay small. The tag is checked in constant time before any decryption.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { fail } from '../src/errors.js';
import { constantTimeEqual } from '../src/encoding/bytes.js';
import { Ghash } from './ghash.js';
import { checkAesKey } from './noble-aes.js';
import type { AeadCipher } from './provider.js';

const TAG = 16;

/** ctr32 views its buffers as Uint32Array, so they must start on a 4-byte boundary. */
function aligned(b: Uint8Array): Uint8Array {
  return b.byteOffset % 4 === 0 ? b : b.slice();
}

export function nobleAesGcm(key: Uint8Array): AeadCipher {
  checkAesKey(key, 'GCM_BAD_INPUT', 'AES-GCM');
  const xk = unsafe.expandKeyLE(key);
  const h = unsafe.ctr32(xk, false, new Uint8Array(16), new Uint8Array(16));
  const ghash = new Ghash(h);

  /** Returns E(J0) and leaves the counter at inc32(J0), ready for the payload. */
  function start(nonce: Uint8Array): { counter: Uint8Array; mask: Uint8Array } {
    if (nonce.length !== 12) fail('GCM_BAD_INPUT', `AES-GCM nonce must be 12 bytes, got ${nonce.length}`);
    const counter = new Uint8Array(16);
    counter.set(nonce);
    counter[15] = 1;
    const mask = unsafe.ctr32(xk, false, counter, new Uint8Array(16));
    return { counter, mask };
  }

  function tag(mask: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    ghash.reset();
    if (aad.length > 0) ghash.update(aad);
    if (ciphertext.length > 0) ghash.update(ciphertext);
    ghash.update(lengthBlock(aad.length, ciphertext.length));
    const t = new Uint8Array(16);
    ghash.digestInto(t);
    for (let i = 0; i < 16; i++) t[i]! ^= mask[i]!;
    return t;
  }

  return {
    tagLength: TAG,
    seal(nonce, plaintext, aad) {
      const { counter, mask } = start(nonce);
      const out = new Uint8Array(plaintext.length + TAG);
      const ct = out.subarray(0, plaintext.length);
      if (plaintext.length > 0) unsafe.ctr32(xk, false, counter, aligned(plaintext), ct);
      out.set(tag(mask, aad, ct), plaintext.length);
      return out;
    },
    open(nonce, sealed, aad) {
      if (sealed.length < TAG) return null;
      const { counter, mask } = start(nonce);
      const n = sealed.length - TAG;
      const ct = sealed.subarray(0, n);
      if (!constantTimeEqual(tag(mask, aad, ct), sealed.subarray(n))) return null;
      return n > 0 ? unsafe.ctr32(xk, false, counter, aligned(ct)) : new Uint8Array(0);
    },
  };
}

/** len(A) || len(C) in bits, each a 64-bit big-endian integer. */
function lengthBlock(aadBytes: number, ctBytes: number): Uint8Array {
  const b = new Uint8Array(16);
  const put = (off: number, bytes: number) => {
    const bits = bytes * 8;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    b[off] = hi >>> 24; b[off + 1] = (hi >>> 16) & 0xff; b[off + 2] = (hi >>> 8) & 0xff; b[off + 3] = hi & 0xff;
    b[off + 4] = lo >>> 24; b[off + 5] = (lo >>> 16) & 0xff; b[off + 6] = (lo >>> 8) & 0xff; b[off + 7] = lo & 0xff;
  };
  put(0, aadBytes);
  put(8, ctBytes);
  return b;
}
