/** Byte helpers shared by every layer. Uint8Array only: no Buffer, no Node APIs. */

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Compares without an early exit, so the time taken does not tell where the first
 * difference is (MACs, tags, Finished, DigestInfo).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  // Lengths are public (they come from the wire or from the algorithm), contents are not.
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4]! + HEX[b & 15]!;
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new RangeError('invalid hex string');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

/** UTF-8 encoder that does not rely on TextEncoder (absent on some embedded engines). */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

/**
 * Strict UTF-8 decoder: returns undefined for ill-formed input (overlongs, surrogates,
 * truncated sequences, code points above U+10FFFF) instead of substituting U+FFFD.
 */
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  let s = '';
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    let cp: number;
    let need: number;
    let min: number;
    if (b0 < 0x80) { cp = b0; need = 0; min = 0; }
    else if ((b0 & 0xe0) === 0xc0) { cp = b0 & 0x1f; need = 1; min = 0x80; }
    else if ((b0 & 0xf0) === 0xe0) { cp = b0 & 0x0f; need = 2; min = 0x800; }
    else if ((b0 & 0xf8) === 0xf0) { cp = b0 & 0x07; need = 3; min = 0x10000; }
    else return undefined;
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    s += codePointText(cp);
    i += need + 1;
  }
  return s;
}

/** One code point (not a surrogate) as text; String.fromCodePoint would need a polyfill on Espruino. */
export function codePointText(cp: number): string {
  return cp < 0x10000 ? String.fromCharCode(cp) : String.fromCharCode(0xd7c0 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
}

/** Lenient decoder for display (certificate names, alert text): invalid bytes become U+FFFD. */
export function utf8DecodeLenient(bytes: Uint8Array): string {
  const strict = utf8DecodeStrict(bytes);
  if (strict !== undefined) return strict;
  let s = '';
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : '\ufffd';
  return s;
}

export function asciiEncode(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function asciiDecode(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
