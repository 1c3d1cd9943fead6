/**
 * How many modular multiplications an RSA or ECDSA operation costs, by operand size, for the
 * device cost model (hw/counting.ts). Derived from the exponent and the window schedule of
 * src/crypto's exponentiation, not counted inside it: the counting provider sees the
 * public-key operations only at the provider's hooks (rsaPublic, rsaPrivate, ecdsaVerify*).
 * A squaring counts as a multiplication (devices without a dedicated squaring routine pay the
 * same; with one, about 0.8 of it).
 *
 *  - Public exponent (e = 65537 and others up to 64 bits): left-to-right square-and-multiply,
 *    (bits(e) - 1) squarings + (popcount(e) - 1) multiplications at the modulus size.
 *  - Longer public exponents: sliding window (w = 5 above 512 bits, else 4): 2^(w-1) table
 *    entries, bits(e) - 1 squarings, about bits(e) / (w + 1) multiplications.
 *  - Private (CRT): two fixed-window exponentiations at half the modulus size, each with a
 *    table of 2^w - 2 products, w * (digits - 1) squarings and `digits` multiplications
 *    (w = 6 above 768 exponent bits, 5 above 256, else 4); then at the modulus size the
 *    blinding update (2), blinding the input (1), recombination (2: qInv * h mod p is at half
 *    size, m2 + h * q and the unblinding at full size). src/crypto also checks each signature
 *    with the public key (rsaSignPkcs1v15), which goes through rsaPublic and is counted there.
 *  - ECDSA verification over a field of n bits: an estimate, not a schedule read from code:
 *    a two-scalar multiplication u1*G + u2*Q in Jacobian coordinates with 4-bit windows,
 *    n doublings (4M + 4S) and about n/2.5 mixed additions (8M + 3S), plus a field inversion
 *    by exponentiation (about 1.1 n multiplications): ~13 n field multiplications.
 */

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return i === bytes.length ? 0 : (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

function popcount(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) for (let v = b; v; v &= v - 1) n++;
  return n;
}

/** Operand size class for the cost model: the modulus bit length rounded up to a multiple of 256. */
export function sizeClass(bits: number): number {
  return Math.max(256, Math.ceil(bits / 256) * 256);
}

export type ModMulCounts = Record<string, number>;

function add(into: ModMulCounts, bits: number, n: number): void {
  if (n <= 0) return;
  const k = String(sizeClass(bits));
  into[k] = (into[k] ?? 0) + n;
}

export function rsaPublicMultiplications(modulus: Uint8Array, publicExponent: Uint8Array, into: ModMulCounts = {}): ModMulCounts {
  const nBits = bitLength(modulus);
  const eBits = bitLength(publicExponent);
  if (eBits <= 64) {
    add(into, nBits, Math.max(0, eBits - 1) + Math.max(0, popcount(publicExponent) - 1));
  } else {
    const w = eBits > 512 ? 5 : 4;
    add(into, nBits, (1 << (w - 1)) + eBits - 1 + Math.ceil(eBits / (w + 1)));
  }
  return into;
}

function fixedWindowMultiplications(expBits: number): number {
  const w = expBits > 768 ? 6 : expBits > 256 ? 5 : 4;
  const digits = Math.ceil(expBits / w);
  return (1 << w) - 2 + w * (digits - 1) + digits;
}

export function rsaPrivateMultiplications(key: { modulus: Uint8Array; prime1: Uint8Array; prime2: Uint8Array; exponent1: Uint8Array; exponent2: Uint8Array }, into: ModMulCounts = {}): ModMulCounts {
  const nBits = bitLength(key.modulus);
  add(into, bitLength(key.prime1), fixedWindowMultiplications(bitLength(key.exponent1)) + 1);
  add(into, bitLength(key.prime2), fixedWindowMultiplications(bitLength(key.exponent2)));
  add(into, nBits, 5);
  return into;
}

const CURVE_BITS: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };

export function ecdsaVerifyMultiplications(curve: string, into: ModMulCounts = {}): ModMulCounts {
  const bits = CURVE_BITS[curve] ?? 256;
  add(into, bits, 13 * bits);
  return into;
}
