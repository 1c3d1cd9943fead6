/**
 * The limb backend's products as the cost model counts them (bench/model/limb-counter.ts, a
 * shadow of the counting provider): the same counts as the real limb backend's multiplication
 * observer gives for the same operations, a key's first use (Fermat inverses of the blinding
 * pair) apart from later ones; and, keyed as Espruino keys its caches (contentKeyed), the same
 * products as the limb backend counts inside Espruino for a modulus parsed again.
 * The Espruino half needs ../shared/engines/espruino (or ESPRUINO=) and is skipped without it.
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
import { setMulObserver } from '../../src/crypto/limb-scan.js';
import { rsaSignPkcs1v15 } from '../../src/crypto/rsa.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallErrorsPlugin } from '../../bench/crypto-backends.js';
import { bundleForEngine, engineMissing, enginePath, REPO_ROOT, runEngine } from '../helpers/engines.js';

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

const modulusHex = (bits: number) => Buffer.from((generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' }) as { n: string }).n, 'base64url').toString('hex');

/** The shadow's products for x^65537 over each modulus of the list, each a fresh array (a new parse). */
function shadowCounts(contentKeyed: boolean, moduli: string[], x: Uint8Array): number[] {
  const shadow = limbShadow({ contentKeyed });
  return moduli.map((m) => Object.values(shadow.rsaPublic!(new Uint8Array(Buffer.from(m, 'hex')), new Uint8Array([1, 0, 1]), x)!).reduce((a, b) => a + b, 0));
}

// Two servers' moduli, the first parsed again (a reconnection), then the other, then the first again.
const moduli = [modulusHex(1024), modulusHex(1024)];
const sequence = [moduli[0]!, moduli[0]!, moduli[1]!, moduli[0]!, moduli[0]!];
const base = `00${moduli[0]!.slice(2, -2)}01`;

test('identity-keyed shadow: every new parse of a modulus pays its Montgomery context (V8, XS)', () => {
  const counts = shadowCounts(false, sequence, Buffer.from(base, 'hex'));
  // The context's own squarings on top of x^65537's 17 products and the two conversions.
  assert.ok(counts.every((c) => c === counts[0]) && counts[0]! > 19, JSON.stringify(counts));
});

if (enginePath('espruino')) {
  test('contents-keyed shadow: the products the limb backend counts inside Espruino for the same moduli, parsed again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'microtls-limb-cache-'));
    try {
      const text = await bundleForEngine(join(REPO_ROOT, 'bench', 'model', 'espruino-limb-cache-entry.ts'), [smallErrorsPlugin()], false);
      const file = join(dir, 'cache.js');
      writeFileSync(file, `var LIMB_CACHE = ${JSON.stringify({ moduli: sequence, x: base })};\n${text}\nquit();\n`);
      const { stdout } = await runEngine('espruino', file, 60_000);
      const line = stdout.split('\n').find((l) => l.startsWith('MICROTLS-LIMB-CACHE '));
      assert.ok(line, stdout.slice(-400));
      const inEngine = JSON.parse(line!.slice('MICROTLS-LIMB-CACHE '.length)) as { counts: number[]; equalArraysIdentical: boolean; nativeDot: boolean };
      assert.is(inEngine.equalArraysIdentical, true, "Espruino's === on equal typed arrays");
      assert.is(inEngine.nativeDot, true, 'the products ran on E.convolve, as the device bundle runs them');
      const shadow = shadowCounts(true, sequence, Buffer.from(base, 'hex'));
      assert.equal(shadow, inEngine.counts);
      // A reconnection to the same server is cheaper than the first connection, both in the engine and counted.
      assert.ok(inEngine.counts[1]! < inEngine.counts[0]!, JSON.stringify(inEngine.counts));
      assert.equal(shadowCounts(false, sequence, Buffer.from(base, 'hex'))[1], inEngine.counts[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
} else {
  test.skip(`contents-keyed shadow against the limb backend in Espruino — ${engineMissing('espruino')}`, () => {});
}

test.run();
