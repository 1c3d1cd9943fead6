/**
 * Engine side of the big-integer backend benchmark (bench/crypto-backends.ts): times the
 * public-key operations on whichever backend this bundle was built with, over inputs the host
 * prepared, and prints `BENCH {json}` (ms per operation). Runs in Espruino, xst and
 * `node --jitless`; written in the syntax Espruino runs.
 */
import { modExp, rsaPrivate } from '../src/crypto/backend.js';
import { ecdsaVerifyCompact } from '../src/crypto/backend.js';
import type { EcCurveName, RsaPrivateKey } from '../src/crypto/key-types.js';

declare const BENCH: {
  minMs: number;
  /** When set: run only this case, with exactly `calls` timed calls (the host measures process CPU). */
  only?: string;
  calls?: number;
  rsaPublic: { n: string; e: string; x: string };
  keys: { name: string; key: { [k: string]: string }; x: string }[];
  ecdsa: { name: string; curve: string; point: string; digest: string; rs: string }[];
};
declare function print(s: string): void;

function hex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

const seed = { v: 99 };
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed.v = (seed.v * 1103515245 + 12345) % 2147483648;
    out[i] = seed.v & 255;
  }
  return out;
}

declare const performance: { now(): number } | undefined;
function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

const results: { [name: string]: number } = {};
const started = now();
/** ms per call: one warm-up (caches: contexts, blinding, the G table), then calls until BENCH.minMs has passed. */
function time(name: string, fn: () => unknown): void {
  if (BENCH.only !== undefined && BENCH.only !== name) return;
  fn();
  if (BENCH.only !== undefined) {
    const t0 = now();
    for (let i = 0; i < (BENCH.calls as number); i++) fn();
    results[name] = (now() - t0) / (BENCH.calls as number);
    return;
  }
  const t = now();
  let reps = 0;
  let elapsed = 0;
  while (reps < 1 || elapsed < BENCH.minMs) {
    fn();
    reps++;
    elapsed = now() - t;
  }
  results[name] = elapsed / reps;
}

const pub = BENCH.rsaPublic;
const n = hex(pub.n);
const e = hex(pub.e);
const x = hex(pub.x);
time('RSA-2048 public', function () { return modExp(x, e, n); });
// A certificate's key is used once: a fresh modulus array misses the context cache (limb:
// Montgomery constants computed again).
time('RSA-2048 public, new key', function () { return modExp(x, e, new Uint8Array(n)); });
for (let i = 0; i < BENCH.keys.length; i++) {
  const c = BENCH.keys[i];
  const k = c.key;
  const key: RsaPrivateKey = {
    type: 'rsa-private', modulus: hex(k.n), publicExponent: hex(k.e), privateExponent: hex(k.d), prime1: hex(k.p),
    prime2: hex(k.q), exponent1: hex(k.dp), exponent2: hex(k.dq), coefficient: hex(k.qi), bits: k.n.length * 4,
  };
  const input = hex(c.x);
  // The private operation plus the public check rsaSignPkcs1v15 does before releasing it.
  time(c.name, function () { return modExp(rsaPrivate(key, input, randomBytes), key.publicExponent, key.modulus); });
}
for (let i = 0; i < BENCH.ecdsa.length; i++) {
  const c = BENCH.ecdsa[i];
  const point = hex(c.point);
  const digest = hex(c.digest);
  const rs = hex(c.rs);
  time(c.name, function () {
    if (!ecdsaVerifyCompact(c.curve as EcCurveName, point, digest, rs)) throw new Error('verify failed');
  });
}
results['total wall'] = now() - started;
print('BENCH ' + JSON.stringify(results));
