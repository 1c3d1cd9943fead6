/**
 * The second Montgomery product kernel, for engines without a native dot product (V8, XS):
 * the same product-scanning ("FIPS") multiplication as limb.ts's montMul, with the same
 * limbs, the same column sums (so the same 2^53 bound) and the same lazily reduced output
 * (< 2m), but every column summed inline over Float64Array copies of the operands. On a JIT
 * engine a call per column through the dot-product seam, its window views and the
 * interleaved layout cost several times the multiply-adds themselves; here the inner loop is
 * two loads, a multiply and an add. Squaring sums each cross product once and doubles it.
 *
 * Importing this module installs the kernel (limb.ts does); limb.ts picks it when the engine
 * has no E.convolve (limb-dot.ts). Espruino keeps the dot-product kernel, and its bundle
 * leaves this module out. Constant flow as in limb.ts: loop trip counts depend only on the
 * limb count, carries and digit extraction are arithmetic (floor of a power-of-two
 * multiple), no branch reads the data. Written in the syntax Espruino 2v29 runs, as it is in
 * the device bundle too.
 */
import type { MontContext, Num } from './limb.js';
import { selected } from './limb-dot.js';

/** Per-context scratch of the kernel, made on the first product (never on Espruino). */
export interface ScanScratch {
  a: Float64Array;
  b: Float64Array;
  q: Float64Array;
  m: Float64Array;
  inv: number;
}

export function scanScratch(ctx: MontContext): ScanScratch {
  const n = ctx.n;
  const m = new Float64Array(n);
  for (let i = 0; i < n; i++) m[i] = ctx.m[i];
  return { a: new Float64Array(n), b: new Float64Array(n), q: new Float64Array(n), m: m, inv: 1 / ctx.radix };
}

/** Limb i of a residue, in both of limb.ts's layouts. */
function writeLimb(out: Num, n: number, i: number, v: number): void {
  out.x[2 * i] = v;
  out.y[2 * (n - 1 - i)] = v;
}

/**
 * sum over i in [lo, hi) of A[i] B[k-i] + Q[i] M[k-i], in two partial sums so that a JIT
 * overlaps the additions instead of waiting on one chain (exact: each partial sum is an
 * integer below the column bound, below 2^53).
 */
function column(A: Float64Array, B: Float64Array, Q: Float64Array, M: Float64Array, k: number, lo: number, hi: number): number {
  let t0 = 0;
  let t1 = 0;
  let i = lo;
  for (; i + 1 < hi; i += 2) {
    const j = k - i;
    t0 += A[i] * B[j] + Q[i] * M[j];
    t1 += A[i + 1] * B[j - 1] + Q[i + 1] * M[j - 1];
  }
  if (i < hi) t0 += A[i] * B[k - i] + Q[i] * M[k - i];
  return t0 + t1;
}

/** sum over i in [lo, hi) of A[i] A[k-i] (the cross products of a square), two partial sums. */
function cross(A: Float64Array, k: number, lo: number, hi: number): number {
  let t0 = 0;
  let t1 = 0;
  let i = lo;
  for (; i + 1 < hi; i += 2) {
    t0 += A[i] * A[k - i];
    t1 += A[i + 1] * A[k - i - 1];
  }
  if (i < hi) t0 += A[i] * A[k - i];
  return t0 + t1;
}

/** sum over i in [lo, hi) of Q[i] M[k-i] (the reduction part of a square's column), two partial sums. */
function reduction(Q: Float64Array, M: Float64Array, k: number, lo: number, hi: number): number {
  let t0 = 0;
  let t1 = 0;
  let i = lo;
  for (; i + 1 < hi; i += 2) {
    t0 += Q[i] * M[k - i];
    t1 += Q[i + 1] * M[k - i - 1];
  }
  if (i < hi) t0 += Q[i] * M[k - i];
  return t0 + t1;
}

/** out = a * b / R mod m (< 2m when a, b < 2m); out may alias a or b. */
export function montMulScan(ctx: MontContext, s: ScanScratch, out: Num, a: Num, b: Num): void {
  const n = ctx.n;
  const radix = ctx.radix;
  const inv = s.inv;
  const minv = ctx.minv;
  const m0 = ctx.m0;
  const A = s.a;
  const B = s.b;
  const Q = s.q;
  const M = s.m;
  const ax = a.x;
  const bx = b.x;
  for (let i = 0; i < n; i++) {
    A[i] = ax[2 * i];
    B[i] = bx[2 * i];
  }
  let c = 0;
  for (let k = 0; k < n; k++) {
    const t = c + A[k] * B[0] + column(A, B, Q, M, k, 0, k);
    const lo = t - Math.floor(t * inv) * radix;
    const p = lo * minv;
    const q = p - Math.floor(p * inv) * radix;
    Q[k] = q;
    c = (t + q * m0) * inv; // exact: the sum is now a multiple of the radix
  }
  for (let k = n; k < 2 * n - 1; k++) {
    const t = c + column(A, B, Q, M, k, k - n + 1, n);
    const hi = Math.floor(t * inv);
    writeLimb(out, n, k - n, t - hi * radix);
    c = hi;
  }
  writeLimb(out, n, n - 1, c); // below the radix: the result is below 2m < R
}

/** out = a * a / R mod m: each cross product once, doubled (column sums as in montMulScan). */
export function montSqrScan(ctx: MontContext, s: ScanScratch, out: Num, a: Num): void {
  const n = ctx.n;
  const radix = ctx.radix;
  const inv = s.inv;
  const minv = ctx.minv;
  const m0 = ctx.m0;
  const A = s.a;
  const Q = s.q;
  const M = s.m;
  const ax = a.x;
  for (let i = 0; i < n; i++) A[i] = ax[2 * i];
  let c = 0;
  for (let k = 0; k < n; k++) {
    // Cross products a_i a_(k-i) for i < k-i, doubled, then the square term when k is even.
    const d = A[k >> 1] * (1 - (k & 1));
    const t = c + 2 * cross(A, k, 0, (k + 1) >> 1) + d * A[k >> 1] + reduction(Q, M, k, 0, k);
    const lo = t - Math.floor(t * inv) * radix;
    const p = lo * minv;
    const q = p - Math.floor(p * inv) * radix;
    Q[k] = q;
    c = (t + q * m0) * inv;
  }
  for (let k = n; k < 2 * n - 1; k++) {
    const start = k - n + 1;
    const d = A[k >> 1] * (1 - (k & 1));
    const t = c + 2 * cross(A, k, start, (k + 1) >> 1) + d * A[k >> 1] + reduction(Q, M, k, start, n);
    const hi = Math.floor(t * inv);
    writeLimb(out, n, k - n, t - hi * radix);
    c = hi;
  }
  writeLimb(out, n, n - 1, c);
}

/**
 * Called once per Montgomery multiplication of this kernel (the one V8 and XS run) with the
 * modulus bit length: tests count products by operand size. Undefined (the default) costs
 * one comparison per product; the Espruino bundle, which leaves this module out, has none.
 */
export type MulObserver = (modulusBits: number) => void;
const hooks: { observer: MulObserver | undefined } = { observer: undefined };

export function setMulObserver(observer: MulObserver | undefined): void {
  hooks.observer = observer;
}

selected.scanMul = function (ctx: MontContext, out: Num, a: Num, b: Num): void {
  if (hooks.observer !== undefined) hooks.observer(ctx.bits);
  let s = ctx.scan;
  if (s === undefined) {
    s = scanScratch(ctx);
    ctx.scan = s;
  }
  if (a === b) montSqrScan(ctx, s, out, a);
  else montMulScan(ctx, s, out, a, b);
};
