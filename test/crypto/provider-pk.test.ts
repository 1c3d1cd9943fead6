/**
 * The public-key provider operations (rsaPublic, rsaPrivate, ecdsaVerify) against the pure-JS
 * path, on every Wycheproof RSA and ECDSA case: the verdict must be the same on each case,
 * whatever engine does the arithmetic, because padding, DigestInfo, range checks and the
 * strict DER parse stay in src/crypto.
 *
 * Paths:
 * - pure-js: no provider op (bigint.ts modexp, noble for ECDSA); the reference.
 * - node: createNodeProvider()'s rsaPublic / rsaPrivate (OpenSSL, RSA_NO_PADDING), wrapped
 *   in the counting provider so the number of engine calls is visible. node:crypto has no
 *   prehashed ECDSA verification, so for ECDSA this path is its ecdsaVerifyMessage (OpenSSL
 *   hashes and verifies; provider-ecdsa-message.test.ts covers that op in detail).
 * - ecdsa-engine: a test-side ecdsaVerify backed by noble with its OWN (lax) DER parser, the
 *   way an accelerator driver would take the DER; with it, and with an engine that says yes
 *   to everything, the malformed-encoding cases must still be refused by our parser first.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { completeProvider, createCountingProvider, digest, getDefaultProvider, type CryptoProvider, type HashName } from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { MicroTlsError } from '../../src/errors.js';
import { importPrivateKey, parseSubjectPublicKeyInfo, rsaPublicKeyOf } from '../../src/crypto/keys.js';
import { rsaEncryptPkcs1v15, rsaSignPkcs1v15, rsaVerifyPkcs1v15 } from '../../src/crypto/rsa.js';
import { rsaPrivate } from '../../src/crypto/bigint.js';
import { verifySignature } from '../../src/crypto/signature.js';
import type { RsaPrivateKey, RsaPublicKey } from '../../src/crypto/key-types.js';
import { loadWycheproof, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';

const pure = getDefaultProvider();
const counting = createCountingProvider(createNodeProvider());
const node = completeProvider(counting.provider);
const rnd = (n: number): Uint8Array => new Uint8Array(crypto.randomBytes(n));
const HASHES: Record<string, HashName> = { 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../vectors/wycheproof');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const sigFiles = files.filter((f) => f.startsWith('rsa_signature_') || /^rsa_pkcs1_\d+_sig_gen_test\.json$/.test(f));
const encFiles = files.filter((f) => /^rsa_pkcs1_\d+_test\.json$/.test(f));
const ecFiles = files.filter((f) => /^ecdsa_.*_test\.json$/.test(f));

interface SigTest extends WycheproofTest { msg: string; sig: string }
interface SigGroup extends WycheproofGroup<SigTest> { sha: string; publicKeyDer?: string; keyDer?: string; privateKeyPem?: string }
interface EncTest extends WycheproofTest { msg: string; ct: string }
interface EncGroup extends WycheproofGroup<EncTest> { privateKeyPem: string }
interface EcTest extends WycheproofTest { msg: string; sig: string }
interface EcGroup extends WycheproofGroup<EcTest> { sha: string; publicKeyDer: string }

/** Verdict counts of one path over one file. */
class Verdicts {
  accepted = 0;
  rejected = 0;
  add(ok: boolean): void {
    if (ok) this.accepted++;
    else this.rejected++;
  }
  toString(): string {
    return `${this.accepted} accepted, ${this.rejected} rejected`;
  }
}

test('the vector files are present', () => {
  assert.is(sigFiles.length, 15);
  assert.is(encFiles.length, 3);
  assert.is(ecFiles.length, 6);
});

for (const file of sigFiles) {
  test(`wycheproof ${file}: pure-js and node provider agree`, () => {
    const data = loadWycheproof<SigGroup>(file);
    const sigGen = file.includes('sig_gen');
    counting.reset();
    const jsV = new Verdicts();
    const nodeV = new Verdicts();
    let signed = 0;
    for (const group of data.testGroups) {
      const pub = parseSubjectPublicKeyInfo(fromHex((group.publicKeyDer ?? group.keyDer)!)) as RsaPublicKey;
      const priv = group.privateKeyPem ? importPrivateKey(group.privateKeyPem) : undefined;
      const hash = HASHES[group.sha]!;
      for (const t of group.tests) {
        const h = digest(pure, hash, fromHex(t.msg));
        const sig = fromHex(t.sig);
        const where = `${file} tcId ${t.tcId} (${t.comment}; ${t.flags.join(',')})`;
        const a = rsaVerifyPkcs1v15(pub, hash, h, sig);
        const b = rsaVerifyPkcs1v15(pub, hash, h, sig, node);
        assert.is(b, a, `verdicts differ: ${where}`);
        // Same policy as wycheproof-rsa.test.ts: MissingNull refused; sig_gen's weak keys accepted.
        const expected = t.result === 'valid' || (t.result === 'acceptable' && sigGen);
        assert.is(a, expected, `unexpected verdict: ${where}`);
        jsV.add(a);
        nodeV.add(b);
        if (sigGen) {
          const ours = rsaSignPkcs1v15(priv!, hash, h, rnd, node);
          assert.is(toHex(ours), t.sig, `node-provider signature differs: ${where}`);
          signed++;
        }
      }
    }
    assert.is(jsV.accepted + jsV.rejected, data.numberOfTests);
    const k = counting.counts().publicKey;
    // Signatures of the wrong length or >= n are refused before any exponentiation.
    const reached = k.rsaPublic.calls - signed;
    console.log(`provider-pk ${file}: pure-js ${jsV}; node ${nodeV}; node rsaPublic ${reached} verify calls` +
      ` (${data.numberOfTests - reached} refused before the engine)` +
      (sigGen ? `, ${k.rsaPrivate.calls} rsaPrivate + ${signed} check calls, ${signed} signatures byte-identical` : ''));
    if (sigGen) assert.is(k.rsaPrivate.calls, signed);
  });
}

/** RFC 8017 7.2.2 block check on a raw private-operation result (test-side, as in wycheproof-rsa.test.ts). */
function unpad(em: Uint8Array): Uint8Array | undefined {
  if (em[0] !== 0 || em[1] !== 2) return undefined;
  const sep = em.indexOf(0, 2);
  return sep < 10 ? undefined : em.subarray(sep + 1);
}

type Outcome = { plain: string } | { padding: 'bad' } | { error: string } | { length: 'wrong' };

function decryptWith(op: (ct: Uint8Array) => Uint8Array, k: number, ct: Uint8Array): Outcome {
  if (ct.length !== k) return { length: 'wrong' };
  let em: Uint8Array;
  try {
    em = op(ct);
  } catch (err) {
    assert.instance(err, MicroTlsError, 'the engine error must be a MicroTlsError, not an OpenSSL exception');
    return { error: (err as MicroTlsError).codeName };
  }
  const m = unpad(em);
  return m ? { plain: toHex(m) } : { padding: 'bad' };
}

for (const file of encFiles) {
  test(`wycheproof ${file}: pure-js and node provider agree`, () => {
    const data = loadWycheproof<EncGroup>(file);
    counting.reset();
    let valid = 0;
    let invalid = 0;
    let errors = 0;
    let roundTrips = 0;
    for (const group of data.testGroups) {
      const priv: RsaPrivateKey = importPrivateKey(group.privateKeyPem);
      const pub = rsaPublicKeyOf(priv);
      const k = pub.modulus.length;
      for (const len of [0, 1, 16, 48, k - 11]) {
        const msg = rnd(len);
        const ct = rsaEncryptPkcs1v15(pub, msg, rnd, node);
        const back = unpad(new Uint8Array(crypto.privateDecrypt({ key: group.privateKeyPem, padding: crypto.constants.RSA_NO_PADDING }, ct)));
        assert.is(back && toHex(back), toHex(msg), `${file}: node-provider encryption round trip of ${len} bytes`);
        roundTrips++;
      }
      for (const t of group.tests) {
        const ct = fromHex(t.ct);
        const where = `${file} tcId ${t.tcId} (${t.comment}; ${t.flags.join(',')})`;
        const a = decryptWith((c) => rsaPrivate(priv, c, rnd), k, ct);
        const b = decryptWith((c) => node.rsaPrivate!(priv, c), k, ct);
        assert.equal(b, a, `outcomes differ: ${where}`);
        if ('error' in a) {
          // c >= n: the same typed error from both, RSA_BAD_INPUT_DATA.
          assert.is(a.error, 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA', where);
          errors++;
        }
        if (t.result === 'valid') {
          assert.equal(a, { plain: t.msg }, where);
          valid++;
        } else {
          assert.not.ok('plain' in a, `invalid ciphertext accepted: ${where}`);
          invalid++;
        }
      }
    }
    assert.is(valid + invalid, data.numberOfTests);
    const k = counting.counts().publicKey;
    console.log(`provider-pk ${file}: ${valid} valid decrypted identically, ${invalid} invalid refused identically` +
      ` (${errors} of them c >= n: RSA_BAD_INPUT_DATA from both paths); ${roundTrips} node-provider encryptions round-trip;` +
      ` engine calls rsaPublic ${k.rsaPublic.calls}, rsaPrivate ${k.rsaPrivate.calls}`);
  });
}

const NOBLE = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

function ecdsaEngine(name: string, verify: (curve: keyof typeof NOBLE, point: Uint8Array, digest: Uint8Array, der: Uint8Array) => boolean) {
  const seen: Uint8Array[] = [];
  const provider: CryptoProvider = {
    name,
    ecdsaVerify(curve, point, d, der) {
      seen.push(der);
      return verify(curve, point, d, der);
    },
  };
  return { provider: completeProvider(provider), seen };
}

for (const file of ecFiles) {
  test(`wycheproof ${file}: pure-js, node provider and an ECDSA engine agree`, () => {
    const data = loadWycheproof<EcGroup>(file);
    // noble's own DER parser, as a driver handing DER to hardware would use one.
    const engine = ecdsaEngine('noble-der-engine', (curve, point, d, der) =>
      NOBLE[curve].verify(der, d, point, { prehash: false, lowS: false, format: 'der' }));
    const yes = ecdsaEngine('accept-all', () => true);
    const jsV = new Verdicts();
    const nodeV = new Verdicts();
    const engV = new Verdicts();
    let berRefusedFirst = 0;
    for (const group of data.testGroups) {
      const key = parseSubjectPublicKeyInfo(fromHex(group.publicKeyDer));
      const hash = HASHES[group.sha]!;
      for (const t of group.tests) {
        const msg = fromHex(t.msg);
        const sig = fromHex(t.sig);
        const where = `${file} tcId ${t.tcId} (${t.comment}; ${t.flags.join(',')})`;
        const a = verifySignature(pure, key, hash, msg, sig);
        const b = verifySignature(node, key, hash, msg, sig);
        const c = verifySignature(engine.provider, key, hash, msg, sig);
        assert.is(a, t.result === 'valid', `unexpected verdict: ${where}`);
        assert.is(b, a, `node path differs: ${where}`);
        assert.is(c, a, `engine path differs: ${where}`);
        jsV.add(a);
        nodeV.add(b);
        engV.add(c);
        const before = yes.seen.length;
        const d = verifySignature(yes.provider, key, hash, msg, sig);
        if (t.flags.includes('BerEncodedSignature') || t.flags.includes('InvalidEncoding')) {
          // Never handed to the engine: our strict DER parse refused it.
          assert.is(yes.seen.length, before, `malformed signature reached the engine: ${where}`);
          assert.not.ok(d, where);
          berRefusedFirst++;
        }
      }
    }
    assert.is(jsV.accepted + jsV.rejected, data.numberOfTests);
    const refusedByParser = data.numberOfTests - engine.seen.length;
    console.log(`provider-pk ${file}: pure-js ${jsV}; node ${nodeV} (node's ecdsaVerifyMessage);` +
      ` ecdsa-engine ${engV}, ${engine.seen.length} engine calls, ${refusedByParser} refused by the strict DER parse first` +
      ` (incl. all ${berRefusedFirst} BER/InvalidEncoding cases)`);
  });
}

test.run();
