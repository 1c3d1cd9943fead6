/** Byte-level helpers of src/crypto/bigint.ts (no arithmetic), for src/device/absent-bigint.ts. */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

export function bitLength(bytes: Uint8Array): number {
  const s = stripLeadingZeros(bytes);
  if (s.length === 0) return 0;
  let top = s[0]!;
  let bits = 0;
  while (top) {
    bits++;
    top >>= 1;
  }
  return (s.length - 1) * 8 + bits;
}

export function compareUnsigned(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  const x = stripLeadingZeros(a);
  const y = stripLeadingZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

export function isOdd(bytes: Uint8Array): boolean {
  return bytes.length > 0 && (bytes[bytes.length - 1]! & 1) === 1;
}
