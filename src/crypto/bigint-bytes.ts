/**
 * Byte-level helpers on unsigned big-endian numbers, shared by both big-integer backends
 * (bigint.ts and bigint-limb.ts): no arithmetic, no BigInt, and the Espruino syntax subset.
 */

/** Strips leading zero bytes; zero becomes an empty array. */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

export function bitLength(bytes: Uint8Array): number {
  const s = stripLeadingZeros(bytes);
  if (s.length === 0) return 0;
  let top = s[0];
  let bits = (s.length - 1) * 8;
  while (top > 0) {
    bits++;
    top = top >> 1;
  }
  return bits;
}

/** Compares two unsigned big-endian numbers: -1, 0 or 1. Not constant time (public values). */
export function compareUnsigned(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  const x = stripLeadingZeros(a);
  const y = stripLeadingZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

export function isOdd(bytes: Uint8Array): boolean {
  return bytes.length > 0 && (bytes[bytes.length - 1] & 1) === 1;
}

/** a - b for a >= b (bytes); undefined when a < b. */
export function subBytes(a: Uint8Array, b: Uint8Array): Uint8Array | undefined {
  if (compareUnsigned(a, b) < 0) return undefined;
  const out = new Uint8Array(a);
  let borrow = 0;
  for (let i = 1; i <= out.length; i++) {
    const bi = i <= b.length ? b[b.length - i] : 0;
    const t = out[out.length - i] - bi - borrow;
    out[out.length - i] = t < 0 ? t + 256 : t;
    borrow = t < 0 ? 1 : 0;
  }
  return stripLeadingZeros(out);
}

export function shiftRightBits(a: Uint8Array, t: number): Uint8Array {
  const bytes = t >> 3;
  const bits = t & 7;
  const len = a.length - bytes;
  if (len <= 0) return new Uint8Array(0);
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    const lo = a[i] >> bits;
    const hi = i > 0 && bits > 0 ? (a[i - 1] << (8 - bits)) & 255 : 0;
    out[i] = lo | hi;
  }
  return stripLeadingZeros(out);
}

/** bytes - 2 (big-endian, bytes >= 2): the Fermat inverse exponent p - 2 of a prime or group order. */
export function minusTwo(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  let borrow = 2;
  for (let i = out.length - 1; i >= 0 && borrow > 0; i--) {
    const t = out[i] - borrow;
    out[i] = t < 0 ? t + 256 : t;
    borrow = t < 0 ? 1 : 0;
  }
  return out;
}
