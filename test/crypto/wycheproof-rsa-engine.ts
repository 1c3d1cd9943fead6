/**
 * Wycheproof RSA PKCS#1 v1.5 over one big-integer engine behind the provider hooks: src/crypto's
 * padding, DigestInfo and fault check with the engine's modExp (rsaPublic) and CRT + blinded
 * private operation (rsaPrivate). Same policy as wycheproof-rsa.test.ts: MissingNull rejected;
 * sig_gen's weak-key/hash cases accepted and reproduced byte for byte. Used by
 * limb-wycheproof-rsa.test.ts (the JS limb kernel) and wasm-wycheproof-rsa.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDefaultProvider, digest, type HashName } from '../../hw/index.js';
import type { CryptoProvider } from '../../hw/provider.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { importPrivateKey, parseSubjectPublicKeyInfo, rsaPublicKeyOf } from '../../src/crypto/keys.js';
import { rsaSignPkcs1v15, rsaVerifyPkcs1v15 } from '../../src/crypto/rsa.js';
import type { RsaPrivateKey, RsaPublicKey } from '../../src/crypto/key-types.js';
import { loadWycheproof, wycheproofCases, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';

const provider = getDefaultProvider();
const HASHES: Record<string, HashName> = { 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../vectors/wycheproof');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const sigFiles = files.filter((f) => f.startsWith('rsa_signature_') || /^rsa_pkcs1_\d+_sig_gen_test\.json$/.test(f));
const encFiles = files.filter((f) => /^rsa_pkcs1_\d+_test\.json$/.test(f));

interface SigTest extends WycheproofTest { msg: string; sig: string }
interface SigGroup extends WycheproofGroup<SigTest> { sha: string; publicKeyDer?: string; keyDer?: string; privateKeyPem?: string }
interface EncTest extends WycheproofTest { ct: string; msg: string }
interface EncGroup extends WycheproofGroup<EncTest> { privateKeyPem: string }

export type RsaEngineHooks = Required<Pick<CryptoProvider, 'rsaPublic' | 'rsaPrivate'>>;

/**
 * Registers the tests (every signature and sig_gen file, every decryption file) for `engine`;
 * `label` names it in the test titles. The caller runs test.run().
 */
export function wycheproofRsaTests(label: string, engine: RsaEngineHooks, rnd: (n: number) => Uint8Array): void {
  test(`the RSA vector files are present (${label})`, () => {
    assert.is(sigFiles.length, 15);
    assert.is(encFiles.length, 3);
  });

  for (const file of sigFiles) {
    test(`wycheproof ${file} on the ${label}`, () => {
      const data = loadWycheproof<SigGroup>(file);
      const sigGen = file.includes('sig_gen');
      let accepted = 0;
      let rejected = 0;
      let signed = 0;
      const keys = new Map<SigGroup, { pub: RsaPublicKey; priv?: RsaPrivateKey }>();
      for (const { group, test: t } of wycheproofCases(data)) {
        let entry = keys.get(group);
        if (!entry) {
          const pub = parseSubjectPublicKeyInfo(fromHex((group.publicKeyDer ?? group.keyDer)!)) as RsaPublicKey;
          entry = { pub };
          if (group.privateKeyPem) entry.priv = importPrivateKey(group.privateKeyPem) as RsaPrivateKey;
          keys.set(group, entry);
        }
        const hash = HASHES[group.sha]!;
        const h = digest(provider, hash, fromHex(t.msg));
        const ok = rsaVerifyPkcs1v15(entry.pub, hash, h, fromHex(t.sig), engine);
        const where = `${file} tcId ${t.tcId} (${t.comment}; ${t.flags.join(',')})`;
        const want = t.result === 'valid' || (t.result === 'acceptable' && !t.flags.includes('MissingNull') && sigGen);
        assert.is(ok, want, where);
        if (ok) accepted++;
        else rejected++;
        // Signing reproduces the file's signature (deterministic); four per file keep this fast.
        if (sigGen && ok && signed < 4) {
          assert.is(toHex(rsaSignPkcs1v15(entry.priv!, hash, h, rnd, engine)), t.sig, `our signature differs: ${where}`);
          signed++;
        }
      }
      assert.is(accepted + rejected, data.numberOfTests);
      console.log(`wycheproof ${file} (${label}): ${accepted} accepted, ${rejected} rejected, ${signed} signatures reproduced`);
    });
  }

  for (const file of encFiles) {
    test(`wycheproof ${file}: the ${label}'s private operation decrypts the valid ciphertexts and refuses c >= n`, () => {
      const data = loadWycheproof<EncGroup>(file);
      let valid = 0;
      let invalid = 0;
      for (const group of data.testGroups) {
        const priv = importPrivateKey(group.privateKeyPem) as RsaPrivateKey;
        const k = rsaPublicKeyOf(priv).modulus.length;
        for (const t of group.tests) {
          const ct = fromHex(t.ct);
          let em: Uint8Array | undefined;
          try {
            em = ct.length === k ? engine.rsaPrivate(priv, ct) : undefined;
          } catch {
            em = undefined;
          }
          const sep = em && em[0] === 0 && em[1] === 2 ? em.indexOf(0, 2) : -1;
          const msg = em && sep >= 10 ? toHex(em.subarray(sep + 1)) : undefined;
          if (t.result === 'valid') {
            assert.is(msg, t.msg, `${file} tcId ${t.tcId}`);
            valid++;
          } else {
            assert.is(msg, undefined, `invalid ciphertext accepted: ${file} tcId ${t.tcId}`);
            invalid++;
          }
        }
      }
      assert.is(valid + invalid, data.numberOfTests);
      console.log(`wycheproof ${file} (${label}): ${valid} valid decrypted, ${invalid} invalid refused`);
    });
  }
}
