/**
 * The limb backend's modular products (src/crypto/bigint-limb.ts, the Espruino bundle's), counted
 * by running it: a shadow for the counting provider (hw/counting.ts) that repeats each RSA
 * operation on the limb backend under its multiplication observer (limb.ts setMulObserver) and
 * returns the products by size class. Its caches see the same key and modulus objects as the
 * counted run, so a key's first use (the Fermat inverses of its blinding pair, about a second
 * private operation, and the Montgomery contexts of n, p and q) is counted where that run would
 * pay it, and a later use where it would not.
 */
import type { ModMulShadow } from '../../hw/counting.js';
import { sizeClass, type ModMulCounts } from '../../hw/modmul-schedule.js';
import { modExp, rsaPrivate } from '../../src/crypto/bigint-limb.js';
import type { RsaPrivateKey } from '../../src/crypto/key-types.js';
import { setMulObserver } from '../../src/crypto/limb.js';

function counted(fn: () => unknown): ModMulCounts {
  const out: ModMulCounts = {};
  setMulObserver((bits) => {
    const k = String(sizeClass(bits));
    out[k] = (out[k] ?? 0) + 1;
  });
  try {
    fn();
  } finally {
    setMulObserver(undefined);
  }
  return out;
}

/** Randomness for the shadow's blinding values only (their products do not depend on it). */
function fill(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 151 + 7) & 255;
  b[0] = 0x5a;
  return b;
}

export function limbShadow(): ModMulShadow {
  return {
    rsaPublic: (modulus, e, input) => counted(() => modExp(input, e, modulus)),
    rsaPrivate: (key, input) => counted(() => rsaPrivate(key as RsaPrivateKey, input, fill)),
  };
}
