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
 *  - A key's first private operation (and every 64th: BLINDING_REFRESH_USES in bigint.ts) draws
 *    a fresh blinding pair instead of squaring the old one: r^e mod n (the public exponent's
 *    schedule at the modulus size, in place of the 2 squarings) and r^-1 mod n, an extended
 *    Euclid inversion that is no multiplication: rsaBlindingInversions counts it apart. A key is
 *    a parsed key object: `connect({ cert, key })` with PEM text parses it again per connection,
 *    so every such connection is a first use.
 *  - The limb backend (Espruino) runs another schedule (fixed 4-bit windows over the primes'
 *    length, Montgomery conversions, Fermat inverses on first use); its products are counted by
 *    running it (bench/model/limb-counter.ts, the counting provider's `shadows`), not here.
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

export interface RsaPrivateShape { modulus: Uint8Array; publicExponent?: Uint8Array; prime1: Uint8Array; prime2: Uint8Array; exponent1: Uint8Array; exponent2: Uint8Array }

/** The BigInt backend's products for one private operation; `firstUse`: the key's first (or a refresh's) one. */
export function rsaPrivateMultiplications(key: RsaPrivateShape, into: ModMulCounts = {}, firstUse = false): ModMulCounts {
  const nBits = bitLength(key.modulus);
  add(into, bitLength(key.prime1), fixedWindowMultiplications(bitLength(key.exponent1)) + 1);
  add(into, bitLength(key.prime2), fixedWindowMultiplications(bitLength(key.exponent2)));
  // Blinding the input (1), recombination (1), unblinding (1); the pair squared (2) or drawn afresh.
  add(into, nBits, 3);
  if (firstUse) {
    if (!key.publicExponent) throw new Error('a first use needs the public exponent (r^e mod n)');
    rsaPublicMultiplications(key.modulus, key.publicExponent, into);
  }
  else add(into, nBits, 2);
  return into;
}

/** Modular inversions (extended Euclid, at the modulus size) of one private operation on the BigInt backend. */
export function rsaBlindingInversions(key: { modulus: Uint8Array }, firstUse: boolean, into: ModMulCounts = {}): ModMulCounts {
  if (firstUse) add(into, bitLength(key.modulus), 1);
  return into;
}

/** How many private operations a blinding pair serves before it is drawn again (bigint.ts and bigint-limb.ts). */
export const BLINDING_REFRESH_USES = 64;

const CURVE_BITS: Record<string, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };

export function ecdsaVerifyMultiplications(curve: string, into: ModMulCounts = {}): ModMulCounts {
  const bits = CURVE_BITS[curve] ?? 256;
  add(into, bits, 13 * bits);
  return into;
}
