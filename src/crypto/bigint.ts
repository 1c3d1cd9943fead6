/**
 * The BigInt backend of microtls's big-integer arithmetic: RSA through backend.ts where the
 * host has no WebAssembly (XS, via backend-bigint.ts) and for moduli the WebAssembly kernel
 * does not take; on Node backend.ts runs RSA on that kernel (bigint-wasm.ts), about twice as
 * fast. The API is in bytes (big-endian, unsigned); bigint-limb.ts has the same API without
 * BigInt for engines that lack it (backend-limb.ts). Nothing outside this file and
 * ecdsa-bigint.ts (the XS bundle's ECDSA) may use BigInt.
 *
 * Why plain `%` and not Montgomery or Barrett: measured on Node 20 (V8 BigInt, x64), a
 * 1024-bit product costs ~0.70 us and reducing the 2048-bit product with `%` ~0.96 us,
 * while Montgomery's REDC and Barrett both need two more full-size products (V8 cannot
 * compute half a product), ~1.4 us. RSA-2048 CRT sign, exponentiation only, median of 5:
 *   naive binary with %       7.1-7.4 ms
 *   fixed window %  w=4/5/6   4.17 / 4.07 / 3.97 ms
 *   Montgomery      w=4/5/6   4.60 / 4.31 / 4.31 ms
 *   Barrett sliding w=4/5/6   5.3 / 4.8 / 4.8 ms
 * so windowing (fewer multiplications) is the win and `%` the fastest reduction here.
 * Measured again beside the WebAssembly kernel (2026-12-01, one 1024-bit modulus and
 * exponent, window 5, CPU time, best of 5): `%` 2.30 ms, Montgomery with mask and shift
 * 2.25 ms, Barrett 2.71 ms, the kernel (window 4) 1.16 ms. The
 * limb backend (limb.ts) uses Montgomery, where the reduction is interleaved for free.
 * About 2 x 1250 modular products per RSA-2048 signature at ~1.6 us is the floor of this
 * backend. Against node:crypto (OpenSSL 3.0, same machine, interleaved runs): RSA-2048 sign
 * 4.8 ms vs 0.30 ms (~16x; OpenSSL uses its AVX-512 IFMA kernel for 2048-bit keys only,
 * ~1.2 ms without it, ~4x), RSA-3072 / 4096 sign ~6x; public operations (e = 65537) ~4-5x.
 *
 * Secret exponents use a fixed window: the sequence of squarings and multiplications is
 * then the same for every exponent of a given length, so power traces or timing of that
 * sequence (the sliding-window attacks, "Sliding right into disaster", CHES 2017) reveal
 * nothing. V8 BigInt operations themselves are not constant time; base blinding in
 * rsaPrivate makes what they operate on unpredictable to an attacker.
 */
import { MicroTlsError } from '../errors.js';
import type { RsaPrivateKey } from './key-types.js';
import { stripLeadingZeros } from './bigint-bytes.js';

// ---- conversions -------------------------------------------------------------------

// Conversions go through hex strings, the fastest path V8 offers (~3 us each way for 256
// bytes, a tenth of an RSA-2048 public operation, so they are worth keeping lean).
const BYTE_HEX: readonly string[] = (() => {
  const t: string[] = [];
  for (let i = 0; i < 256; i++) t.push((i < 16 ? '0' : '') + i.toString(16));
  return t;
})();

function toBig(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let s = '0x';
  for (let i = 0; i < bytes.length; i++) s += BYTE_HEX[bytes[i]!]!;
  return BigInt(s);
}

function hexNibble(c: number): number {
  return c > 57 ? c - 87 : c - 48; // '0'-'9', 'a'-'f' (toString(16) is lower case)
}

/** Big-endian bytes, left-padded to `length` (or minimal when omitted). */
function toBytes(x: bigint, length?: number): Uint8Array {
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  const len = length ?? hex.length / 2;
  if (hex.length > len * 2) throw new MicroTlsError('MPI_BAD_INPUT_DATA', `value of ${hex.length / 2} bytes does not fit in ${len}`);
  const out = new Uint8Array(len);
  for (let i = 0, o = len - hex.length / 2; o < len; i += 2, o++) {
    out[o] = (hexNibble(hex.charCodeAt(i)) << 4) | hexNibble(hex.charCodeAt(i + 1));
  }
  return out;
}

// ---- byte-level helpers (no arithmetic, shared with the limb backend) -------------------

export { bitLength, compareUnsigned, isOdd, stripLeadingZeros } from './bigint-bytes.js';

// ---- exponentiation ----------------------------------------------------------------

function bitLengthBig(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Left-to-right sliding window; for public exponents (the pattern may leak). */
function powPublic(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  const b = base % m;
  const bits = exp.toString(2);
  if (bits.length <= 64) {
    // e = 65537 and friends: plain square-and-multiply is cheapest (17 steps, no table).
    let r = b;
    for (let i = 1; i < bits.length; i++) {
      r = (r * r) % m;
      if (bits.charCodeAt(i) === 49) r = (r * b) % m;
    }
    return exp === 0n ? 1n : r;
  }
  const w = bits.length > 512 ? 5 : 4;
  const b2 = (b * b) % m;
  const odd: bigint[] = [b];
  for (let i = 1; i < 1 << (w - 1); i++) odd.push((odd[i - 1]! * b2) % m);
  let r = 1n;
  let started = false;
  let i = 0;
  while (i < bits.length) {
    if (bits.charCodeAt(i) === 48) {
      if (started) r = (r * r) % m;
      i++;
      continue;
    }
    let j = Math.min(i + w, bits.length);
    while (bits.charCodeAt(j - 1) === 48) j--;
    const value = parseInt(bits.slice(i, j), 2);
    if (started) for (let k = i; k < j; k++) r = (r * r) % m;
    r = started ? (r * odd[(value - 1) >> 1]!) % m : odd[(value - 1) >> 1]!;
    started = true;
    i = j;
  }
  return r;
}

/** Fixed window: same operation sequence for every exponent of the same bit length. */
function powSecret(base: bigint, exp: bigint, m: bigint): bigint {
  const len = bitLengthBig(exp);
  const w = len > 768 ? 6 : len > 256 ? 5 : 4;
  const b = base % m;
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 1 << w; i++) table.push((table[i - 1]! * b) % m);
  const mask = BigInt((1 << w) - 1);
  const digits = Math.ceil(len / w);
  let r = 1n;
  for (let d = digits - 1; d >= 0; d--) {
    if (d !== digits - 1) for (let k = 0; k < w; k++) r = (r * r) % m;
    r = (r * table[Number((exp >> BigInt(d * w)) & mask)]!) % m;
  }
  return r % m;
}

// Conversions of a 256-byte modulus cost a few microseconds; keyed by the array object so
// repeated operations with one parsed key skip them, and entries die with the key.
const bigCache = new WeakMap<Uint8Array, bigint>();

function cachedBig(bytes: Uint8Array): bigint {
  let v = bigCache.get(bytes);
  if (v === undefined) {
    v = toBig(bytes);
    bigCache.set(bytes, v);
  }
  return v;
}

/**
 * base^exp mod modulus, output left-padded to the modulus length. Variable time in the
 * exponent: for public exponents only (RSA verify and encrypt).
 */
export function modExp(base: Uint8Array, exp: Uint8Array, modulus: Uint8Array): Uint8Array {
  const m = cachedBig(modulus);
  if (m === 0n) throw new MicroTlsError('MPI_DIVISION_BY_ZERO', 'modulus is zero');
  const len = stripLeadingZeros(modulus).length;
  return toBytes(powPublic(toBig(base), cachedBig(exp), m), len);
}

// ---- RSA private operation ---------------------------------------------------------

interface CrtState {
  n: bigint;
  e: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qinv: bigint;
  /** Blinding pair: vi = r^e mod n, vf = r^-1 mod n. */
  vi: bigint;
  vf: bigint;
  uses: number;
}

const crtCache = new WeakMap<RsaPrivateKey, CrtState>();

/** Fresh pairs cost a modular inversion (~1 ms); between them the pair is squared. */
const BLINDING_REFRESH_USES = 64;

function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) return undefined;
  return ((s0 % m) + m) % m;
}

function newBlinding(st: CrtState, randomBytes: (n: number) => Uint8Array): void {
  const len = Math.ceil(bitLengthBig(st.n) / 8);
  for (let attempt = 0; attempt < 10; attempt++) {
    const rnd = randomBytes(len);
    if (rnd.length !== len) throw new MicroTlsError('RSA_RNG_FAILED', `random generator returned ${rnd.length} bytes instead of ${len}`);
    const r = toBig(rnd) % st.n;
    if (r < 2n) continue;
    const inv = modInverse(r, st.n);
    if (inv === undefined) continue;
    st.vi = powPublic(r, st.e, st.n);
    st.vf = inv;
    st.uses = 0;
    return;
  }
  throw new MicroTlsError('RSA_RNG_FAILED', 'could not draw an invertible blinding value');
}

function crtState(key: RsaPrivateKey): CrtState {
  let st = crtCache.get(key);
  if (st === undefined) {
    st = {
      n: toBig(key.modulus),
      e: toBig(key.publicExponent),
      p: toBig(key.prime1),
      q: toBig(key.prime2),
      dp: toBig(key.exponent1),
      dq: toBig(key.exponent2),
      qinv: toBig(key.coefficient),
      vi: 0n,
      vf: 0n,
      uses: BLINDING_REFRESH_USES,
    };
    crtCache.set(key, st);
  }
  return st;
}

/**
 * input^d mod n with CRT and base blinding; output padded to the modulus length. The
 * caller checks the result with the public key (rsaSignPkcs1v15), which catches CRT faults.
 */
export function rsaPrivate(key: RsaPrivateKey, input: Uint8Array, randomBytes: (n: number) => Uint8Array): Uint8Array {
  const st = crtState(key);
  const c = toBig(input);
  if (c >= st.n) throw new MicroTlsError('RSA_BAD_INPUT_DATA', 'input is not smaller than the modulus');
  if (st.uses >= BLINDING_REFRESH_USES) newBlinding(st, randomBytes);
  else {
    st.vi = (st.vi * st.vi) % st.n;
    st.vf = (st.vf * st.vf) % st.n;
  }
  st.uses++;
  const blinded = (c * st.vi) % st.n;
  const m1 = powSecret(blinded % st.p, st.dp, st.p);
  const m2 = powSecret(blinded % st.q, st.dq, st.q);
  let h = (st.qinv * (m1 - m2)) % st.p;
  if (h < 0n) h += st.p;
  const s = ((m2 + h * st.q) * st.vf) % st.n;
  return toBytes(s, stripLeadingZeros(key.modulus).length);
}

/**
 * Consistency of an RSA private key (Mbed TLS mbedtls_rsa_check_privkey): returns the
 * reason it is inconsistent, or undefined when it is fine.
 */
export function rsaKeyProblem(key: RsaPrivateKey): string | undefined {
  const n = toBig(key.modulus);
  const e = toBig(key.publicExponent);
  const d = toBig(key.privateExponent);
  const p = toBig(key.prime1);
  const q = toBig(key.prime2);
  const dp = toBig(key.exponent1);
  const dq = toBig(key.exponent2);
  const qinv = toBig(key.coefficient);
  if (p < 3n || q < 3n || (p & 1n) === 0n || (q & 1n) === 0n) return 'the primes must be odd and greater than 2';
  if (p * q !== n) return 'modulus is not the product of the two primes';
  if (e < 3n || (e & 1n) === 0n || e >= n) return 'public exponent out of range';
  if (d <= 1n || d >= n) return 'private exponent out of range';
  // e*d = 1 mod lcm(p-1, q-1) is the same as modulo both p-1 and q-1.
  if ((e * d) % (p - 1n) !== 1n || (e * d) % (q - 1n) !== 1n) return 'e*d is not 1 modulo lcm(p-1, q-1)';
  if (dp !== d % (p - 1n) || dq !== d % (q - 1n)) return 'CRT exponents do not match the private exponent';
  if ((qinv * q) % p !== 1n || qinv >= p) return 'CRT coefficient is not q^-1 mod p';
  return undefined;
}
