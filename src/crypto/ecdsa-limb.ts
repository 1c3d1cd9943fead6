/**
 * ECDSA verification on P-256, P-384 and P-521 without BigInt: Jacobian coordinates over the
 * Montgomery limb field arithmetic of limb.ts (the same code RSA uses), u1*G + u2*Q by
 * interleaved signed 5-bit windows (Shamir's trick), and the x-coordinate check without an
 * inversion (X == r * Z^2, and (r + n) * Z^2 when r + n < p). Public-key operation only,
 * so it may branch on the data and exit early. Same contract as ecdsa-noble.ts; never loads
 * @noble/curves. Written in the syntax Espruino runs (see limb.ts).
 */
import { bitLength, compareUnsigned, minusTwo, shiftRightBits, stripLeadingZeros } from './bigint-bytes.js';
import { fromHex } from '../encoding/bytes.js';
import { ecParams } from './ec-params.js';
import type { EcCurveName } from './key-types.js';
import {
  addMod, canonical, cloneNum, copyNum, equalNum, fromMont, montContext, montContextWithHeadroom, montMul, newNum, numToBytes,
  powSecret, subMod, toMont, type MontContext, type Num,
} from './limb.js';
import { MicroTlsError } from '../errors.js';

/** Jacobian point (X / Z^2, Y / Z^3), coordinates in Montgomery form; `inf` marks the identity. */
interface Point {
  X: Num;
  Y: Num;
  Z: Num;
  inf: boolean;
}

interface Curve {
  size: number;
  fp: MontContext;
  fn: MontContext;
  p: Uint8Array;
  n: Uint8Array;
  nLen: number;
  nBits: number;
  nMinus2: Uint8Array;
  sqrtExp: Uint8Array;
  b: Num;
  g: Point;
  gTable: Point[] | undefined;
  /** Field scratch for the point formulas. */
  t: Num[];
  /** Multiples j p of the field prime as plain limbs (j = 0..32). */
  kp: Int32Array[];
  /** Zero in the field context (for negation). */
  zero: Num;
}

const curves: { [name: string]: Curve } = {};
const ONE = new Uint8Array([1]);

function newPoint(c: Curve): Point {
  return { X: newNum(c.fp), Y: newNum(c.fp), Z: newNum(c.fp), inf: true };
}

function copyPoint(dst: Point, src: Point): void {
  copyNum(dst.X, src.X);
  copyNum(dst.Y, src.Y);
  copyNum(dst.Z, src.Z);
  dst.inf = src.inf;
}

function curveOf(name: EcCurveName): Curve {
  const hit = curves[name];
  if (hit !== undefined) return hit;
  const params = ecParams(name);
  if (params === undefined) throw new MicroTlsError('ECP_BAD_INPUT_DATA', `curve ${name} is not supported`);
  const p = stripLeadingZeros(fromHex(params.p));
  const n = stripLeadingZeros(fromHex(params.n));
  const fp = montContextWithHeadroom(p, HEADROOM);
  const fn = montContext(n);
  const t: Num[] = [];
  for (let i = 0; i < 12; i++) t.push(newNum(fp));
  const c: Curve = {
    size: params.size, fp: fp, fn: fn, p: p, n: n, nLen: n.length, nBits: bitLength(n),
    nMinus2: minusTwo(n), sqrtExp: shiftRightBits(addBytes(p, ONE), 2), // (p + 1) / 4: the square root for p = 3 mod 4 (all three curves)
    b: toMont(fp, fromHex(params.b)),
    g: { X: toMont(fp, fromHex(params.gx)), Y: toMont(fp, fromHex(params.gy)), Z: cloneNum(fp, fp.one), inf: false },
    gTable: undefined, t: t, kp: [], zero: newNum(fp),
  };
  for (let j = 0; j <= 32; j++) {
    const limbs = new Int32Array(fp.n);
    if (j > 0) {
      const prev = c.kp[j - 1];
      let carry = 0;
      for (let i = 0; i < fp.n; i++) {
        const v = prev[i] + fp.m[i] + carry;
        carry = v >= fp.radix ? 1 : 0;
        limbs[i] = v - carry * fp.radix;
      }
    }
    c.kp.push(limbs);
  }
  curves[name] = c;
  return c;
}

// ---- lazy field arithmetic ----------------------------------------------------------------

/**
 * The field context has 14 bits of headroom (R >= 2^16 p), so a product accepts inputs below
 * 128p and returns less than 2p: the point formulas add and subtract without reducing, one
 * carry loop each (on Espruino every interpreted limb loop costs about as much as a native
 * product). The bound of every intermediate is noted beside it; coordinates stay below 64p.
 */
const HEADROOM = 14;

/** Zero limbs, more than any curve's field has (P-521: 34). */
const ZEROS = new Int32Array(40);

/** dst = a + b (no reduction; the caller's bounds keep it below R). */
function fadd(f: MontContext, dst: Num, a: Num, b: Num): void {
  flin(f, dst, a, b, 1, ZEROS);
}

/** dst = a - b + k (k a multiple of p, plain limbs, at least b). */
function fsub(f: MontContext, dst: Num, a: Num, b: Num, k: Int32Array): void {
  flin(f, dst, a, b, -1, k);
}

/** dst = a + sign b + k, carried limb by limb (no reduction). */
function flin(f: MontContext, dst: Num, a: Num, b: Num, sign: number, k: Int32Array): void {
  const n = f.n;
  const radix = f.radix;
  const ax = a.x;
  const bx = b.x;
  const x = dst.x;
  const y = dst.y;
  let c = 0;
  for (let i = 0; i < n; i++) {
    let t = ax[2 * i] + sign * bx[2 * i] + k[i] + c;
    if (t < 0) {
      t += radix;
      c = -1;
    } else if (t >= radix) {
      t -= radix;
      c = 1;
    } else c = 0;
    x[2 * i] = t;
    y[2 * (n - 1 - i)] = t;
  }
}

/** True when a (below 4p) is 0 mod p: equal to 0, p, 2p or 3p. */
function isZero4(c: Curve, a: Num): boolean {
  const ax = a.x;
  const n = c.fp.n;
  for (let j = 0; j < 4; j++) {
    const k = c.kp[j];
    let same = true;
    for (let i = 0; i < n && same; i++) same = ax[2 * i] === k[i];
    if (same) return true;
  }
  return false;
}

// ---- point arithmetic (a = -3) -------------------------------------------------------------

/** out = 2P (dbl-2001-b, 3M + 5S); inputs below 64p, outputs below 18p; out may alias P. */
function double(c: Curve, out: Point, P: Point): void {
  if (P.inf) {
    out.inf = true;
    return;
  }
  const f = c.fp;
  const t = c.t;
  const k = c.kp;
  const delta = t[0];
  const gamma = t[1];
  const beta = t[2];
  const alpha = t[3];
  const u = t[4];
  const v = t[5];
  montMul(f, delta, P.Z, P.Z); // < 2p
  montMul(f, gamma, P.Y, P.Y); // < 2p
  montMul(f, beta, P.X, gamma); // < 2p
  fsub(f, u, P.X, delta, k[2]); // < 66p
  fadd(f, v, P.X, delta); // < 66p
  montMul(f, alpha, u, v);
  fadd(f, u, alpha, alpha);
  fadd(f, alpha, u, alpha); // 3 (X - delta)(X + delta) < 6p
  // Z3 = (Y + Z)^2 - gamma - delta, before Y and Z are overwritten.
  fadd(f, u, P.Y, P.Z); // < 128p
  montMul(f, u, u, u);
  fadd(f, v, gamma, delta); // < 4p
  fsub(f, out.Z, u, v, k[4]); // < 6p
  // X3 = alpha^2 - 8 beta
  fadd(f, beta, beta, beta);
  fadd(f, beta, beta, beta); // 4 beta < 8p
  fadd(f, v, beta, beta); // 8 beta < 16p
  montMul(f, u, alpha, alpha);
  fsub(f, out.X, u, v, k[16]); // < 18p
  // Y3 = alpha (4 beta - X3) - 8 gamma^2
  fsub(f, u, beta, out.X, k[32]); // < 40p
  montMul(f, u, alpha, u);
  montMul(f, v, gamma, gamma);
  fadd(f, v, v, v);
  fadd(f, v, v, v);
  fadd(f, v, v, v); // < 16p
  fsub(f, out.Y, u, v, k[16]); // < 18p
  out.inf = false;
}

/** out = P + Q (add-2007-bl, 11M + 5S), the identity and P = +-Q handled; inputs below 64p, outputs below 10p; out may alias P. */
function add(c: Curve, out: Point, P: Point, Q: Point): void {
  if (Q.inf) {
    if (out !== P) copyPoint(out, P);
    return;
  }
  if (P.inf) {
    copyPoint(out, Q);
    return;
  }
  const f = c.fp;
  const t = c.t;
  const k = c.kp;
  const z1z1 = t[0];
  const z2z2 = t[1];
  const u1 = t[2];
  const u2 = t[3];
  const s1 = t[4];
  const s2 = t[5];
  const h = t[6];
  const r = t[7];
  const i = t[8];
  const j = t[9];
  const v = t[10];
  const w = t[11];
  montMul(f, z1z1, P.Z, P.Z);
  montMul(f, z2z2, Q.Z, Q.Z);
  montMul(f, u1, P.X, z2z2);
  montMul(f, u2, Q.X, z1z1);
  montMul(f, s1, P.Y, Q.Z);
  montMul(f, s1, s1, z2z2);
  montMul(f, s2, Q.Y, P.Z);
  montMul(f, s2, s2, z1z1);
  fsub(f, h, u2, u1, k[2]); // < 4p
  fsub(f, r, s2, s1, k[2]); // < 4p
  if (isZero4(c, h)) {
    if (isZero4(c, r)) double(c, out, P);
    else out.inf = true;
    return;
  }
  fadd(f, i, h, h);
  montMul(f, i, i, i); // (2H)^2
  montMul(f, j, h, i);
  fadd(f, r, r, r); // < 8p
  montMul(f, v, u1, i);
  // Z3 = ((Z1 + Z2)^2 - Z1Z1 - Z2Z2) H, before P.Z (maybe out.Z) is overwritten.
  fadd(f, u2, P.Z, Q.Z); // < 128p
  montMul(f, u2, u2, u2);
  fadd(f, w, z1z1, z2z2); // < 4p
  fsub(f, u2, u2, w, k[4]); // < 6p
  montMul(f, out.Z, u2, h);
  // X3 = r^2 - J - 2V
  montMul(f, u2, r, r);
  fadd(f, w, v, v);
  fadd(f, w, w, j); // < 6p
  fsub(f, out.X, u2, w, k[8]); // < 10p
  // Y3 = r (V - X3) - 2 S1 J
  fsub(f, v, v, out.X, k[16]); // < 18p
  montMul(f, v, r, v);
  montMul(f, s1, s1, j);
  fadd(f, s1, s1, s1); // < 4p
  fsub(f, out.Y, v, s1, k[4]); // < 6p
  out.inf = false;
}

/** Signed 5-bit windows: digits in [-15, 16], so a table of P..16P serves 32 values. */
const WINDOW = 5;
const TABLE = 16;

/** [identity, P, 2P, ..., 16P]. */
function table(c: Curve, P: Point): Point[] {
  const out: Point[] = [newPoint(c)];
  const first = newPoint(c);
  copyPoint(first, P);
  out.push(first);
  for (let i = 2; i <= TABLE; i++) {
    const q = newPoint(c);
    if ((i & 1) === 0) double(c, q, out[i >> 1]);
    else add(c, q, out[i - 1], P);
    out.push(q);
  }
  return out;
}

/** The WINDOW bits of a big-endian scalar starting at bit `pos` (little-endian bit order). */
function bitsAt(bytes: Uint8Array, pos: number): number {
  let v = 0;
  for (let j = WINDOW - 1; j >= 0; j--) {
    const bit = pos + j;
    const idx = bytes.length - 1 - (bit >> 3);
    v = v * 2 + (idx >= 0 ? (bytes[idx] >> (bit & 7)) & 1 : 0);
  }
  return v;
}

/** Signed-window recoding, least significant digit first: sum d_i 2^(5i) = k, d_i in [-15, 16]. */
function recode(bytes: Uint8Array, digits: number): Int8Array {
  const out = new Int8Array(digits);
  let carry = 0;
  for (let i = 0; i < digits; i++) {
    const v = bitsAt(bytes, WINDOW * i) + carry;
    if (v > TABLE) {
      out[i] = v - 2 * TABLE;
      carry = 1;
    } else {
      out[i] = v;
      carry = 0;
    }
  }
  return out;
}

/** R += d * T[1], from the table of multiples (the negative ones by negating Y). */
function addDigit(c: Curve, R: Point, tbl: Point[], d: number, neg: Point): void {
  if (d === 0) return;
  if (d > 0) {
    add(c, R, R, tbl[d]);
    return;
  }
  const T = tbl[-d];
  copyNum(neg.X, T.X);
  copyNum(neg.Z, T.Z);
  neg.inf = T.inf;
  fsub(c.fp, neg.Y, c.zero, T.Y, c.kp[32]); // 32p - Y: Y stays below 64p
  add(c, R, R, neg);
}

/** The affine point (x, y) from bytes in Montgomery form, or undefined when off the curve or not reduced. */
function affinePoint(c: Curve, x: Uint8Array, y: Uint8Array): Point | undefined {
  if (compareUnsigned(x, c.p) >= 0 || compareUnsigned(y, c.p) >= 0) return undefined;
  const f = c.fp;
  const X = toMont(f, x);
  const Y = toMont(f, y);
  const lhs = newNum(f);
  montMul(f, lhs, Y, Y);
  if (!equalNum(f, canonicalCopy(f, lhs), canonicalCopy(f, rhs(c, X)))) return undefined;
  return { X: X, Y: Y, Z: cloneNum(f, f.one), inf: false };
}

function canonicalCopy(f: MontContext, a: Num): Num {
  const r = newNum(f);
  canonical(f, r, a);
  return r;
}

/** x^3 - 3x + b (Montgomery form). */
function rhs(c: Curve, X: Num): Num {
  const f = c.fp;
  const r = newNum(f);
  montMul(f, r, X, X);
  montMul(f, r, r, X);
  const three = newNum(f);
  addMod(f, three, X, X);
  addMod(f, three, three, X);
  subMod(f, r, r, three);
  addMod(f, r, r, c.b);
  return r;
}

/** Plain scalar bytes (nLen) of a Montgomery form mod n. */
function scalarBytes(c: Curve, a: Num): Uint8Array {
  return numToBytes(c.fn, fromMont(c.fn, a), c.nLen);
}

/**
 * r || s (each the field size) over `digest`, against an uncompressed point (04 || X || Y);
 * false for anything invalid (r or s out of [1, n-1], a point off the curve, the identity
 * as the result).
 */
export function ecdsaVerifyCompact(curve: EcCurveName, point: Uint8Array, digest: Uint8Array, compact: Uint8Array): boolean {
  const c = curveOf(curve);
  const size = c.size;
  if (compact.length !== 2 * size || point.length !== 1 + 2 * size || point[0] !== 4) return false;
  const r = compact.subarray(0, size);
  const s = compact.subarray(size, 2 * size);
  if (stripLeadingZeros(r).length === 0 || stripLeadingZeros(s).length === 0) return false;
  if (compareUnsigned(r, c.n) >= 0 || compareUnsigned(s, c.n) >= 0) return false;
  const Q = affinePoint(c, point.subarray(1, 1 + size), point.subarray(1 + size));
  if (Q === undefined) return false;
  // z: the leftmost nBits bits of the digest.
  const excess = digest.length * 8 - c.nBits;
  const z = excess > 0 ? shiftRightBits(digest, excess) : digest;
  const fn = c.fn;
  const w = powSecret(fn, toMont(fn, s), c.nMinus2, 2 * c.nMinus2.length); // s^-1 (Fermat)
  const u = newNum(fn);
  montMul(fn, u, toMont(fn, z), w);
  const u1 = scalarBytes(c, u);
  montMul(fn, u, toMont(fn, r), w);
  const u2 = scalarBytes(c, u);
  if (c.gTable === undefined) c.gTable = table(c, c.g);
  const tg = c.gTable;
  const tq = table(c, Q);
  const digits = Math.floor(c.nBits / WINDOW) + 2;
  const d1 = recode(u1, digits);
  const d2 = recode(u2, digits);
  const R = newPoint(c);
  const neg = newPoint(c);
  for (let i = digits - 1; i >= 0; i--) {
    if (!R.inf) for (let j = 0; j < WINDOW; j++) double(c, R, R);
    addDigit(c, R, tg, d1[i], neg);
    addDigit(c, R, tq, d2[i], neg);
  }
  if (R.inf) return false;
  const f = c.fp;
  const z2 = newNum(f);
  montMul(f, z2, R.Z, R.Z);
  const xr = newNum(f);
  montMul(f, xr, R.X, f.one); // X (below 64p) reduced below 2p
  const x = canonicalCopy(f, xr);
  const cand = newNum(f);
  montMul(f, cand, toMont(f, r), z2);
  if (equalNum(f, x, canonicalCopy(f, cand))) return true;
  // x(R) mod n == r also when x(R) = r + n < p.
  const rn = addBytes(r, c.n);
  if (compareUnsigned(rn, c.p) >= 0) return false;
  montMul(f, cand, toMont(f, rn), z2);
  return equalNum(f, x, canonicalCopy(f, cand));
}

function addBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const len = (a.length > b.length ? a.length : b.length) + 1;
  const out = new Uint8Array(len);
  let carry = 0;
  for (let i = 1; i <= len; i++) {
    const t = (i <= a.length ? a[a.length - i] : 0) + (i <= b.length ? b[b.length - i] : 0) + carry;
    out[len - i] = t & 255;
    carry = t >> 8;
  }
  return out;
}

/** The uncompressed form (04 || X || Y) of a SEC1 point on the curve, not the identity; throws otherwise. */
export function ecPointUncompressed(curve: EcCurveName, point: Uint8Array): Uint8Array {
  const c = curveOf(curve);
  const size = c.size;
  const bad = (): never => {
    throw new MicroTlsError('ECP_INVALID_KEY', `${curve} point is not on the curve`);
  };
  if (point.length === 1 + 2 * size && point[0] === 4) {
    if (affinePoint(c, point.subarray(1, 1 + size), point.subarray(1 + size)) === undefined) bad();
    return new Uint8Array(point);
  }
  if (point.length !== 1 + size || (point[0] !== 2 && point[0] !== 3)) return bad();
  const xb = point.subarray(1);
  if (compareUnsigned(xb, c.p) >= 0) bad();
  const f = c.fp;
  const y2 = rhs(c, toMont(f, xb));
  const yM = powSecret(f, y2, c.sqrtExp, 2 * c.sqrtExp.length);
  const check = newNum(f);
  montMul(f, check, yM, yM);
  if (!equalNum(f, canonicalCopy(f, check), canonicalCopy(f, y2))) bad();
  let y = numToBytes(f, fromMont(f, yM), size);
  if ((y[size - 1] & 1) !== (point[0] & 1)) {
    if (stripLeadingZeros(y).length === 0) bad();
    const neg = newNum(f);
    subMod(f, neg, newNum(f), yM);
    y = numToBytes(f, fromMont(f, neg), size);
  }
  const out = new Uint8Array(1 + 2 * size);
  out[0] = 4;
  out.set(xb, 1);
  out.set(y, 1 + size);
  return out;
}
