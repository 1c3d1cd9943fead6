/**
 * ECDSA verification on P-256, P-384 and P-521 on the engine's BigInt: the XS bundle's curve
 * arithmetic (scripts/build-device.mjs puts it in place of ecdsa-noble.ts there). Same
 * contract as ecdsa-noble.ts and ecdsa-limb.ts. Why a third one: on XS, @noble/curves is 33 KB
 * of the bundle's minified text, and the limb code, which suits Espruino's native products,
 * runs a P-256 verify ~20x slower than BigInt there (test/device/xs-crypto-figures.ts).
 *
 * Jacobian coordinates with a = -3 doubling, mixed additions against affine tables of odd
 * multiples (batch-normalised with one inversion), u1*G + u2*Q interleaved over width-w NAFs
 * (w = 6 for G, whose table is built once per curve, w = 5 for Q), and the x-coordinate check
 * without an inversion (X == r * Z^2, or (r + n) * Z^2 when r + n < p). A public-key operation:
 * it may branch on the data. Curve constants become BigInts at a curve's first use, not at load.
 */
import { ecParams } from './ec-params.js';
import type { EcCurveName } from './key-types.js';
import { MicroTlsError } from '../errors.js';

interface Curve {
  readonly p: bigint;
  readonly n: bigint;
  readonly b: bigint;
  readonly size: number;
  readonly nBits: number;
  /** Odd multiples G, 3G, ... as affine [x, y] pairs. */
  gTable?: bigint[];
}

const G_WINDOW = 6;
const Q_WINDOW = 5;
const curves: { [name: string]: Curve } = {};

const big = (hex: string): bigint => BigInt('0x' + hex);

function curveOf(name: EcCurveName): Curve {
  let c = curves[name];
  if (c === undefined) {
    const e = ecParams(name);
    const n = big(e.n);
    c = curves[name] = { p: big(e.p), n, b: big(e.b), size: e.size, nBits: n.toString(2).length };
  }
  return c;
}

function bytesToBig(b: Uint8Array): bigint {
  let s = '0x0';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return BigInt(s);
}

function bigToBytes(x: bigint, len: number): Uint8Array {
  const hex = x.toString(16).padStart(2 * len, '0');
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

/** a^-1 mod m (a not a multiple of m, m prime), by the extended Euclidean algorithm. */
function invert(a: bigint, m: bigint): bigint {
  let r0 = m, r1 = a % m, t0 = 0n, t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1; r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1; t1 = t2;
  }
  return t0 < 0n ? t0 + m : t0;
}

function powMod(x: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  for (x %= m; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * x) % m;
    x = (x * x) % m;
  }
  return r;
}

/** x^3 - 3x + b mod p. */
function rhs(c: Curve, x: bigint): bigint {
  return (((x * x + c.p - 3n) % c.p) * x + c.b) % c.p;
}

/** The affine point in 04 || X || Y, or undefined when it is not on the curve. */
function affinePoint(c: Curve, point: Uint8Array): [bigint, bigint] | undefined {
  if (point.length !== 1 + 2 * c.size || point[0] !== 4) return undefined;
  const x = bytesToBig(point.subarray(1, 1 + c.size));
  const y = bytesToBig(point.subarray(1 + c.size));
  if (x >= c.p || y >= c.p || (y * y) % c.p !== rhs(c, x)) return undefined;
  return [x, y];
}

/**
 * Jacobian point [X, Y, Z] (X / Z^2, Y / Z^3), coordinates reduced mod p; Z = 0 is the
 * identity. Doubling is dbl-2001-b (a = -3), in place.
 */
function double(p: bigint, P: bigint[]): void {
  const [X, Y, Z] = P as [bigint, bigint, bigint];
  if (Z === 0n) return;
  const delta = (Z * Z) % p;
  const gamma = (Y * Y) % p;
  const beta = (X * gamma) % p;
  const alpha = (3n * (X - delta + p) * (X + delta)) % p;
  const X3 = (alpha * alpha + 8n * (p - beta)) % p;
  P[0] = X3;
  P[2] = ((Y + Z) * (Y + Z) + 2n * p - gamma - delta) % p;
  P[1] = (alpha * (4n * beta + p - X3) + 8n * (p - (gamma * gamma) % p)) % p;
}

/** P += (x, y) affine, in place (madd-2007-bl), with the doubling and inverse cases. */
function addAffine(p: bigint, P: bigint[], x: bigint, y: bigint): void {
  const [X1, Y1, Z1] = P as [bigint, bigint, bigint];
  if (Z1 === 0n) {
    P[0] = x; P[1] = y; P[2] = 1n;
    return;
  }
  const z1z1 = (Z1 * Z1) % p;
  const H = ((x * z1z1) % p - X1 + p) % p;
  const r = 2n * (((y * Z1) % p * z1z1) % p - Y1 + p) % p;
  if (H === 0n) {
    if (r === 0n) double(p, P);
    else P[2] = 0n;
    return;
  }
  const hh = (H * H) % p;
  const I = 4n * hh;
  const J = (H * I) % p;
  const V = (X1 * I) % p;
  const X3 = (r * r + 3n * p - J - 2n * V) % p;
  P[0] = X3;
  P[1] = (r * (V - X3 + p) + 2n * (p - (Y1 * J) % p)) % p;
  P[2] = ((Z1 + H) * (Z1 + H) + 2n * p - z1z1 - hh) % p;
}

/** P, 3P, 5P, ... (2^(w-1) points) as affine pairs, normalised with one inversion. */
function oddMultiples(c: Curve, x: bigint, y: bigint, w: number): bigint[] {
  const p = c.p;
  const count = 1 << (w - 2);
  const twice = [x, y, 1n];
  double(p, twice);
  const zi = invert(twice[2]!, p);
  const zi2 = (zi * zi) % p;
  const tx = (twice[0]! * zi2) % p, ty = (twice[1]! * zi2 % p * zi) % p;
  const jac: bigint[][] = [[x, y, 1n]];
  for (let i = 1; i < count; i++) {
    const q = jac[i - 1]!.slice();
    addAffine(p, q, tx, ty);
    jac.push(q);
  }
  // Montgomery's trick: one inversion for every Z. (No multiple of a point of prime order
  // n below n is the identity, so each Z is invertible.)
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const q of jac) { prefix.push(acc); acc = (acc * q[2]!) % p; }
  let inv = invert(acc, p);
  const out: bigint[] = new Array(2 * count);
  for (let i = count - 1; i >= 0; i--) {
    const q = jac[i]!;
    const zInv = (inv * prefix[i]!) % p;
    inv = (inv * q[2]!) % p;
    const z2 = (zInv * zInv) % p;
    out[2 * i] = (q[0]! * z2) % p;
    out[2 * i + 1] = (q[1]! * z2 % p * zInv) % p;
  }
  return out;
}

/** Width-w NAF of k, least significant digit first (odd digits in (-2^(w-1), 2^(w-1)) or 0). */
function naf(k: bigint, w: number, length: number): Int8Array {
  const s = k.toString(2);
  const bits = new Uint8Array(length + w + 1);
  for (let i = 0; i < s.length; i++) bits[i] = s.charCodeAt(s.length - 1 - i) - 48;
  const out = new Int8Array(length + 1);
  const full = 1 << w;
  for (let i = 0; i <= length; i++) {
    if (bits[i] === 0) continue;
    let v = 0;
    for (let j = w - 1; j >= 0; j--) { v = 2 * v + bits[i + j]!; bits[i + j] = 0; }
    if (v >= full >> 1) {
      v -= full;
      let j = i + w;
      while (bits[j] === 1) bits[j++] = 0;
      bits[j] = 1;
    }
    out[i] = v;
  }
  return out;
}

function addDigit(p: bigint, R: bigint[], table: bigint[], d: number): void {
  if (d === 0) return;
  // Odd multiple m = 2e + 1 is entry e, its x at 2e = m - 1 and its y after it.
  const i = d > 0 ? d - 1 : -d - 1;
  const y = table[i + 1]!;
  addAffine(p, R, table[i]!, d > 0 ? y : p - y);
}

/**
 * r || s (each the field size) over `digest`, against an uncompressed point (04 || X || Y);
 * false for anything invalid (r or s out of [1, n-1], a point off the curve, the identity
 * as the result).
 */
export function ecdsaVerifyCompact(curve: EcCurveName, point: Uint8Array, digest: Uint8Array, compact: Uint8Array): boolean {
  const c = curveOf(curve);
  const { p, n, size } = c;
  if (compact.length !== 2 * size) return false;
  const r = bytesToBig(compact.subarray(0, size));
  const s = bytesToBig(compact.subarray(size));
  if (r === 0n || s === 0n || r >= n || s >= n) return false;
  const Q = affinePoint(c, point);
  if (Q === undefined) return false;
  // z: the leftmost nBits bits of the digest.
  const excess = digest.length * 8 - c.nBits;
  const z = excess > 0 ? bytesToBig(digest) >> BigInt(excess) : bytesToBig(digest);
  const w = invert(s, n);
  const u1 = (z * w) % n;
  const u2 = (r * w) % n;
  if (c.gTable === undefined) {
    const e = ecParams(curve);
    c.gTable = oddMultiples(c, big(e.gx), big(e.gy), G_WINDOW);
  }
  const tg = c.gTable;
  const tq = oddMultiples(c, Q[0], Q[1], Q_WINDOW);
  const d1 = naf(u1, G_WINDOW, c.nBits);
  const d2 = naf(u2, Q_WINDOW, c.nBits);
  const R = [0n, 1n, 0n];
  for (let i = c.nBits; i >= 0; i--) {
    double(p, R);
    const a = d1[i]!, b = d2[i]!;
    if (a !== 0) addDigit(p, R, tg, a);
    if (b !== 0) addDigit(p, R, tq, b);
  }
  if (R[2] === 0n) return false;
  const z2 = (R[2]! * R[2]!) % p;
  if ((r * z2) % p === R[0]) return true;
  // x(R) mod n == r also when x(R) = r + n < p.
  return r + n < p && ((r + n) * z2) % p === R[0];
}

/** The uncompressed form (04 || X || Y) of a SEC1 point on the curve, not the identity; throws otherwise. */
export function ecPointUncompressed(curve: EcCurveName, point: Uint8Array): Uint8Array {
  const c = curveOf(curve);
  const bad = (): never => {
    throw new MicroTlsError('ECP_INVALID_KEY', `${curve} point is not on the curve`);
  };
  if (point[0] === 4) {
    if (affinePoint(c, point) === undefined) bad();
    return new Uint8Array(point);
  }
  if (point.length !== 1 + c.size || (point[0] !== 2 && point[0] !== 3)) return bad();
  const x = bytesToBig(point.subarray(1));
  if (x >= c.p) bad();
  const y2 = rhs(c, x);
  // p = 3 mod 4 on all three curves: the square root is y2^((p+1)/4).
  let y = powMod(y2, (c.p + 1n) >> 2n, c.p);
  if ((y * y) % c.p !== y2) bad();
  if (Number(y & 1n) !== (point[0] & 1)) {
    if (y === 0n) bad();
    y = c.p - y;
  }
  const out = new Uint8Array(1 + 2 * c.size);
  out[0] = 4;
  out.set(point.subarray(1), 1);
  out.set(bigToBytes(y, c.size), 1 + c.size);
  return out;
}
