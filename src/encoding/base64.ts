/**
 * Base64 (RFC 4648 section 4, standard alphabet, padded). Our own code because atob and
 * Buffer are missing on several embedded engines. Decoding is strict: a certificate or
 * key must decode to exactly one byte string, so characters outside the alphabet, missing
 * or misplaced padding and non-zero leftover bits are errors rather than being skipped.
 */
import { MicroTlsError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const DECODE_TABLE: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = Math.min(3, bytes.length - i);
    const v = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    // n bytes give n + 1 characters; '=' pads the group to 4.
    for (let k = 0; k < 4; k++) out += k <= n ? ALPHABET[(v >> (18 - 6 * k)) & 63]! : '=';
  }
  return out;
}

function invalid(message: string, position: number): never {
  throw new MicroTlsError('BASE64_INVALID_CHARACTER', message, { position });
}

/** Decodes padded base64 with no whitespace (callers strip line breaks first). */
export function base64Decode(text: string): Uint8Array {
  if (text.length % 4 !== 0) invalid(`base64 length ${text.length} not a multiple of 4`, text.length);
  let pad = 0;
  if (text.endsWith('==')) pad = 2;
  else if (text.endsWith('=')) pad = 1;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const pos = i + k;
      const c = text.charCodeAt(pos);
      if (last && k >= 4 - pad) {
        // Already known to be '=' (the padding was counted from the end).
        v <<= 6;
        continue;
      }
      const d = c < 128 ? DECODE_TABLE[c]! : -1;
      if (d < 0) invalid(c === 61 ? 'base64 padding "=" before the end' : `invalid base64 character at offset ${pos}`, pos);
      v = (v << 6) | d;
    }
    out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
    if (last && pad > 0) {
      // Leftover bits must be zero, or two different texts would decode to the same bytes.
      const leftover = pad === 2 ? v & 0xffff : v & 0xff;
      if (leftover !== 0) invalid('base64: non-zero bits before the padding', text.length - pad - 1);
    }
  }
  return out;
}
