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
