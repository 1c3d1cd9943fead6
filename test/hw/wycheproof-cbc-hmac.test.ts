/**
 * Wycheproof AES-CBC-PKCS5 and HMAC-SHA1/256/384/512 against every provider.
 *
 * CBC: the provider does no padding (TLS does its own), so the test pads/unpads PKCS#5.
 *  - valid: encrypt(pad(msg)) must equal ct and unpad(decrypt(ct)) must equal msg.
 *  - invalid (bad padding, empty ciphertext): decrypt(ct) must not throw for whole blocks,
 *    and the strict unpadding must reject what it returns; this checks the provider does not
 *    strip or "fix" padding on its own.
 * HMAC: the full tag is computed; for truncated-tag groups (tagSize < output) its prefix is
 * compared. valid: equal; invalid (modified tag): not equal. No acceptable cases exist in
 * these files; the policy for them is in test/vectors/README.md.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { concatBytes, constantTimeEqual, fromHex, toHex } from '../../src/encoding/bytes.js';
import type { HashName } from '../../hw/index.js';
import { checkAcceptableConsistency, loadWycheproof, wycheproofCases, WycheproofTally, type IndCpaGroup, type MacGroup } from '../vectors/wycheproof.js';
import { providersUnderTest } from './providers.js';

function pkcs5Pad(m: Uint8Array): Uint8Array {
  const n = 16 - (m.length % 16);
  return concatBytes(m, new Uint8Array(n).fill(n));
}

function pkcs5Unpad(p: Uint8Array): Uint8Array | null {
  if (p.length === 0 || p.length % 16 !== 0) return null;
  const n = p[p.length - 1]!;
  if (n < 1 || n > 16) return null;
  for (let i = p.length - n; i < p.length; i++) if (p[i] !== n) return null;
  return p.subarray(0, p.length - n);
}

const HMAC_FILES: ReadonlyArray<[string, HashName]> = [
  ['hmac_sha1_test.json', 'sha1'],
  ['hmac_sha256_test.json', 'sha256'],
  ['hmac_sha384_test.json', 'sha384'],
  ['hmac_sha512_test.json', 'sha512'],
];

for (const { label, provider } of providersUnderTest()) {
  test(`AES-CBC Wycheproof [${label}]`, () => {
    const fileName = 'aes_cbc_pkcs5_test.json';
    const file = loadWycheproof<IndCpaGroup>(fileName);
    const tally = new WycheproofTally(fileName, label);
    for (const { test: t } of wycheproofCases(file)) {
      const where = `${fileName} tcId ${t.tcId} [${label}] ${t.comment}`;
      const cbc = provider.aesCbc(fromHex(t.key));
      const iv = fromHex(t.iv);
      const ct = fromHex(t.ct);
      if (t.result === 'valid') {
        assert.is(toHex(cbc.encrypt(iv, pkcs5Pad(fromHex(t.msg)))), t.ct, `${where}: encrypt`);
        const plain = pkcs5Unpad(cbc.decrypt(iv, ct));
        assert.ok(plain, `${where}: padding of a valid ciphertext rejected`);
        assert.is(toHex(plain!), t.msg, `${where}: decrypt`);
        tally.valid++;
      } else if (t.result === 'invalid') {
        if (ct.length % 16 !== 0) tally.skip('not whole blocks');
        else {
          assert.is(pkcs5Unpad(cbc.decrypt(iv, ct)), null, `${where}: bad padding accepted`);
          tally.invalid++;
        }
      } else {
        const plain = ct.length % 16 === 0 ? pkcs5Unpad(cbc.decrypt(iv, ct)) : null;
        checkAcceptableConsistency(fileName, t.tcId, label, plain && toHex(plain) === t.msg ? 'accepted' : 'rejected');
        tally.acceptable++;
      }
    }
    assert.is(tally.valid + tally.invalid + tally.acceptable + tally.skippedTotal, file.numberOfTests);
    assert.ok(tally.valid > 50 && tally.invalid > 50, `${fileName} [${label}]: too few cases ran`);
    console.log(tally.line());
  });

  for (const [fileName, alg] of HMAC_FILES) {
    test(`HMAC-${alg} Wycheproof [${label}]`, () => {
      const file = loadWycheproof<MacGroup>(fileName);
      const tally = new WycheproofTally(fileName, label);
      let truncated = 0;
      for (const { group, test: t } of wycheproofCases(file)) {
        const where = `${fileName} tcId ${t.tcId} [${label}] ${t.comment}`;
        const full = provider.hmac(alg, fromHex(t.key)).update(fromHex(t.msg)).digest();
        const expected = fromHex(t.tag);
        assert.is(expected.length * 8, group.tagSize, `${where}: vector tag length`);
        if (expected.length < full.length) truncated++;
        const match = constantTimeEqual(full.subarray(0, expected.length), expected);
        if (t.result === 'valid') {
          assert.ok(match, `${where}: tag mismatch`);
          tally.valid++;
        } else if (t.result === 'invalid') {
          assert.not.ok(match, `${where}: modified tag accepted`);
          tally.invalid++;
        } else {
          checkAcceptableConsistency(fileName, t.tcId, label, match ? 'accepted' : 'rejected');
          tally.acceptable++;
        }
      }
      assert.is(tally.valid + tally.invalid + tally.acceptable + tally.skippedTotal, file.numberOfTests);
      assert.ok(tally.valid > 20 && tally.invalid > 20 && truncated > 0, `${fileName} [${label}]: too few cases ran`);
      console.log(tally.line());
    });
  }
}

test.run();
