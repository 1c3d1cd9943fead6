/**
 * The limb backend on the WebAssembly Montgomery kernel (limb-wasm.ts): the same API and the
 * same RSA algorithm as bigint-limb.ts (CRT with base blinding, Fermat inverses, a fixed
 * 4-bit window over the prime's length), no BigInt, with every product and whole
 * exponentiations inside WebAssembly. Where the host has no WebAssembly (Espruino, XS), or a
 * modulus the kernel does not take (even, 1, or above 8,584 bits), every function here is the
 * JS limb kernel's (bigint-limb.ts). backend.ts ships it on Node (see there and the README
 * for the figures).
 *
 * What the kernel promises for private-key operations, beyond limb.ts's promises: the
 * exponentiation is one call into compiled code whose instruction sequence and memory
 * addresses depend only on the limb count (no branch on data, the window table read whole
 * for every digit and the entry kept by mask, conditional subtractions by mask); the JS
 * around it (byte conversions, CRT recombination through the kernel's add, subtract and
 * multiply) has no branch on the values apart from range checks that valid values pass.
 * What it cannot promise: how the engine compiles the module (V8 compiles each function
 * twice, Liftoff first, then TurboFan, and neither documents constant-time code generation;
 * 64-bit multiplication is constant time on current x64 and AArch64 cores), and the JS
 * engine's own timing around the calls. Base blinding makes the values unpredictable to an
 * attacker either way.
 */
import { MicroTlsError } from '../errors.js';
import type { RsaPrivateKey } from './key-types.js';
import { bitLength, compareUnsigned, isOdd, minusTwo, stripLeadingZeros, subBytes } from './bigint-bytes.js';
import * as js from './bigint-limb.js';
import { MAX_DIGITS } from './limb-wasm-layout.js';
import {
  wAdd, wasmContext, wasmKernel, wEqual, wFromBytes, wFromMont, wMul, wPowPublic, wPowSecret, wSub, wToBytes, wToMont, type WasmContext,
} from './limb-wasm.js';

export { bitLength, compareUnsigned, isOdd, stripLeadingZeros, subBytes };
export const rsaKeyProblem = js.rsaKeyProblem;

interface CacheEntry<K, V> {
  key: K;
  value: V;
}

function lookup<K, V>(list: CacheEntry<K, V>[], key: K): V | undefined {
  for (let i = 0; i < list.length; i++) if (list[i]!.key === key) return list[i]!.value;
  return undefined;
}

function remember<K, V>(list: CacheEntry<K, V>[], size: number, key: K, value: V): V {
  for (let i = 0; i < list.length; i++) if (list[i]!.key === key) list.splice(i, 1);
  if (list.length >= size) list.shift();
  list.push({ key: key, value: value });
  return value;
}

/** Moduli the kernel refused map to null, so the JS kernel takes them without asking again. */
const contexts: CacheEntry<Uint8Array, WasmContext | null>[] = [];

function contextFor(modulus: Uint8Array): WasmContext | undefined {
  const kernel = wasmKernel();
  if (kernel === undefined) return undefined;
  let hit = lookup(contexts, modulus);
  // A context made on another kernel instance (setWasmVariant) is made again.
  if (hit === undefined || (hit !== null && hit.kernel !== kernel)) hit = remember(contexts, 4, modulus, wasmContext(modulus) ?? null);
  return hit ?? undefined;
}

/** Short exponents (e = 65537) by square-and-multiply; long ones with the fixed window. */
function powAny(ctx: WasmContext, base: Uint32Array, exp: Uint8Array): Uint32Array {
  return exp.length <= 8 ? wPowPublic(ctx, base, exp) : wPowSecret(ctx, base, exp, 2 * exp.length);
}

/**
 * base^exp mod modulus, output left-padded to the modulus length. Variable time in the
 * exponent: for public exponents only (RSA verify and encrypt).
 */
export function modExp(base: Uint8Array, exp: Uint8Array, modulus: Uint8Array): Uint8Array {
  const r = wasmModExp(base, exp, modulus);
  return r === undefined ? js.modExp(base, exp, modulus) : r;
}

/** modExp on the kernel, or undefined when it does not take this modulus (or there is none). */
export function wasmModExp(base: Uint8Array, exp: Uint8Array, modulus: Uint8Array): Uint8Array | undefined {
  const e = stripLeadingZeros(exp);
  if (e.length > 8 && 2 * e.length > MAX_DIGITS) return undefined; // more window digits than the kernel's buffer
  const ctx = contextFor(modulus);
  if (ctx === undefined) return undefined;
  const len = stripLeadingZeros(modulus).length;
  const r = e.length === 0 ? ctx.one : powAny(ctx, wToMont(ctx, base), e);
  return wToBytes(ctx, wFromMont(ctx, r), len);
}

// ---- RSA private operation ---------------------------------------------------------

interface CrtState {
  n: WasmContext;
  p: WasmContext;
  q: WasmContext;
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
  /** q^-1 mod p, plain; q in Montgomery form mod n. */
  qinv: Uint32Array;
  qM: Uint32Array;
  /** Blinding pair in Montgomery form mod n: vi = r^e, vf = r^-1. */
  vi: Uint32Array;
  vf: Uint32Array;
  uses: number;
}

/** Keys whose moduli the kernel refused map to null (the JS kernel signs with them). */
const crtStates: CacheEntry<RsaPrivateKey, CrtState | null>[] = [];

/** Fresh pairs cost about one private operation (Fermat inverses); between them the pair is squared. */
const BLINDING_REFRESH_USES = 64;

function crtState(key: RsaPrivateKey): CrtState | undefined {
  const kernel = wasmKernel();
  if (kernel === undefined) return undefined;
  const hit = lookup(crtStates, key);
  if (hit === null) return undefined;
  if (hit !== undefined && hit.n.kernel === kernel) return hit;
  const n = wasmContext(key.modulus);
  const p = wasmContext(key.prime1);
  const q = wasmContext(key.prime2);
  if (n === undefined || p === undefined || q === undefined) {
    remember(crtStates, 2, key, null);
    return undefined;
  }
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
    qinv: wFromMont(p, wToMont(p, key.coefficient)),
    qM: wToMont(n, qBytes),
    vi: new Uint32Array(n.n), vf: new Uint32Array(n.n),
    uses: BLINDING_REFRESH_USES,
  };
  if (st.dp.length > st.pLen || st.dq.length > st.qLen) throw new MicroTlsError('RSA_BAD_INPUT_DATA', 'CRT exponent longer than its prime');
  remember(crtStates, 2, key, st);
  return st;
}

/** Garner: m2 + q (qinv (m1 - m2) mod p), fully reduced mod n. m1 in Montgomery form mod p, m2 plain bytes (< q). */
function crtCombine(st: CrtState, m1M: Uint32Array, m2: Uint8Array): Uint32Array {
  const p = st.p;
  const n = st.n;
  const diff = wSub(p, m1M, wToMont(p, m2)); // Montgomery form of m1 - m2
  const h = wMul(p, diff, st.qinv); // Montgomery times plain: plain h
  const hq = wMul(n, wFromBytes(n, wToBytes(p, h, st.pLen)) as Uint32Array, st.qM); // plain h q mod n
  return wAdd(n, hq, wFromBytes(n, m2) as Uint32Array); // below n: m2 + h q < n exactly
}

/** x^exp mod p and mod q for the same x (bytes < n): p's half in Montgomery form, q's as plain bytes. */
function halves(st: CrtState, x: Uint8Array, ep: Uint8Array, eq: Uint8Array): { m1M: Uint32Array; m2: Uint8Array } {
  const m1M = wPowSecret(st.p, wToMont(st.p, x), ep, st.pDigits);
  const m2M = wPowSecret(st.q, wToMont(st.q, x), eq, st.qDigits);
  return { m1M: m1M, m2: wToBytes(st.q, wFromMont(st.q, m2M), st.qLen) };
}

const PLAIN_ONE = new Uint8Array([1]);

function newBlinding(st: CrtState, randomBytes: (n: number) => Uint8Array): void {
  const n = st.n;
  const len = st.k;
  for (let attempt = 0; attempt < 10; attempt++) {
    const rnd = randomBytes(len);
    if (rnd.length !== len) throw new MicroTlsError('RSA_RNG_FAILED', `random generator returned ${rnd.length} bytes instead of ${len}`);
    const rM = wToMont(n, rnd);
    const r = wToBytes(n, wFromMont(n, rM), len);
    if (compareUnsigned(r, PLAIN_ONE) <= 0) continue;
    // r^-1 mod p = r^(p-2) mod p (Fermat), likewise mod q, joined like a signature.
    const inv = halves(st, r, st.pMinus2, st.qMinus2);
    const vfPlain = crtCombine(st, inv.m1M, inv.m2);
    if (!wEqual(wMul(n, rM, vfPlain), wFromBytes(n, PLAIN_ONE) as Uint32Array)) continue; // r shares a factor with n
    st.vi = wPowPublic(n, rM, st.e);
    st.vf = wToMont(n, wToBytes(n, vfPlain, len));
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
  const r = wasmRsaPrivate(key, input, randomBytes);
  return r === undefined ? js.rsaPrivate(key, input, randomBytes) : r;
}

/** rsaPrivate on the kernel, or undefined when it does not take this key's moduli (or there is none). */
export function wasmRsaPrivate(key: RsaPrivateKey, input: Uint8Array, randomBytes: (n: number) => Uint8Array): Uint8Array | undefined {
  if (compareUnsigned(input, key.modulus) >= 0) throw new MicroTlsError('RSA_BAD_INPUT_DATA', 'input is not smaller than the modulus');
  const st = crtState(key);
  if (st === undefined) return undefined;
  const n = st.n;
  if (st.uses >= BLINDING_REFRESH_USES) newBlinding(st, randomBytes);
  else {
    st.vi = wMul(n, st.vi, st.vi);
    st.vf = wMul(n, st.vf, st.vf);
  }
  st.uses++;
  const blinded = wMul(n, wFromBytes(n, stripLeadingZeros(input)) as Uint32Array, st.vi); // c vi mod n, plain
  const h = halves(st, wToBytes(n, blinded, st.k), st.dp, st.dq);
  const s = crtCombine(st, h.m1M, h.m2);
  return wToBytes(n, wMul(n, s, st.vf), st.k); // unblind: s vf mod n, plain
}
