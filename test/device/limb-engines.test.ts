/**
 * The limb arithmetic inside the device engines: test/device/limb-arith-entry.ts bundled
 * (esbuild) and run in Espruino (native E.convolve products, plus the JS loop on the first
 * cases) and in xst (JS loop). One Wycheproof file per family: rsa_signature_2048_sha256,
 * RSA signing from rsa_pkcs1_1024_sig_gen (one case of each of three keys, signatures reproduced by the CRT + blinded private
 * operation), ecdsa_secp256r1_sha256 (the malformed DER encodings end in ecdsa.ts's parser,
 * which Node runs here). Every case that stops before the arithmetic runs, and a fixed sample
 * of those that need it (every 50th on Espruino, every 8th on xst), so each run stays near a
 * minute on an idle machine; the whole files run on the same code under Node
 * (limb-wycheproof-rsa.test.ts, ecdsa-limb.test.ts). Node hashes and
 * builds the expected blocks, as rsa.ts / ecdsa.ts would. The engine bundle replaces
 * src/errors.ts with a small error class: the error-code table (a Map built with
 * destructuring) needs the device build's lowering (scripts/build-device*), which is not
 * what this test is about. Needs ../shared/engines (skipped without).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { getDefaultProvider, digest, type HashName } from '../../hw/index.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { importPrivateKey, parseSubjectPublicKeyInfo } from '../../src/crypto/keys.js';
import { derToCompact } from '../../src/crypto/ecdsa.js';
import { DIGEST_INFO_PREFIX } from '../../src/crypto/digest-info.js';
import type { RsaPrivateKey, RsaPublicKey } from '../../src/crypto/key-types.js';
import { loadWycheproof, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';
import { bundleForEngine, engineMissing, enginePath, REPO_ROOT, runEngine, type EngineName } from '../helpers/engines.js';

const provider = getDefaultProvider();
const HASHES: Record<string, HashName> = { 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
interface SigTest extends WycheproofTest { msg: string; sig: string }
interface SigGroup extends WycheproofGroup<SigTest> { sha: string; publicKeyDer?: string; keyDer?: string; privateKeyPem?: string }

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** EMSA-PKCS1-v1_5 (RFC 8017 9.2) for a k-byte modulus, hex. */
function emsa(hash: HashName, h: Uint8Array, k: number): string {
  const t = new Uint8Array([...DIGEST_INFO_PREFIX[hash]!, ...h]);
  const em = new Uint8Array(k);
  em[1] = 1;
  em.fill(0xff, 2, k - t.length - 1);
  em.set(t, k - t.length);
  return toHex(em);
}

/**
 * Every case that ends before the arithmetic (wrong length, s >= n, r or s out of range) and
 * every `every`-th of the others: a sample that keeps each engine's run under a minute.
 */
function cases(every: number): { json: string; rsa: number; sign: number; ecdsa: number } {
  let full = 0;
  const keep = (cheap: boolean): boolean => cheap || full++ % every === 0;
  const rsa: unknown[] = [];
  const rsaFile = loadWycheproof<SigGroup>('rsa_signature_2048_sha256_test.json');
  for (const g of rsaFile.testGroups) {
    const pub = parseSubjectPublicKeyInfo(fromHex((g.publicKeyDer ?? g.keyDer)!)) as RsaPublicKey;
    for (const t of g.tests) {
      const em = emsa('sha256', digest(provider, 'sha256', fromHex(t.msg)), pub.modulus.length);
      const sig = fromHex(t.sig);
      if (!keep(sig.length !== pub.modulus.length || BigInt('0x' + (t.sig || '0')) >= BigInt('0x' + toHex(pub.modulus)))) continue;
      rsa.push({ n: toHex(pub.modulus), e: toHex(pub.publicExponent), sig: t.sig, em, want: t.result === 'valid' });
    }
  }
  const sign: unknown[] = [];
  const genFile = loadWycheproof<SigGroup>('rsa_pkcs1_1024_sig_gen_test.json');
  for (const g of genFile.testGroups.slice(0, 3)) {
    const k = importPrivateKey(g.privateKeyPem!) as RsaPrivateKey;
    const hash = HASHES[g.sha]!;
    for (const t of g.tests.slice(0, 1)) {
      sign.push({
        key: { n: toHex(k.modulus), e: toHex(k.publicExponent), d: toHex(k.privateExponent), p: toHex(k.prime1), q: toHex(k.prime2), dp: toHex(k.exponent1), dq: toHex(k.exponent2), qi: toHex(k.coefficient) },
        em: emsa(hash, digest(provider, hash, fromHex(t.msg)), k.modulus.length), sig: t.sig,
      });
    }
  }
  const ecdsa: unknown[] = [];
  const ecFile = loadWycheproof<SigGroup>('ecdsa_secp256r1_sha256_test.json');
  for (const g of ecFile.testGroups) {
    const key = parseSubjectPublicKeyInfo(fromHex(g.publicKeyDer!));
    if (key.type !== 'ec') continue;
    for (const t of g.tests) {
      const rs = derToCompact(fromHex(t.sig), 32);
      if (rs === undefined) continue; // refused by the DER parser before any arithmetic
      const r = BigInt('0x' + toHex(rs.subarray(0, 32)));
      const sv = BigInt('0x' + toHex(rs.subarray(32)));
      if (!keep(r === 0n || sv === 0n || r >= P256_N || sv >= P256_N)) continue;
      ecdsa.push({ curve: key.curve, point: toHex(key.point), digest: toHex(digest(provider, 'sha256', fromHex(t.msg))), rs: toHex(rs), want: t.result === 'valid' });
    }
  }
  return { json: JSON.stringify({ rsa, sign, ecdsa, jsDotToo: 2 }), rsa: rsa.length, sign: sign.length, ecdsa: ecdsa.length };
}

/** src/errors.ts in the engine bundle: the same constructor, without the error-code table. */
const smallErrors: Plugin = {
  name: 'small-errors',
  setup(build) {
    build.onResolve({ filter: /(^|\/)errors\.js$/ }, (args) => {
      const target = join(args.resolveDir, args.path);
      return target === join(REPO_ROOT, 'src/errors.js') ? { path: 'errors', namespace: 'small-errors' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'small-errors' }, () => ({
      loader: 'js',
      contents: 'export function MicroTlsError(name, message) { this.codeName = "MBEDTLS_ERR_" + name; this.message = message; }\n'
        + 'MicroTlsError.prototype.toString = function () { return this.codeName + ": " + this.message; };',
    }));
  },
};

const bundles: Record<string, string> = {};
async function script(engine: EngineName): Promise<string> {
  bundles[engine] ??= await bundleForEngine(join(REPO_ROOT, 'test/device/limb-arith-entry.ts'), [smallErrors], false);
  return bundles[engine]!;
}

test('the engine bundle holds the limb arithmetic and no BigInt or @noble/curves', async () => {
  const text = await script('espruino');
  assert.not.match(text, /\bBigInt\b/);
  assert.not.match(text, /\b\d+n\b/);
  assert.not.match(text, /weierstrass|noble/);
  assert.match(text, /function montMul/);
});

for (const engine of ['espruino', 'xst'] as EngineName[]) {
  const name = `Wycheproof RSA verify, RSA sign and ECDSA verify on the limb arithmetic inside ${engine}`;
  if (enginePath(engine) === undefined) {
    test.skip(`${name} — ${engineMissing(engine)}`, () => {});
    continue;
  }
  test(name, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'limb-engine-'));
    try {
      const file = join(dir, 'limb.js');
      const c = cases(engine === 'espruino' ? 50 : 8);
      writeFileSync(file, `var CASES = ${c.json};\n${await script(engine)}\n`);
      const t0 = Date.now();
      const { stdout } = await runEngine(engine, file, 240_000);
      const line = /RESULT (\{.*\})/.exec(stdout);
      assert.ok(line, `no RESULT line from ${engine}:\n${stdout.slice(-1500)}`);
      const r = JSON.parse(line![1]!) as { nativeDot: boolean; counts: Record<string, number>; times: Record<string, number>; failures: string[] };
      console.log(`${engine}: ${JSON.stringify(r.counts)} cases, ${JSON.stringify(r.times)}, wall ${Date.now() - t0} ms`);
      assert.equal(r.failures, []);
      assert.is(r.nativeDot, engine === 'espruino');
      assert.ok(r.counts.rsa! >= c.rsa && r.counts.sign! >= c.sign && r.counts.ecdsa! >= c.ecdsa && c.ecdsa > 20 && c.rsa > 10, JSON.stringify(r.counts));
      if (engine === 'espruino') assert.ok(r.counts.jsDot! > 0, 'the JS dot product ran too');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
