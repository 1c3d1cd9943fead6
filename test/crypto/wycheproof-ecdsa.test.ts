/**
 * Wycheproof ECDSA (DER signatures) for P-256, P-384 and P-521, through verifySignature so
 * the provider hashing and the dispatch are covered too. These files have no "acceptable"
 * cases; every BER/DER malleability case is "invalid" and must be rejected.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDefaultProvider, type HashName } from '../../hw/index.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { importPublicKey, parseSubjectPublicKeyInfo } from '../../src/crypto/keys.js';
import { verifySignature } from '../../src/crypto/signature.js';
import { loadWycheproof, wycheproofCases, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';

const provider = getDefaultProvider();
const HASHES: Record<string, HashName> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const CURVE: Record<string, string> = { secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../vectors/wycheproof');
const files = readdirSync(DIR).filter((f) => /^ecdsa_.*_test\.json$/.test(f)).sort();

interface EcTest extends WycheproofTest { msg: string; sig: string }
interface EcGroup extends WycheproofGroup<EcTest> { sha: string; publicKeyDer: string; publicKeyPem: string; publicKey: { curve: string; uncompressed: string } }

test('the expected ECDSA vector files are present', () => {
  assert.is(files.length, 6);
});

for (const file of files) {
  test(`wycheproof ${file}`, () => {
    const data = loadWycheproof<EcGroup>(file);
    let valid = 0;
    let invalid = 0;
    for (const group of data.testGroups) {
      const key = parseSubjectPublicKeyInfo(fromHex(group.publicKeyDer));
      assert.is(key.type, 'ec');
      if (key.type !== 'ec') continue;
      assert.is(key.curve, CURVE[group.publicKey.curve]);
      assert.is(toHex(key.point), group.publicKey.uncompressed);
      assert.equal(importPublicKey(group.publicKeyPem), key);
      const hash = HASHES[group.sha]!;
      for (const t of group.tests) {
        const ok = verifySignature(provider, key, hash, fromHex(t.msg), fromHex(t.sig));
        const where = `${file} tcId ${t.tcId} (${t.comment}; ${t.flags.join(',')})`;
        if (t.result === 'valid') {
          assert.ok(ok, `valid signature rejected: ${where}`);
          valid++;
        } else {
          assert.is(t.result, 'invalid', `unexpected acceptable case ${where}`);
          assert.not.ok(ok, `invalid signature accepted: ${where}`);
          invalid++;
        }
      }
    }
    let total = 0;
    for (const _ of wycheproofCases(data)) total++;
    assert.is(valid + invalid, total);
    console.log(`wycheproof ${file}: ${valid} valid ok, ${invalid} invalid rejected, 0 acceptable (none in file), 0 skipped`);
  });
}

test.run();
