/**
 * The limb backend's products as the cost model counts them (bench/model/limb-counter.ts, a
 * shadow of the counting provider): the same counts as the real limb backend's multiplication
 * observer gives for the same operations, a key's first use (Fermat inverses of the blinding
 * pair) apart from later ones.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createCountingProvider } from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';
import { sizeClass } from '../../hw/modmul-schedule.js';
import { limbShadow } from '../../bench/model/limb-counter.js';
import * as limb from '../../src/crypto/bigint-limb.js';
import { importPrivateKey } from '../../src/crypto/keys.js';
import type { RsaPrivateKey } from '../../src/crypto/key-types.js';
import { setMulObserver } from '../../src/crypto/limb.js';
import { rsaSignPkcs1v15 } from '../../src/crypto/rsa.js';

const digest = new Uint8Array(createHash('sha256').update('m').digest());
const seven = (n: number) => new Uint8Array(n).fill(7);

/** Products by size class of fn, from the backend's own observer. */
function observed(fn: () => unknown): Record<string, number> {
  const out: Record<string, number> = {};
  setMulObserver((bits) => { const k = String(sizeClass(bits)); out[k] = (out[k] ?? 0) + 1; });
  try {
    fn();
  } finally {
    setMulObserver(undefined);
  }
  return out;
}

for (const bits of [1024, 2048]) {
  test(`RSA-${bits}: the shadow counts what the limb backend does, first use and later uses`, () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const counting = createCountingProvider(createNodeProvider(), { shadows: { limb: limbShadow() } });
    const key = importPrivateKey(pem) as RsaPrivateKey;
    const perSign: Record<string, number>[] = [];
    for (let i = 0; i < 3; i++) {
      counting.reset();
      rsaSignPkcs1v15(key, 'sha256', digest, seven, counting.provider);
      perSign.push(counting.counts().modMulBy['limb']!);
    }
    // The real backend, directly, on another parse of the same key: its own first and later uses
    // (the private operation and the signature check's public one, as rsaSignPkcs1v15 runs them on it).
    const direct = importPrivateKey(pem) as RsaPrivateKey;
    const signDirect = () => observed(() => rsaSignPkcs1v15(direct, 'sha256', digest, seven, { rsaPrivate: (k, x) => limb.rsaPrivate(k as RsaPrivateKey, x, seven), rsaPublic: (n, e, x) => limb.modExp(x, e, n) }));
    const firstDirect = signDirect();
    const laterDirect = signDirect();
    assert.equal(perSign[0], firstDirect, 'first use');
    assert.equal(perSign[1], laterDirect, 'later use');
    assert.equal(perSign[2], laterDirect);
    const half = String(bits / 2);
    // The Fermat inverses mod p and q are about a second private operation's half-size products.
    const ratio = firstDirect[half]! / laterDirect[half]!;
    assert.ok(ratio > 1.9 && ratio < 2.1, `first / later half-size products: ${ratio}`);
    // A later use: two 4-bit fixed windows over the primes (bits / 8 digits, 5 products each, 14 for the table).
    assert.ok(laterDirect[half]! >= 2 * (14 + (bits / 8) * 5), JSON.stringify(laterDirect));
  });
}

test.run();
