/**
 * The limb arithmetic inside the device engines: test/device/limb-arith-entry.ts bundled
 * (esbuild) and run in Espruino (native E.convolve products, plus the JS loop on the first
 * cases) and in xst (JS loop). One Wycheproof file per family: rsa_signature_2048_sha256
 * (every case), RSA signing from rsa_pkcs1_1024_sig_gen (signatures reproduced by the CRT +
 * blinded private operation), ecdsa_secp256r1_sha256 (every case whose DER parses; the
 * malformed encodings end in ecdsa.ts's parser, which Node runs here). Node hashes and
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

/** EMSA-PKCS1-v1_5 (RFC 8017 9.2) for a k-byte modulus, hex. */
function emsa(hash: HashName, h: Uint8Array, k: number): string {
  const t = new Uint8Array([...DIGEST_INFO_PREFIX[hash]!, ...h]);
  const em = new Uint8Array(k);
  em[1] = 1;
  em.fill(0xff, 2, k - t.length - 1);
  em.set(t, k - t.length);
  return toHex(em);
}

function cases(): { json: string; rsa: number; sign: number; ecdsa: number } {
  const rsa: unknown[] = [];
  const rsaFile = loadWycheproof<SigGroup>('rsa_signature_2048_sha256_test.json');
  for (const g of rsaFile.testGroups) {
    const pub = parseSubjectPublicKeyInfo(fromHex((g.publicKeyDer ?? g.keyDer)!)) as RsaPublicKey;
    for (const t of g.tests) {
      const em = emsa('sha256', digest(provider, 'sha256', fromHex(t.msg)), pub.modulus.length);
      rsa.push({ n: toHex(pub.modulus), e: toHex(pub.publicExponent), sig: t.sig, em, want: t.result === 'valid' });
    }
  }
  const sign: unknown[] = [];
  const genFile = loadWycheproof<SigGroup>('rsa_pkcs1_1024_sig_gen_test.json');
  for (const g of genFile.testGroups) {
    const k = importPrivateKey(g.privateKeyPem!) as RsaPrivateKey;
    const hash = HASHES[g.sha]!;
    for (const t of g.tests.slice(0, 2)) {
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
      const c = cases();
      writeFileSync(file, `var CASES = ${c.json};\n${await script(engine)}\n`);
      const t0 = Date.now();
      const { stdout } = await runEngine(engine, file, 170_000);
      const line = /RESULT (\{.*\})/.exec(stdout);
      assert.ok(line, `no RESULT line from ${engine}:\n${stdout.slice(-1500)}`);
      const r = JSON.parse(line![1]!) as { nativeDot: boolean; counts: Record<string, number>; times: Record<string, number>; failures: string[] };
      assert.equal(r.failures, []);
      assert.is(r.nativeDot, engine === 'espruino');
      assert.ok(r.counts.rsa! >= c.rsa && r.counts.sign! >= c.sign && r.counts.ecdsa! >= c.ecdsa, JSON.stringify(r.counts));
      if (engine === 'espruino') assert.ok(r.counts.jsDot! > 0, 'the JS dot product ran too');
      console.log(`${engine}: ${JSON.stringify(r.counts)} cases, ${JSON.stringify(r.times)}, wall ${Date.now() - t0} ms`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
