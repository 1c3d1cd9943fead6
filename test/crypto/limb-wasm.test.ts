/**
 * The WebAssembly Montgomery kernel (limb-wasm-emit.ts -> limb-wasm-bytes.ts -> limb-wasm.ts,
 * RSA in bigint-wasm.ts): the committed bytes are what the source emits; both modules (SIMD,
 * and scalar for hosts without SIMD) against a test-side BigInt reference and the BigInt
 * backend; the fallbacks where the kernel is absent or refuses a modulus; and the fixed
 * sequence of kernel calls of a private-key operation.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { emitMontgomeryWasm, limbWasmBytesModule } from '../../src/crypto/limb-wasm-emit.js';
import { setWasmVariant, wasmContext, wasmKernel, wPowSecret, wToMont, type Kernel } from '../../src/crypto/limb-wasm.js';
import * as wasm from '../../src/crypto/bigint-wasm.js';
import * as big from '../../src/crypto/bigint.js';
import * as backend from '../../src/crypto/backend.js';
import { importPrivateKey } from '../../src/crypto/keys.js';
import type { RsaPrivateKey } from '../../src/crypto/key-types.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { prng } from '../helpers/prng.js';
import { refPow, toBig } from '../helpers/bigint-reference.js';

const rand = prng(0x3a5e);
const rnd = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
};
const WA = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

let keys: RsaPrivateKey[] | undefined;
function rsaKeys(): RsaPrivateKey[] {
  keys ??= [1024, 1536, 2048].map((bits) => {
    const kp = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
    return importPrivateKey(kp.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as RsaPrivateKey;
  });
  return keys;
}

test('the committed limb-wasm-bytes.ts is what limb-wasm-emit.ts emits (run `npm run gen:wasm` after editing the source)', () => {
  const committed = readFileSync(fileURLToPath(new URL('../../src/crypto/limb-wasm-bytes.ts', import.meta.url)), 'utf8');
  assert.ok(committed === limbWasmBytesModule(), 'src/crypto/limb-wasm-bytes.ts is stale');
  assert.ok(WA.validate(emitMontgomeryWasm(true)), 'the SIMD module validates');
  assert.ok(WA.validate(emitMontgomeryWasm(false)), 'the scalar module validates');
  assert.not.equal(emitMontgomeryWasm(false), emitMontgomeryWasm(true));
});

for (const variant of ['auto', 'scalar'] as const) {
  test(`${variant} module: modExp matches a reference for many sizes and exponents`, () => {
    setWasmVariant(variant);
    assert.is(wasmKernel()!.simd, variant === 'auto', 'Node validates the SIMD module');
    for (const modBytes of [1, 2, 3, 8, 32, 48, 64, 66, 128, 129, 256, 384, 512, 1000]) {
      for (const expBytes of [0, 1, 3, 8, 9, 40, 64, 65]) {
        const m = rnd(modBytes);
        m[0]! |= 0x80;
        m[modBytes - 1]! |= 1;
        if (modBytes === 1 && m[0] === 1) m[0] = 3;
        const b = rnd(modBytes + 2 + (expBytes % 3) * modBytes);
        const e = rnd(expBytes);
        const got = wasm.wasmModExp(b, e, m);
        assert.ok(got !== undefined, `the kernel takes a ${modBytes}-byte odd modulus`);
        assert.is(got!.length, modBytes);
        assert.is(toBig(got!), refPow(toBig(b), toBig(e), toBig(m)), `mod ${modBytes} exp ${expBytes}`);
      }
    }
    // Edges: 0, 1, m - 1 and all-ones limbs (the column sums' worst case), exponents 0 and 1.
    const m = fromHex('f'.repeat(511) + 'd');
    for (const b of [fromHex(''), fromHex('01'), fromHex('f'.repeat(511) + 'c'), fromHex('f'.repeat(512))]) {
      for (const e of [fromHex(''), fromHex('01'), fromHex('010001'), fromHex('f'.repeat(512))]) {
        assert.is(toBig(wasm.modExp(b, e, m)), refPow(toBig(b), toBig(e), toBig(m)));
      }
    }
    assert.is(toHex(wasm.modExp(fromHex('00'), fromHex('03'), fromHex('0101'))), '0000', 'padded to the modulus length');
  });

  test(`${variant} module: rsaPrivate (CRT, blinded) equals the BigInt backend across blinding refreshes`, () => {
    setWasmVariant(variant);
    for (const key of rsaKeys()) {
      const k = key.modulus.length;
      for (let i = 0; i < 70; i++) {
        const input = i === 0 ? new Uint8Array(k) : i === 1 ? Uint8Array.of(1) : rnd(k);
        input[0] = 0;
        const ours = wasm.wasmRsaPrivate(key, input, rnd);
        assert.ok(ours !== undefined, 'the kernel takes the key');
        if (i < 6 || i > 62) assert.is(toHex(ours!), toHex(big.rsaPrivate(key, input, rnd)), `use ${i}`);
      }
      assert.throws(() => wasm.rsaPrivate(key, key.modulus, rnd), /not smaller than the modulus/);
      assert.throws(() => wasm.rsaPrivate({ ...key }, Uint8Array.of(5), () => new Uint8Array(3)), /random generator returned 3 bytes/);
    }
  });
}

test('the kernel refuses even and oversized moduli and overlong exponents, and the callers fall back', () => {
  setWasmVariant('auto');
  const even = fromHex('0100');
  assert.is(wasmContext(even), undefined);
  assert.is(wasm.wasmModExp(fromHex('05'), fromHex('03'), even), undefined);
  assert.is(toHex(backend.modExp(fromHex('05'), fromHex('03'), even)), '007d', 'backend.ts: BigInt takes it');
  assert.throws(() => wasm.modExp(fromHex('05'), fromHex('01'), even), /odd modulus/, 'bigint-wasm.ts: the JS limb kernel takes it');
  // The largest it takes: 8,584 bits (318 limbs of 27 bits); one bit more is refused.
  const top = rnd(1073);
  top[0] = 0xff;
  top[1072]! |= 1;
  const xt = rnd(1072);
  assert.ok(wasmContext(top) !== undefined);
  assert.is(toBig(wasm.wasmModExp(xt, fromHex('010001'), top)!), refPow(toBig(xt), 65537n, toBig(top)));
  assert.is(wasmContext(Uint8Array.of(1, ...top)), undefined);
  const huge = rnd(1100); // 8,800 bits: more limbs than a slot holds
  huge[0]! |= 0x80;
  huge[1099]! |= 1;
  assert.is(wasmContext(huge), undefined);
  const b = rnd(1100);
  b[0] = 0;
  assert.is(toHex(backend.modExp(b, fromHex('010001'), huge)), toHex(big.modExp(b, fromHex('010001'), huge)));
  assert.is(toHex(backend.modExp(fromHex('05'), fromHex('01'), fromHex('01'))), '00', 'modulus 1 goes to BigInt');
  const longExp = rnd(2049); // 4,098 window digits: more than the kernel's digit buffer
  assert.is(wasm.wasmModExp(fromHex('05'), longExp, fromHex('0b')), undefined);
  assert.is(toBig(backend.modExp(fromHex('05'), longExp, fromHex('0b'))), refPow(5n, toBig(longExp), 11n));
});

test('without the kernel (setWasmVariant off) backend.ts is BigInt and bigint-wasm.ts the JS limb kernel', () => {
  const key = rsaKeys()[0]!;
  const x = rnd(128);
  x[0] = 0;
  setWasmVariant('auto');
  const withKernel = backend.rsaPrivate(key, x, rnd);
  setWasmVariant('off');
  try {
    assert.is(wasmKernel(), undefined);
    assert.is(wasm.wasmModExp(x, key.publicExponent, key.modulus), undefined);
    assert.is(wasm.wasmRsaPrivate(key, x, rnd), undefined);
    assert.is(toHex(backend.rsaPrivate(key, x, rnd)), toHex(withKernel));
    assert.is(toHex(wasm.rsaPrivate(key, x, rnd)), toHex(withKernel));
  } finally {
    setWasmVariant('auto');
  }
  assert.ok(wasmKernel() !== undefined);
});

/** Counts calls into the kernel per export while f runs (the glue calls through kernel.fn). */
function kernelCalls(kernel: Kernel, f: () => unknown): Record<string, number> {
  const real = kernel.fn;
  const counts: Record<string, number> = {};
  const counting = { ...real } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(real)) {
    if (typeof fn !== 'function') continue;
    counting[name] = (...args: number[]) => {
      counts[name] = (counts[name] ?? 0) + 1;
      return (fn as (...a: number[]) => void)(...args);
    };
  }
  kernel.fn = counting as unknown as Kernel['fn'];
  try {
    f();
  } finally {
    kernel.fn = real;
  }
  return counts;
}

test('private-key operations: the same kernel calls whatever the exponent or input', () => {
  setWasmVariant('auto');
  const kernel = wasmKernel()!;
  const m = rnd(128); m[0]! |= 0x80; m[127]! |= 1;
  const ctx = wasmContext(m)!;
  const base = wToMont(ctx, rnd(128));
  const exps = [new Uint8Array(128), new Uint8Array(128).fill(0xff), rnd(128), Uint8Array.of(1), rnd(3)];
  const pow = exps.map((e) => JSON.stringify(kernelCalls(kernel, () => wPowSecret(ctx, base, e, 256))));
  assert.equal(pow, pow.map(() => pow[0]), 'one powSecret call and the same helpers for every exponent');
  assert.match(pow[0]!, /"powSecret":1/);
  const key = rsaKeys()[2]!;
  const inputs = [new Uint8Array(256), Uint8Array.of(1), rnd(255), rnd(255)];
  wasm.rsaPrivate(key, inputs[0]!, rnd); // draws the blinding pair
  const sign = inputs.map((x) => JSON.stringify(kernelCalls(kernel, () => wasm.rsaPrivate(key, x, rnd))));
  assert.equal(sign, sign.map(() => sign[0]), `kernel calls per input: ${sign[0]}`);
});

test.run();
