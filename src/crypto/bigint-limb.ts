/**
 * The limb backend of src/crypto's big-integer module: the same API as bigint.ts (bytes in,
 * bytes out) on the Montgomery limb arithmetic of limb.ts, with no BigInt anywhere, for
 * engines without it (Espruino). Which backend a build uses is chosen in backend.ts /
 * backend-limb.ts. Constant-flow promises and their limits: see limb.ts.
 *
 * Caches are small lists keyed by object identity (Espruino has no WeakMap): the last two
 * moduli and the last private key. They are small on purpose: on Espruino a 2048-bit context
 * takes about 1,200 variables and a 2048-bit key's CRT state about 2,500, of the 16,383 an
 * ESP32 board has.
 */
import { MicroTlsError } from '../errors.js';
import type { RsaPrivateKey } from './key-types.js';
import { bitLength, compareUnsigned, isOdd, minusTwo, shiftRightBits, stripLeadingZeros, subBytes } from './bigint-bytes.js';
import {
  addMod, bytesToLimbs, canonical, equalNum, fromMont, isZeroNum, limbsToBytes, montContext, montMul, newNum,
  numFromBytes, numToBytes, powPublic, powSecret, subMod, toMont, type MontContext, type Num,
} from './limb.js';

export { bitLength, compareUnsigned, isOdd, stripLeadingZeros, subBytes };


interface CacheEntry<K, V> {
  key: K;
  value: V;
}

function lookup<K, V>(list: CacheEntry<K, V>[], key: K): V | undefined {
  for (let i = 0; i < list.length; i++) if (list[i].key === key) return list[i].value;
  return undefined;
}

function remember<K, V>(list: CacheEntry<K, V>[], size: number, key: K, value: V): V {
  if (list.length >= size) list.shift();
  list.push({ key: key, value: value });
  return value;
}

const contexts: CacheEntry<Uint8Array, MontContext>[] = [];

function contextFor(modulus: Uint8Array): MontContext {
  const hit = lookup(contexts, modulus);
  if (hit !== undefined) return hit;
  return remember(contexts, 2, modulus, montContext(modulus));
}

/** Short exponents (e = 65537) by square-and-multiply; long ones with the 4-bit window. */
function powAny(ctx: MontContext, base: Num, exp: Uint8Array): Num {
  return exp.length <= 8 ? powPublic(ctx, base, exp) : powSecret(ctx, base, exp, 2 * exp.length);
}

/**
 * base^exp mod modulus, output left-padded to the modulus length. Variable time in the
 * exponent: for public exponents only (RSA verify and encrypt). The modulus must be odd.
 */
export function modExp(base: Uint8Array, exp: Uint8Array, modulus: Uint8Array): Uint8Array {
  const mod = stripLeadingZeros(modulus);
  if (mod.length === 0) throw new MicroTlsError('MPI_DIVISION_BY_ZERO', 'modulus is zero');
  const len = mod.length;
  if (len === 1 && mod[0] === 1) return new Uint8Array(1);
  const ctx = contextFor(modulus);
  const e = stripLeadingZeros(exp);
  const r = e.length === 0 ? ctx.one : powAny(ctx, toMont(ctx, base), e);
  return numToBytes(ctx, fromMont(ctx, r), len);
}

// ---- RSA private operation ---------------------------------------------------------

interface CrtState {
  n: MontContext;
  p: MontContext;
  q: MontContext;
  k: number;
  pLen: number;
  qLen: number;
  e: Uint8Array;
  dp: Uint8Array;
  dq: Uint8Array;
  pMinus2: Uint8Array;
  qMinus2: Uint8Array;
  /** Fixed digit counts: from the primes' lengths, not the exponents'. */
  pDigits: number;
  qDigits: number;
  /** q^-1 mod p in Montgomery form mod p; q in Montgomery form mod n. */
  qinvM: Num;
  qM: Num;
  /** Blinding pair in Montgomery form mod n: vi = r^e, vf = r^-1. */
  vi: Num;
  vf: Num;
  uses: number;
}

const crtStates: CacheEntry<RsaPrivateKey, CrtState>[] = [];

/** Fresh pairs cost about one private operation (Fermat inverses); between them the pair is squared. */
const BLINDING_REFRESH_USES = 64;

function crtState(key: RsaPrivateKey): CrtState {
  const hit = lookup(crtStates, key);
  if (hit !== undefined) return hit;
  const n = montContext(key.modulus);
  const p = montContext(key.prime1);
  const q = montContext(key.prime2);
  const pBytes = stripLeadingZeros(key.prime1);
  const qBytes = stripLeadingZeros(key.prime2);
  const st: CrtState = {
    n: n, p: p, q: q,
    k: stripLeadingZeros(key.modulus).length,
    pLen: pBytes.length, qLen: qBytes.length,
    e: stripLeadingZeros(key.publicExponent),
    dp: stripLeadingZeros(key.exponent1),
    dq: stripLeadingZeros(key.exponent2),
    pMinus2: minusTwo(pBytes), qMinus2: minusTwo(qBytes),
    pDigits: 2 * pBytes.length, qDigits: 2 * qBytes.length,
    qinvM: toMont(p, key.coefficient),
    qM: toMont(n, qBytes),
    vi: newNum(n), vf: newNum(n),
    uses: BLINDING_REFRESH_USES,
  };
  if (st.dp.length > st.pLen || st.dq.length > st.qLen) throw new MicroTlsError('RSA_BAD_INPUT_DATA', 'CRT exponent longer than its prime');
  return remember(crtStates, 1, key, st);
}

/** Garner: m2 + q * (qinv (m1 - m2) mod p), a plain residue mod n (< 2n). m1 in Montgomery form mod p, m2 plain bytes (< q). */
function crtCombine(st: CrtState, m1M: Num, m2: Uint8Array): Num {
  const p = st.p;
  const n = st.n;
  const diff = newNum(p);
  subMod(p, diff, m1M, toMont(p, m2));
  montMul(p, diff, diff, st.qinvM); // Montgomery form of h
  const h = numToBytes(p, fromMont(p, diff), st.pLen);
  const s = numFromBytes(n, h);
  montMul(n, s, s, st.qM); // h * q mod n, plain
  addMod(n, s, s, numFromBytes(n, m2));
  return s;
}

/** x^exp mod p and mod q for the same x (bytes < n): CRT halves, p's in Montgomery form, q's plain bytes. */
function halves(st: CrtState, x: Uint8Array, ep: Uint8Array, eq: Uint8Array): { m1M: Num; m2: Uint8Array } {
  const m1M = powSecret(st.p, toMont(st.p, x), ep, st.pDigits);
  const m2M = powSecret(st.q, toMont(st.q, x), eq, st.qDigits);
  return { m1M: m1M, m2: numToBytes(st.q, fromMont(st.q, m2M), st.qLen) };
}

function newBlinding(st: CrtState, randomBytes: (n: number) => Uint8Array): void {
  const n = st.n;
  const len = st.k;
  for (let attempt = 0; attempt < 10; attempt++) {
    const rnd = randomBytes(len);
    if (rnd.length !== len) throw new MicroTlsError('RSA_RNG_FAILED', `random generator returned ${rnd.length} bytes instead of ${len}`);
    const rM = toMont(n, rnd);
    const r = numToBytes(n, fromMont(n, rM), len);
    if (compareUnsigned(r, new Uint8Array([1])) <= 0) continue;
    // r^-1 mod p = r^(p-2) mod p (Fermat), likewise mod q, joined like a signature.
    const inv = halves(st, r, st.pMinus2, st.qMinus2);
    const vfPlain = crtCombine(st, inv.m1M, inv.m2);
    canonical(n, vfPlain, vfPlain);
    const check = newNum(n);
    montMul(n, check, rM, vfPlain);
    canonical(n, check, check);
    if (!equalNum(n, check, n.plainOne)) continue; // r shares a factor with n
    st.vi = powPublic(n, rM, st.e);
    const vf = newNum(n);
    montMul(n, vf, vfPlain, n.r2);
    st.vf = vf;
    st.uses = 0;
    return;
  }
  throw new MicroTlsError('RSA_RNG_FAILED', 'could not draw an invertible blinding value');
}

/**
 * input^d mod n with CRT and base blinding; output padded to the modulus length. The
 * caller checks the result with the public key (rsaSignPkcs1v15), which catches CRT faults.
 */
export function rsaPrivate(key: RsaPrivateKey, input: Uint8Array, randomBytes: (n: number) => Uint8Array): Uint8Array {
  if (compareUnsigned(input, key.modulus) >= 0) throw new MicroTlsError('RSA_BAD_INPUT_DATA', 'input is not smaller than the modulus');
  const st = crtState(key);
  const n = st.n;
  if (st.uses >= BLINDING_REFRESH_USES) newBlinding(st, randomBytes);
  else {
    montMul(n, st.vi, st.vi, st.vi);
    montMul(n, st.vf, st.vf, st.vf);
  }
  st.uses++;
  const blinded = numFromBytes(n, stripLeadingZeros(input));
  montMul(n, blinded, blinded, st.vi); // c * vi mod n, plain
  canonical(n, blinded, blinded);
  const h = halves(st, numToBytes(n, blinded, st.k), st.dp, st.dq);
  const s = crtCombine(st, h.m1M, h.m2);
  montMul(n, s, s, st.vf); // unblind: s * vf mod n, plain
  canonical(n, s, s);
  return numToBytes(n, s, st.k);
}

// ---- key consistency (variable time: run once at import) ---------------------------------

const W = 22;
const RADIX = 4194304;

/** Plain product of two unsigned big-endian values. */
export function mulBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const na = Math.ceil((a.length * 8) / W) + 1;
  const nb = Math.ceil((b.length * 8) / W) + 1;
  const x = bytesToLimbs(a, W, na) as Int32Array;
  const y = bytesToLimbs(b, W, nb) as Int32Array;
  const acc = new Float64Array(na + nb + 1);
  const out = new Int32Array(na + nb + 1);
  for (let i = 0; i < na; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let j = 0; j < nb; j++) acc[i + j] += xi * y[j];
  }
  let c = 0;
  for (let i = 0; i < acc.length; i++) {
    const t = acc[i] + c;
    const lo = t % RADIX;
    out[i] = lo;
    c = (t - lo) / RADIX;
  }
  return stripLeadingZeros(limbsToBytes(out, W, a.length + b.length + 1) as Uint8Array);
}

function trailingZeroBits(a: Uint8Array): number {
  let t = 0;
  for (let i = a.length - 1; i >= 0; i--) {
    if (a[i] === 0) {
      t += 8;
      continue;
    }
    let v = a[i];
    while ((v & 1) === 0) {
      t++;
      v = v >> 1;
    }
    return t;
  }
  return t;
}

/** x mod d === 0 for d > 0, via d = 2^t * o with o odd (o by Montgomery reduction). */
function divisible(x: Uint8Array, d: Uint8Array): boolean {
  const t = trailingZeroBits(d);
  if (stripLeadingZeros(x).length > 0 && trailingZeroBits(x) < t) return false;
  const o = shiftRightBits(d, t);
  if (o.length === 1 && o[0] === 1) return true;
  const ctx = montContext(o);
  return isZeroNum(ctx, fromMont(ctx, toMont(ctx, x)));
}

/** a mod m === b exactly, for b < m: b < m and m divides a - b. */
function congruentReduced(a: Uint8Array, b: Uint8Array, m: Uint8Array): boolean {
  if (compareUnsigned(b, m) >= 0) return false;
  const diff = subBytes(a, b);
  return diff !== undefined && divisible(diff, m);
}

const ONE = new Uint8Array([1]);
const THREE = new Uint8Array([3]);

/**
 * Consistency of an RSA private key (Mbed TLS mbedtls_rsa_check_privkey): returns the
 * reason it is inconsistent, or undefined when it is fine. Same checks as bigint.ts.
 */
export function rsaKeyProblem(key: RsaPrivateKey): string | undefined {
  const n = stripLeadingZeros(key.modulus);
  const e = stripLeadingZeros(key.publicExponent);
  const d = stripLeadingZeros(key.privateExponent);
  const p = stripLeadingZeros(key.prime1);
  const q = stripLeadingZeros(key.prime2);
  const dp = stripLeadingZeros(key.exponent1);
  const dq = stripLeadingZeros(key.exponent2);
  const qinv = stripLeadingZeros(key.coefficient);
  if (compareUnsigned(p, THREE) < 0 || compareUnsigned(q, THREE) < 0 || !isOdd(p) || !isOdd(q)) return 'the primes must be odd and greater than 2';
  if (compareUnsigned(mulBytes(p, q), n) !== 0) return 'modulus is not the product of the two primes';
  if (compareUnsigned(e, THREE) < 0 || !isOdd(e) || compareUnsigned(e, n) >= 0) return 'public exponent out of range';
  if (compareUnsigned(d, ONE) <= 0 || compareUnsigned(d, n) >= 0) return 'private exponent out of range';
  const p1 = subBytes(p, ONE) as Uint8Array;
  const q1 = subBytes(q, ONE) as Uint8Array;
  const ed = mulBytes(e, d);
  if (!congruentReduced(ed, ONE, p1) || !congruentReduced(ed, ONE, q1)) return 'e*d is not 1 modulo lcm(p-1, q-1)';
  if (!congruentReduced(d, dp, p1) || !congruentReduced(d, dq, q1)) return 'CRT exponents do not match the private exponent';
  if (compareUnsigned(qinv, p) >= 0 || !congruentReduced(mulBytes(qinv, q), ONE, p)) return 'CRT coefficient is not q^-1 mod p';
  return undefined;
}

