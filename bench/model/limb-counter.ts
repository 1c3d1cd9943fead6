/**
 * The limb backend's modular products (src/crypto/bigint-limb.ts, the Espruino bundle's), counted
 * by running it: a shadow for the counting provider (hw/counting.ts) that repeats each RSA
 * operation on the limb backend under its multiplication observer (limb.ts setMulObserver) and
 * returns the products by size class. Its caches see the same key and modulus objects as the
 * counted run, so a key's first use (the Fermat inverses of its blinding pair, about a second
 * private operation, and the Montgomery contexts of n, p and q) is counted where that run would
 * pay it, and a later use where it would not.
 *
 * Those caches are keyed by `===`, and Espruino's `===` compares typed arrays by their contents
 * (test/bench/limb-counter.test.ts checks it in the engine): there a modulus parsed again from
 * the same certificate on the next connection hits the Montgomery context the last one built
 * (11 products of its size and the conversions' setup), where V8's identity misses. With
 * `contentKeyed` the shadow hands the backend the first array it saw with those contents, so its
 * caches hit where Espruino's do; keys stay keyed by identity (objects compare so in both).
 */
import type { ModMulShadow } from '../../hw/counting.js';
import { sizeClass, type ModMulCounts } from '../../hw/modmul-schedule.js';
import { modExp, rsaPrivate } from '../../src/crypto/bigint-limb.js';
import type { RsaPrivateKey } from '../../src/crypto/key-types.js';
import { setMulObserver } from '../../src/crypto/limb-scan.js';

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

export interface LimbShadowOptions {
  /** Caches keyed by the modulus's contents, as Espruino's `===` keys them (default: by identity, as V8 and XS do). */
  contentKeyed?: boolean;
}

export function limbShadow(options: LimbShadowOptions = {}): ModMulShadow {
  const seen = new Map<string, Uint8Array>();
  const asEngineSees = (modulus: Uint8Array): Uint8Array => {
    if (!options.contentKeyed) return modulus;
    let key = '';
    for (let i = 0; i < modulus.length; i++) key += String.fromCharCode(modulus[i]!);
    const first = seen.get(key);
    if (first) return first;
    // A copy: the caller may reuse its buffer; the backend must see the contents it cached.
    const own = new Uint8Array(modulus);
    seen.set(key, own);
    return own;
  };
  return {
    rsaPublic: (modulus, e, input) => counted(() => modExp(input, e, asEngineSees(modulus))),
    rsaPrivate: (key, input) => counted(() => rsaPrivate(key as RsaPrivateKey, input, fill)),
  };
}
