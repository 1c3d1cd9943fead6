/**
 * The limb backend (bigint-limb.ts over limb.ts) against the BigInt backend and a test-side
 * BigInt reference: modular exponentiation, the CRT + blinded private operation, the key
 * consistency checks, byte conversions, the dot-product seam and the multiplication counter.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import * as limb from '../../src/crypto/bigint-limb.js';
import * as big from '../../src/crypto/bigint.js';
import { bytesToLimbs, chooseWidth, limbsToBytes, montContext, powSecret, toMont } from '../../src/crypto/limb.js';
import { setMulObserver } from '../../src/crypto/limb-scan.js';
import { currentDot, jsDot, setDot } from '../../src/crypto/limb-dot.js';
import { importPrivateKey } from '../../src/crypto/keys.js';
import type { RsaPrivateKey } from '../../src/crypto/key-types.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { prng } from '../helpers/prng.js';
import { refPow, toBig } from '../helpers/bigint-reference.js';

const rand = prng(0x5eed);
const rnd = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
};

test('modExp matches a reference for many sizes, windows and edge exponents', () => {
  for (const modBytes of [1, 2, 3, 8, 32, 48, 64, 66, 128, 256, 384, 512]) {
    for (const expBytes of [0, 1, 3, 8, 9, 40, 64, 65]) {
      const m = rnd(modBytes);
      m[0]! |= 0x80;
      m[modBytes - 1]! |= 1;
      const b = rnd(modBytes + 2);
      const e = rnd(expBytes);
      const got = limb.modExp(b, e, m);
      assert.is(got.length, modBytes);
      assert.is(toBig(got), refPow(toBig(b), toBig(e), toBig(m)), `mod ${modBytes} exp ${expBytes}`);
    }
  }
  // Values at the edges: 0, 1, m - 1, and a base longer than two moduli.
  const m = fromHex('f'.repeat(63) + 'd');
  for (const b of [fromHex(''), fromHex('01'), fromHex('f'.repeat(63) + 'c'), rnd(100)]) {
    assert.is(toBig(limb.modExp(b, fromHex('010001'), m)), refPow(toBig(b), 65537n, toBig(m)));
  }
  assert.is(toHex(limb.modExp(fromHex('05'), fromHex(''), fromHex('07'))), '01');
  assert.is(toHex(limb.modExp(fromHex('05'), fromHex('01'), fromHex('01'))), '00');
  assert.is(toHex(limb.modExp(fromHex('00'), fromHex('03'), fromHex('0101'))), '0000', 'padded to the modulus length');
  assert.throws(() => limb.modExp(fromHex('05'), fromHex('01'), fromHex('00')), /zero/);
  assert.throws(() => limb.modExp(fromHex('05'), fromHex('01'), fromHex('0100')), /odd modulus/);
});

test('limb width keeps every column sum below 2^53 and R >= 4m', () => {
  for (const bits of [8, 256, 384, 521, 1024, 2048, 3072, 4096, 8192, 16384]) {
    const w = chooseWidth(bits);
    const n = Math.ceil((bits + 2) / w);
    const r = 2 ** w;
    assert.ok(2 * n * (r - 1) ** 2 + r * r + 2 ** (54 - w) < 2 ** 53, `${bits} bits, w ${w}`);
    assert.ok(w * n >= bits + 2);
  }
  assert.is(chooseWidth(2048), 22);
  assert.is(chooseWidth(256), 24);
});

test('byte and limb conversions round-trip and refuse what does not fit', () => {
  for (const w of [16, 22, 23, 24]) {
    for (const len of [0, 1, 5, 32, 66, 257]) {
      const b = rnd(len);
      const n = Math.ceil((len * 8) / w) + 1;
      const limbs = bytesToLimbs(b, w, n)!;
      assert.is(toHex(limbsToBytes(limbs, w, len)!), toHex(b));
    }
  }
  assert.is(bytesToLimbs(fromHex('01000000'), 16, 1), undefined);
  assert.is(limbsToBytes(Int32Array.of(0x1234), 16, 1), undefined);
});

test('the dot-product seam: the JS loop is an exact dot product; results do not depend on the seam', () => {
  const x = Int32Array.from({ length: 37 }, () => Math.floor(rand() * 2 ** 24));
  const y = Int32Array.from({ length: 50 }, () => Math.floor(rand() * 2 ** 24));
  for (const off of [0, 1, 7, 13]) {
    let ref = 0n;
    for (let i = 0; i < x.length; i++) ref += BigInt(x[i]!) * BigInt(y[i + off]!);
    assert.is(BigInt(jsDot(x, y, off)), ref);
  }
  // A naive dot product behind the seam gives the same modExp (contexts pick the seam when built).
  const naive = (a: Int32Array, b: Int32Array, o: number): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]! * b[i + o]!; return s; };
  const m = rnd(128); m[0]! |= 0x80; m[127]! |= 1;
  const b = rnd(128);
  const e = rnd(16);
  const viaJs = toHex(limb.modExp(b, e, m));
  setDot(naive);
  try {
    assert.is(currentDot(), naive);
    assert.is(toHex(limb.modExp(b, e, new Uint8Array(m))), viaJs);
  } finally {
    setDot(undefined);
  }
  assert.is(currentDot(), jsDot, 'Node has no E.convolve');
});

let keys: RsaPrivateKey[] | undefined;
function rsaKeys(): RsaPrivateKey[] {
  keys ??= [1024, 2048].map((bits) => {
    const kp = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
    return importPrivateKey(kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as RsaPrivateKey;
  });
  return keys;
}

test('rsaPrivate (CRT, blinded) equals the BigInt backend and node:crypto, across blinding refreshes', () => {
  for (const key of rsaKeys()) {
    const k = key.modulus.length;
    for (let i = 0; i < 70; i++) {
      const input = i === 0 ? new Uint8Array(k) : i === 1 ? Uint8Array.of(1) : rnd(k);
      input[0] = 0;
      const ours = limb.rsaPrivate(key, input, rnd);
      if (i < 6 || i > 62) assert.is(toHex(ours), toHex(big.rsaPrivate(key, input, rnd)), `use ${i}`);
      if (i < 6 || i > 62) assert.is(toHex(limb.modExp(ours, key.publicExponent, key.modulus)), toHex(input).padStart(2 * k, '0'));
    }
    assert.throws(() => limb.rsaPrivate(key, key.modulus, rnd), /not smaller than the modulus/);
    assert.throws(() => limb.rsaPrivate({ ...key }, Uint8Array.of(5), () => new Uint8Array(3)), /random generator returned 3 bytes/);
  }
});

test('rsaKeyProblem finds the same faults as the BigInt backend', () => {
  const key = rsaKeys()[0]!;
  const one = Uint8Array.of(1);
  const plus = (a: Uint8Array, v: number): Uint8Array => fromHex((toBig(a) + BigInt(v)).toString(16).padStart(2, '0').replace(/^(.(..)*)$/, '0$1'));
  const variants: Array<Partial<RsaPrivateKey>> = [
    {},
    { prime1: plus(key.prime1, 2) },
    { prime2: Uint8Array.of(2) },
    { modulus: plus(key.modulus, 2) },
    { publicExponent: Uint8Array.of(1) },
    { publicExponent: Uint8Array.of(4) },
    { privateExponent: one },
    { privateExponent: plus(key.privateExponent, 2) },
    { exponent1: plus(key.exponent1, 2) },
    { exponent2: plus(key.exponent2, -2) },
    { coefficient: plus(key.coefficient, 1) },
    { coefficient: plus(key.coefficient, Number.MAX_SAFE_INTEGER) },
  ];
  let faults = 0;
  for (const v of variants) {
    const k = { ...key, ...v };
    const want = big.rsaKeyProblem(k);
    assert.is(limb.rsaKeyProblem(k), want, JSON.stringify(Object.keys(v)));
    if (want !== undefined) faults++;
  }
  assert.is(faults, variants.length - 1);
});

test('the multiplication observer counts Montgomery products by modulus size', () => {
  const m = rnd(256); m[0]! |= 0x80; m[255]! |= 1;
  montContext(m); // context setup is not what is counted below
  const counts: Record<number, number> = {};
  setMulObserver((bits) => { counts[bits] = (counts[bits] ?? 0) + 1; });
  try {
    limb.modExp(rnd(256), fromHex('010001'), m);
  } finally {
    setMulObserver(undefined);
  }
  // 16 squarings + 1 multiplication, the conversion in (1) and out (1), plus the context's
  // one-off setup for this fresh modulus array.
  assert.ok((counts[2048] ?? 0) >= 19, JSON.stringify(counts));
  const before = counts[2048]!;
  setMulObserver((bits) => { counts[bits] = (counts[bits] ?? 0) + 1; });
  try {
    const fixed = m;
    limb.modExp(rnd(256), fromHex('010001'), fixed);
  } finally {
    setMulObserver(undefined);
  }
  assert.is(counts[2048]! - before, 19, 'a cached context: exactly 19 products');
});

function countProducts(fn: () => unknown): number {
  let n = 0;
  setMulObserver(() => { n++; });
  try {
    fn();
  } finally {
    setMulObserver(undefined);
  }
  return n;
}

test('private-key operations: the same number of products whatever the exponent or input', () => {
  const m = rnd(128); m[0]! |= 0x80; m[127]! |= 1;
  const ctx = montContext(m);
  const base = toMont(ctx, rnd(128));
  const exps = [new Uint8Array(128), new Uint8Array(128).fill(0xff), rnd(128), Uint8Array.of(1), rnd(3)];
  const counts = exps.map((e) => countProducts(() => powSecret(ctx, base, e, 256)));
  assert.equal(counts, counts.map(() => counts[0]), `products per exponent: ${counts}`);
  assert.is(counts[0], 14 + 256 * 5, 'the table (14 products), then 4 squarings and 1 product per digit');
  // rsaPrivate: after the first call (which draws the blinding pair), every call costs the same.
  const key = rsaKeys()[0]!;
  const inputs = [new Uint8Array(128), Uint8Array.of(1), rnd(127), rnd(127)];
  limb.rsaPrivate(key, inputs[0]!, rnd);
  const sign = inputs.map((x) => countProducts(() => limb.rsaPrivate(key, x, rnd)));
  assert.equal(sign, sign.map(() => sign[0]), `products per input: ${sign}`);
});

test.run();
