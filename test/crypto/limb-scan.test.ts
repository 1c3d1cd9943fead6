/**
 * The product-scanning Montgomery kernel (limb-scan.ts, what V8 and XS run) against the
 * dot-product kernel (what Espruino runs over E.convolve) and a BigInt reference: the same
 * limbs for products and squares, at every size from one limb to 4096 bits, for inputs up to
 * the lazy-reduction bound 2m - 1 (the largest column sums), with and without headroom.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getLimbs, montContext, montContextWithHeadroom, montMul, newNum, setLimbs, type MontContext, type Num } from '../../src/crypto/limb.js';
import { jsDot, scanKernelInUse, selected, setDot } from '../../src/crypto/limb-dot.js';
import { toHex } from '../../src/encoding/bytes.js';
import { prng } from '../helpers/prng.js';

const rand = prng(0x5ca9);
const rnd = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
};
const toBig = (b: Uint8Array): bigint => (b.length ? BigInt('0x' + toHex(b)) : 0n);

function limbsOf(ctx: MontContext, a: Num): bigint {
  const l = getLimbs(ctx, a, new Int32Array(ctx.n));
  let v = 0n;
  for (let i = ctx.n - 1; i >= 0; i--) v = (v << BigInt(ctx.w)) | BigInt(l[i]!);
  return v;
}

function numOf(ctx: MontContext, v: bigint): Num {
  const l = new Int32Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) {
    l[i] = Number(v & ((1n << BigInt(ctx.w)) - 1n));
    v >>= BigInt(ctx.w);
  }
  const r = newNum(ctx);
  setLimbs(ctx, r, l);
  return r;
}

/** Both layouts of a residue, as a string (the kernels must agree on both). */
const layouts = (a: Num): string => `${Array.from(a.x).join(',')}|${Array.from(a.y).join(',')}`;

/** A random odd modulus of `bytes` bytes with its top bit set, and two operands below it. */
function randomOperands(bytes: number): { ctx: MontContext; a: Num; b: Num } {
  const m = rnd(bytes);
  m[0]! |= 0x80;
  m[bytes - 1]! |= 1;
  const ctx = montContext(m);
  return { ctx, a: numOf(ctx, toBig(rnd(bytes)) % toBig(m)), b: numOf(ctx, toBig(rnd(bytes)) % toBig(m)) };
}

function product(ctx: MontContext, a: Num, b: Num | undefined, dot: boolean): Num {
  const out = newNum(ctx);
  if (dot) setDot(jsDot);
  try {
    montMul(ctx, out, a, b === undefined ? a : b);
  } finally {
    if (dot) setDot(undefined);
  }
  return out;
}

test('Node multiplies with the product-scanning kernel (no E.convolve)', () => {
  assert.ok(scanKernelInUse());
  setDot(jsDot);
  assert.not.ok(scanKernelInUse(), 'an explicit dot product selects the dot-product kernel');
  setDot(undefined);
  assert.ok(scanKernelInUse());
});

test('products and squares equal the dot-product kernel and a * b / R mod m, for inputs up to the lazy bound', () => {
  let cases = 0;
  for (const bytes of [1, 2, 3, 7, 8, 16, 31, 32, 48, 64, 66, 96, 128, 192, 256, 384, 512]) {
    for (const headroom of [0, 2]) {
      const m = rnd(bytes);
      m[0]! |= 0x80;
      m[bytes - 1]! |= 1;
      if (bytes === 1 && m[0] === 1) continue;
      const ctx = headroom === 0 ? montContext(m) : montContextWithHeadroom(m, headroom);
      const M = toBig(m);
      const R = 1n << BigInt(ctx.w * ctx.n);
      const Rinv = modInverse(R % M, M);
      const bound = headroom === 0 ? 2n * M : 4n * M; // inputs below 2^(1 + headroom/2) m
      const values = [bound - 1n, bound - 2n, M, M - 1n, 0n, 1n, toBig(rnd(bytes)) % bound, toBig(rnd(bytes + 1)) % bound];
      for (const av of values) {
        for (const bv of [values[0]!, values[3]!, values[6]!, values[7]!]) {
          const a = numOf(ctx, av);
          const b = numOf(ctx, bv);
          const scan = product(ctx, a, b, false);
          assert.is(layouts(scan), layouts(product(ctx, a, b, true)), `${bytes} bytes, headroom ${headroom}: product`);
          const r = limbsOf(ctx, scan);
          assert.ok(r < 2n * M, 'lazily reduced: below 2m');
          assert.is(r % M, (av * bv * Rinv) % M);
          cases++;
        }
        const sq = product(ctx, numOf(ctx, av), undefined, false);
        assert.is(layouts(sq), layouts(product(ctx, numOf(ctx, av), undefined, true)), `${bytes} bytes, headroom ${headroom}: square`);
        assert.is(limbsOf(ctx, sq) % M, (av * av * Rinv) % M);
        cases++;
      }
    }
  }
  assert.ok(cases > 400);
});

test('output may alias an input, as with the dot-product kernel', () => {
  const { ctx, a, b } = randomOperands(128);
  const expectMul = layouts(product(ctx, a, b, true));
  const expectSqr = layouts(product(ctx, a, undefined, true));
  const a1 = numOf(ctx, limbsOf(ctx, a));
  montMul(ctx, a1, a1, b);
  assert.is(layouts(a1), expectMul);
  const b1 = numOf(ctx, limbsOf(ctx, b));
  montMul(ctx, b1, a, b1);
  assert.is(layouts(b1), expectMul);
  const a2 = numOf(ctx, limbsOf(ctx, a));
  montMul(ctx, a2, a2, a2);
  assert.is(layouts(a2), expectSqr);
});

test('without the kernel installed (the Espruino bundle leaves limb-scan.ts out) products take the dot-product kernel, same limbs', () => {
  const { ctx, a, b } = randomOperands(64);
  const withScan = layouts(product(ctx, a, b, false));
  const installed = selected.scanMul;
  selected.scanMul = undefined;
  try {
    assert.not.ok(scanKernelInUse(), 'no kernel, so not in use');
    const out = newNum(ctx);
    montMul(ctx, out, a, b);
    assert.is(layouts(out), withScan);
  } finally {
    selected.scanMul = installed;
  }
  assert.ok(scanKernelInUse());
});

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [m, a % m, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

test.run();
