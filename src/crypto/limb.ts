/**
 * Montgomery arithmetic on typed-array limbs, without BigInt: the core of the limb backend
 * (RSA in bigint-limb.ts, ECDSA in ecdsa-limb.ts). Written in the syntax Espruino 2v29 runs
 * (no destructuring, spread, default parameters, `**`, Map, Math.imul/clz32, hoisting).
 *
 * Representation. A residue modulo an odd m is n limbs of w bits (w = 16..24, the largest
 * that keeps every column sum below 2^53), stored twice in one object: `x` holds the limbs
 * at even positions (x[2i] = limb i, odd positions 0) and `y` holds them reversed at even
 * positions with m's limbs reversed at the odd ones (y[2(n-1-i)] = limb i,
 * y[2(n-1-i)+1] = m limb i). Then one dot product over a window of x and y gives a whole
 * column of Montgomery's product-scanning ("FIPS") multiplication, a*b and q*m together:
 * column k = sum a_i b_(k-i) + q_i m_(k-i). Espruino computes it natively (E.convolve), so
 * a 2048-bit product is 2n-1 native calls plus a carry step per column, instead of 2n^2
 * interpreted multiply-adds. Engines without E.convolve (V8, XS) compute the same columns
 * inline instead (limb-scan.ts: no call per column, squares summing each cross product once),
 * so both kernels give the same limbs. Hosts with WebAssembly (Node) run RSA on a third kernel
 * instead, with 28-bit limbs and i64 products (limb-wasm.ts, through bigint-wasm.ts and
 * backend.ts); it shares the algorithm, not this file's representation. R = 2^(wn) >= 4m, so with inputs below 2m the output is below
 * 2m without a final subtraction (Walter): every multiplication runs the same steps.
 *
 * What this code promises for private-key operations (fixed-window exponentiation, CRT):
 * the sequence of limb operations, native calls and loop trip counts depends only on the
 * modulus sizes, never on the exponent or the data: fixed 4-bit windows over the full
 * length of the prime, a multiplication by the table entry for every digit (also 0),
 * carries and conditional subtractions by arithmetic masks, no early exits.
 * What an interpreter cannot promise: the engine's own timing. Espruino and V8 store small
 * integers and doubles differently, so an operation's time can depend on a value's
 * magnitude; the window table is indexed by the secret digit (a different object per
 * digit, visible to cache-timing on a CPU with a data cache); the garbage collector runs
 * when it likes. Base blinding (bigint-limb.ts) makes the values those effects see
 * unpredictable to an attacker. Public-key operations may exit early.
 */
import { MicroTlsError } from '../errors.js';
import { bitLength } from './bigint-bytes.js';
import { selected } from './limb-dot.js';
import type { ScanScratch } from './limb-scan.js';
// Installs the product-scanning kernel for engines without E.convolve; the Espruino bundle
// replaces it with an empty module (src/device/absent-limb-scan.ts), as it never runs there.
import './limb-scan.js';

/** Powers of two up to 2^53 as exact doubles (Espruino's Math.pow is not exact). */
const POW2: number[] = [];
(function fill(): void {
  let v = 1;
  for (let i = 0; i <= 53; i++) {
    POW2.push(v);
    v = v * 2;
  }
})();

/** A residue in both limb layouts (see the header); belongs to one context. */
export interface Num {
  x: Int32Array;
  y: Int32Array;
}

export interface MontContext {
  /** Bit length of the modulus. */
  bits: number;
  /** Limb width in bits, and 2^w. */
  w: number;
  radix: number;
  /** Number of limbs. */
  n: number;
  /** The modulus and twice the modulus, plain limbs (little-endian). */
  m: Int32Array;
  m2: Int32Array;
  /** -m^-1 mod 2^w, and m's lowest limb. */
  minv: number;
  m0: number;
  /** Scratch: the multiplier's x layout with the quotient digits filled in as they are found. */
  scratch: Int32Array;
  /** Per column k: the window of `scratch` it reads and the offset into the other operand's y. */
  windows: Int32Array[];
  offsets: number[];
  /** Result scratch (y's odd slots keep the modulus). */
  out: Num;
  /** y layout of zero: the modulus limbs at the odd slots. */
  template: Int32Array;
  tmp: Int32Array;
  tmp2: Int32Array;
  /** Montgomery forms of 1 (R mod m) and R^2 mod m (turns a plain value into Montgomery form). */
  one: Num;
  r2: Num;
  /** Plain 1 (multiplying by it leaves Montgomery form). */
  plainOne: Num;
  /** The product-scanning kernel's scratch (limb-scan.ts), made on its first use. */
  scan: ScanScratch | undefined;
}

// ---- limb width ------------------------------------------------------------------------

/** Largest w (16..24) whose column sums 2n(2^w - 1)^2 plus carry and q*m0 stay below 2^53. */
export function chooseWidth(bits: number): number {
  for (let w = 24; w > 16; w--) {
    const n = Math.ceil((bits + 2) / w);
    const r = POW2[w];
    const bound = 2 * n * (r - 1) * (r - 1) + r * r + POW2[53 - w] * 2;
    if (bound < POW2[53]) return w;
  }
  return 16;
}

// ---- byte conversion -------------------------------------------------------------------

/** Little-endian w-bit limbs of a big-endian unsigned value; undefined when it needs more than n limbs. */
export function bytesToLimbs(bytes: Uint8Array, w: number, n: number): Int32Array | undefined {
  const out = new Int32Array(n);
  const radix = POW2[w];
  let acc = 0;
  let accBits = 0;
  let li = 0;
  for (let i = bytes.length - 1; i >= 0; i--) {
    acc += bytes[i] * POW2[accBits];
    accBits += 8;
    if (accBits >= w) {
      const limb = acc % radix;
      if (li < n) out[li] = limb;
      else if (limb !== 0) return undefined;
      li++;
      acc = (acc - limb) / radix;
      accBits -= w;
    }
  }
  // Stored whether or not it is zero: which branch runs depends on lengths only, not on
  // whether a secret value's top bits are clear.
  if (li < n) out[li] = acc;
  else if (acc !== 0) return undefined;
  return out;
}

/** Big-endian bytes of little-endian limbs, left-padded to len; undefined when it does not fit. */
export function limbsToBytes(limbs: Int32Array, w: number, len: number): Uint8Array | undefined {
  const out = new Uint8Array(len);
  let acc = 0;
  let accBits = 0;
  let o = len - 1;
  for (let i = 0; i < limbs.length; i++) {
    acc += limbs[i] * POW2[accBits];
    accBits += w;
    while (accBits >= 8) {
      const b = acc % 256;
      if (o >= 0) out[o] = b;
      else if (b !== 0) return undefined;
      o--;
      acc = (acc - b) / 256;
      accBits -= 8;
    }
  }
  if (o >= 0) out[o] = acc;
  else if (acc !== 0) return undefined;
  return out;
}

// ---- residues ----------------------------------------------------------------------------

export function newNum(ctx: MontContext): Num {
  const y = new Int32Array(2 * ctx.n);
  y.set(ctx.template);
  return { x: new Int32Array(2 * ctx.n), y: y };
}

export function copyNum(dst: Num, src: Num): void {
  dst.x.set(src.x);
  dst.y.set(src.y);
}

export function cloneNum(ctx: MontContext, src: Num): Num {
  const r = newNum(ctx);
  copyNum(r, src);
  return r;
}

/** Writes plain limbs (n of them) into both layouts. */
export function setLimbs(ctx: MontContext, dst: Num, limbs: Int32Array): void {
  const n = ctx.n;
  const x = dst.x;
  const y = dst.y;
  for (let i = 0; i < n; i++) {
    const v = i < limbs.length ? limbs[i] : 0;
    x[2 * i] = v;
    y[2 * (n - 1 - i)] = v;
  }
}

/** Plain limbs of a residue, into out (n of them). */
export function getLimbs(ctx: MontContext, src: Num, out: Int32Array): Int32Array {
  const x = src.x;
  for (let i = 0; i < ctx.n; i++) out[i] = x[2 * i];
  return out;
}

// ---- Montgomery multiplication ---------------------------------------------------------

/**
 * out = a * b / R mod m, lazily reduced (< 2m when a, b < 2m). out may alias a or b.
 * Without a native dot product (V8, XS) the inline kernel of limb-scan.ts computes the same
 * columns; with one (Espruino) every column is one dot-product call.
 */
export function montMul(ctx: MontContext, out: Num, a: Num, b: Num): void {
  const scan = selected.scanMul;
  if (selected.scan && scan !== undefined) scan(ctx, out, a, b);
  else montMulDot(ctx, out, a, b);
}

function montMulDot(ctx: MontContext, out: Num, a: Num, b: Num): void {
  const n = ctx.n;
  const radix = ctx.radix;
  const minv = ctx.minv;
  const m0 = ctx.m0;
  const dot = selected.dot;
  const X = ctx.scratch;
  const windows = ctx.windows;
  const offsets = ctx.offsets;
  const by = b.y;
  const rx = ctx.out.x;
  const ry = ctx.out.y;
  X.set(a.x); // a's limbs at even slots; odd slots (the quotient digits) back to 0
  let c = 0;
  let k = 0;
  for (; k < n; k++) {
    let s = dot(windows[k], by, offsets[k]) + c;
    const q = ((s % radix) * minv) % radix;
    X[2 * k + 1] = q;
    s += q * m0; // now a multiple of the radix
    c = s / radix;
  }
  const last = 2 * n - 1;
  for (; k < last; k++) {
    const s = dot(windows[k], by, offsets[k]) + c;
    const lo = s % radix;
    const i = k - n;
    rx[2 * i] = lo;
    ry[2 * (n - 1 - i)] = lo;
    c = (s - lo) / radix;
  }
  rx[2 * (n - 1)] = c; // below the radix: the result is below 2m < R
  ry[0] = c;
  out.x.set(rx);
  out.y.set(ry);
}

// ---- plain limb helpers (constant flow: carries and selections by arithmetic) ------------

/** out = a - sub (n limbs); returns the final borrow (1 when a < sub). */
function subLimbs(out: Int32Array, a: Int32Array, aStride: number, sub: Int32Array, n: number, radix: number): number {
  let borrow = 0;
  for (let i = 0; i < n; i++) {
    const t = a[i * aStride] - sub[i] - borrow + radix; // in (0, 2 radix)
    const lo = t % radix;
    out[i] = lo;
    borrow = 1 - (t - lo) / radix;
  }
  return borrow;
}

/** dst = src - v when src >= v, else src (n limbs at `stride`), written in both layouts; same steps either way. */
function condSubLimbs(ctx: MontContext, dst: Num, src: Int32Array, stride: number, v: Int32Array): void {
  const n = ctx.n;
  const d = ctx.tmp;
  const borrow = subLimbs(d, src, stride, v, n, ctx.radix);
  const x = dst.x;
  const y = dst.y;
  for (let i = 0; i < n; i++) {
    const r = d[i] + borrow * (src[i * stride] - d[i]);
    x[2 * i] = r;
    y[2 * (n - 1 - i)] = r;
  }
}

/** dst = a - v when a >= v, else a, for v one of ctx.m / ctx.m2; same steps either way. */
export function condSub(ctx: MontContext, dst: Num, a: Num, v: Int32Array): void {
  condSubLimbs(ctx, dst, a.x, 2, v);
}

/** dst = a + b (neg 0) or a - b + 2m (neg 1), then minus 2m when that is >= 2m (inputs < 2m, output < 2m). */
function addSubMod(ctx: MontContext, dst: Num, a: Num, b: Num, neg: number): void {
  const n = ctx.n;
  const radix = ctx.radix;
  const s = ctx.tmp2;
  const ax = a.x;
  const bx = b.x;
  const m2 = ctx.m2;
  const sign = 1 - 2 * neg;
  let c = 0; // carry: -1, 0 or 1 (a + b < 4m < R, so none is left at the top)
  for (let i = 0; i < n; i++) {
    const t = ax[2 * i] + sign * bx[2 * i] + neg * m2[i] + c + radix; // in (0, 3 radix)
    const lo = t % radix;
    s[i] = lo;
    c = (t - lo) / radix - 1;
  }
  condSubLimbs(ctx, dst, s, 1, m2);
}

export function addMod(ctx: MontContext, dst: Num, a: Num, b: Num): void {
  addSubMod(ctx, dst, a, b, 0);
}

export function subMod(ctx: MontContext, dst: Num, a: Num, b: Num): void {
  addSubMod(ctx, dst, a, b, 1);
}

/** Fully reduced copy (< m) of a lazily reduced residue (< 2m). */
export function canonical(ctx: MontContext, dst: Num, a: Num): void {
  condSub(ctx, dst, a, ctx.m);
}

/** True when the residue's limbs are all zero (variable time: public values only). */
export function isZeroNum(ctx: MontContext, a: Num): boolean {
  const x = a.x;
  for (let i = 0; i < ctx.n; i++) if (x[2 * i] !== 0) return false;
  return true;
}

/** Limb-wise equality of two residues (variable time: public values only). */
export function equalNum(ctx: MontContext, a: Num, b: Num): boolean {
  const ax = a.x;
  const bx = b.x;
  for (let i = 0; i < ctx.n; i++) if (ax[2 * i] !== bx[2 * i]) return false;
  return true;
}

// ---- context ---------------------------------------------------------------------------

function inverseModRadix(m0: number, radix: number): number {
  // Newton's iteration x <- x (2 - m0 x) doubles the correct low bits each round.
  let x = 1;
  for (let i = 0; i < 6; i++) {
    const t = (m0 * x) % radix;
    x = (x * ((radix + 2 - t) % radix)) % radix;
  }
  return x;
}

/** dst = 2 a mod m for a < m (public setup only). */
function doubleMod(ctx: MontContext, dst: Num, a: Num): void {
  addMod(ctx, dst, a, a); // 2a < 2m: not reduced there
  canonical(ctx, dst, dst);
}

/** Montgomery context for an odd modulus (big-endian bytes, > 1). */
export function montContext(modulus: Uint8Array): MontContext {
  return montContextWithHeadroom(modulus, 0);
}

/**
 * The same with R >= 2^(2 + headroom) m: products then accept inputs up to 2^(1 + headroom/2) m
 * and still return less than 2m, so a caller may add and subtract without reducing (ECC).
 */
export function montContextWithHeadroom(modulus: Uint8Array, headroom: number): MontContext {
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start++;
  const mod = modulus.subarray(start);
  if (mod.length === 0) throw new MicroTlsError('MPI_DIVISION_BY_ZERO', 'modulus is zero');
  if ((mod[mod.length - 1] & 1) === 0) throw new MicroTlsError('MPI_BAD_INPUT_DATA', 'the limb backend needs an odd modulus');
  const bits = bitLength(mod);
  const w = chooseWidth(bits + headroom);
  const n = Math.ceil((bits + 2 + headroom) / w);
  const radix = POW2[w];
  const m = bytesToLimbs(mod, w, n) as Int32Array;
  const m2 = new Int32Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) {
    const t = 2 * m[i] + c;
    const lo = t % radix;
    m2[i] = lo;
    c = (t - lo) / radix;
  }
  const scratch = new Int32Array(2 * n);
  const windows: Int32Array[] = [];
  const offsets: number[] = [];
  for (let k = 0; k < 2 * n - 1; k++) {
    const lo = k - n + 1 > 0 ? k - n + 1 : 0;
    const hi = k < n - 1 ? k : n - 1;
    windows.push(scratch.subarray(2 * lo, 2 * hi + 2));
    offsets.push(2 * lo + 2 * (n - 1 - k));
  }
  const outY = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) outY[2 * (n - 1 - i) + 1] = m[i];
  const ctx: MontContext = {
    bits: bits, w: w, radix: radix, n: n, m: m, m2: m2,
    minv: (radix - inverseModRadix(m[0], radix)) % radix,
    m0: m[0],
    scratch: scratch, windows: windows, offsets: offsets,
    out: { x: new Int32Array(2 * n), y: outY },
    template: new Int32Array(outY),
    tmp: new Int32Array(n), tmp2: new Int32Array(n),
    one: { x: new Int32Array(0), y: new Int32Array(0) },
    r2: { x: new Int32Array(0), y: new Int32Array(0) },
    plainOne: { x: new Int32Array(0), y: new Int32Array(0) },
    scan: undefined,
  };
  const plainOne = newNum(ctx);
  const unit = new Int32Array(n);
  unit[0] = 1;
  setLimbs(ctx, plainOne, unit);
  ctx.plainOne = plainOne;
  // R mod m: 2^bits - m (below m, as 2^(bits-1) <= m), then doubled up to 2^(wn).
  const pow = new Int32Array(n);
  pow[Math.floor(bits / w)] = POW2[bits % w];
  const diff = new Int32Array(n);
  subLimbs(diff, pow, 1, m, n, radix);
  const one = newNum(ctx);
  setLimbs(ctx, one, diff);
  if (bits === 1) setLimbs(ctx, one, new Int32Array(n)); // m = 1
  for (let i = bits; i < w * n; i++) doubleMod(ctx, one, one);
  ctx.one = one;
  // R^2 mod m: 2^(wn) in Montgomery form, by square-and-double over the bits of wn.
  const e = w * n;
  let eb = 0;
  while (POW2[eb + 1] <= e) eb++;
  const acc = newNum(ctx);
  doubleMod(ctx, acc, one); // Montgomery form of 2 (exponent 1 = the top bit of e)
  for (let b = eb - 1; b >= 0; b--) {
    montMul(ctx, acc, acc, acc);
    canonical(ctx, acc, acc);
    if (Math.floor(e / POW2[b]) % 2 === 1) doubleMod(ctx, acc, acc);
  }
  ctx.r2 = acc;
  return ctx;
}

// ---- conversions in and out of Montgomery form -----------------------------------------

/** Montgomery form (< 2m) of a big-endian value of any length. */
export function toMont(ctx: MontContext, bytes: Uint8Array): Num {
  const n = ctx.n;
  const w = ctx.w;
  const total = Math.max(1, Math.ceil((bytes.length * 8) / (w * n)));
  const limbs = bytesToLimbs(bytes, w, total * n) as Int32Array;
  const acc = newNum(ctx);
  const chunk = newNum(ctx);
  const part = new Int32Array(n);
  for (let j = total - 1; j >= 0; j--) {
    for (let i = 0; i < n; i++) part[i] = limbs[j * n + i];
    setLimbs(ctx, chunk, part);
    montMul(ctx, chunk, chunk, ctx.r2); // chunk * R mod m (chunk < R, R^2 mod m < m)
    if (j === total - 1) copyNum(acc, chunk);
    else {
      montMul(ctx, acc, acc, ctx.r2); // acc * R: one chunk up
      addMod(ctx, acc, acc, chunk);
    }
  }
  return acc;
}

/** Plain value (fully reduced, < m) of a Montgomery form, as limbs. */
export function fromMont(ctx: MontContext, a: Num): Num {
  const r = newNum(ctx);
  montMul(ctx, r, a, ctx.plainOne); // <= m
  canonical(ctx, r, r);
  return r;
}

/** Big-endian bytes (len of them) of a fully reduced residue. */
export function numToBytes(ctx: MontContext, a: Num, len: number): Uint8Array {
  const limbs = getLimbs(ctx, a, new Int32Array(ctx.n));
  const out = limbsToBytes(limbs, ctx.w, len);
  if (out === undefined) throw new MicroTlsError('MPI_BAD_INPUT_DATA', `value does not fit in ${len} bytes`);
  return out;
}

/** A residue from plain bytes (must be below R; not converted to Montgomery form). */
export function numFromBytes(ctx: MontContext, bytes: Uint8Array): Num {
  const limbs = bytesToLimbs(bytes, ctx.w, ctx.n);
  if (limbs === undefined) throw new MicroTlsError('MPI_BAD_INPUT_DATA', 'value is too large for the modulus');
  const r = newNum(ctx);
  setLimbs(ctx, r, limbs);
  return r;
}

// ---- exponentiation ----------------------------------------------------------------------

/** Montgomery form of base^exp; square-and-multiply over the exponent's bits (public exponents). */
export function powPublic(ctx: MontContext, base: Num, exp: Uint8Array): Num {
  const r = cloneNum(ctx, ctx.one);
  let started = false;
  for (let i = 0; i < exp.length; i++) {
    const byte = exp[i];
    for (let bit = 7; bit >= 0; bit--) {
      if (started) montMul(ctx, r, r, r);
      if ((byte >> bit) & 1) {
        if (started) montMul(ctx, r, r, base);
        else copyNum(r, base);
        started = true;
      }
    }
  }
  return r;
}

const WINDOW = 4;

/**
 * Montgomery form of base^exp with a fixed 4-bit window over `digits` digits (the caller
 * passes a count fixed by the key, e.g. from the prime's length): the same squarings and
 * multiplications for every exponent, a table multiplication for every digit including 0.
 */
export function powSecret(ctx: MontContext, base: Num, exp: Uint8Array, digits: number): Num {
  const size = 1 << WINDOW;
  const table: Num[] = [cloneNum(ctx, ctx.one), cloneNum(ctx, base)];
  for (let i = 2; i < size; i++) {
    const t = newNum(ctx);
    montMul(ctx, t, table[i - 1], base);
    table.push(t);
  }
  const r = cloneNum(ctx, ctx.one);
  const len = exp.length;
  for (let d = digits - 1; d >= 0; d--) {
    const byteIndex = len - 1 - (d >> 1);
    const byte = byteIndex >= 0 ? exp[byteIndex] : 0;
    const digit = (d & 1) === 1 ? byte >> 4 : byte & 15;
    for (let s = 0; s < WINDOW; s++) montMul(ctx, r, r, r);
    montMul(ctx, r, r, table[digit]);
  }
  return r;
}
