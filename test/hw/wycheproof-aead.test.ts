/**
 * Wycheproof AES-GCM and AES-CCM against every provider, at the sizes TLS uses: 12-byte
 * nonces; 16-byte tags (GCM, CCM) and 8-byte tags (CCM_8). Other sizes are counted as skipped
 * here; hw/ccm.ts itself is run over all CCM sizes in ccm.test.ts.
 *
 * Result policy (also in test/vectors/README.md):
 *  - valid: seal() must give exactly ct||tag, open() must give msg back, and open() of the
 *    same record with one tag bit flipped must give null.
 *  - invalid: open() must return null (or the cipher refuse the parameters with a
 *    MicroTlsError); seal() of msg must not reproduce the given ct||tag.
 *  - acceptable: either outcome is allowed, but every provider must reach the same one
 *    for a given tcId (checked across providers). These files currently contain none.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import type { AeadCipher, FullCryptoProvider } from '../../hw/index.js';
import { checkAcceptableConsistency, loadWycheproof, wycheproofCases, WycheproofTally, type AeadGroup, type AeadTest } from '../vectors/wycheproof.js';
import { providersUnderTest } from './providers.js';

type Outcome = 'accepted' | 'rejected';

function tryOpen(make: () => AeadCipher, t: AeadTest): Outcome {
  try {
    const opened = make().open(fromHex(t.iv), fromHex(t.ct + t.tag), fromHex(t.aad));
    return opened !== null && toHex(opened) === t.msg ? 'accepted' : 'rejected';
  } catch (e) {
    if (e instanceof MicroTlsError) return 'rejected';
    throw e;
  }
}

function runFile(fileName: string, label: string, p: FullCryptoProvider, make: (g: AeadGroup, key: Uint8Array) => AeadCipher | string): WycheproofTally {
  const file = loadWycheproof<AeadGroup>(fileName);
  const tally = new WycheproofTally(fileName, label);
  for (const { group, test: t } of wycheproofCases(file)) {
    const key = fromHex(t.key);
    const skip = make(group, key);
    if (typeof skip === 'string') {
      tally.skip(skip);
      continue;
    }
    const factory = () => make(group, key) as AeadCipher;
    const where = `${fileName} tcId ${t.tcId} [${label}] ${t.comment}`;
    const nonce = fromHex(t.iv);
    const aad = fromHex(t.aad);
    const sealedExpected = t.ct + t.tag;
    if (t.result === 'valid') {
      const aead = factory();
      assert.is(toHex(aead.seal(nonce, fromHex(t.msg), aad)), sealedExpected, `${where}: seal`);
      const opened = aead.open(nonce, fromHex(sealedExpected), aad);
      assert.ok(opened, `${where}: open rejected a valid record`);
      assert.is(toHex(opened!), t.msg, `${where}: open`);
      const tampered = fromHex(sealedExpected);
      tampered[tampered.length - 1]! ^= 0x01;
      assert.is(aead.open(nonce, tampered, aad), null, `${where}: tampered tag accepted`);
      tally.valid++;
    } else if (t.result === 'invalid') {
      assert.is(tryOpen(factory, t), 'rejected', `${where}: invalid record accepted`);
      try {
        assert.is.not(toHex(factory().seal(nonce, fromHex(t.msg), aad)), sealedExpected, `${where}: seal reproduced an invalid record`);
      } catch (e) {
        if (!(e instanceof MicroTlsError)) throw e;
      }
      tally.invalid++;
    } else {
      checkAcceptableConsistency(fileName, t.tcId, label, tryOpen(factory, t));
      tally.acceptable++;
    }
  }
  assert.is(tally.valid + tally.invalid + tally.acceptable + tally.skippedTotal, file.numberOfTests);
  assert.ok(tally.valid > 50 && tally.invalid > 10, `${fileName} [${label}]: too few cases ran`);
  console.log(tally.line());
  return tally;
}

for (const { label, provider } of providersUnderTest()) {
  test(`AES-GCM Wycheproof [${label}]`, () => {
    runFile('aes_gcm_test.json', label, provider, (g, key) =>
      g.ivSize !== 96 ? 'nonce != 12' : g.tagSize !== 128 ? 'tag != 16' : provider.aesGcm(key));
  });

  test(`AES-CCM Wycheproof [${label}]`, () => {
    runFile('aes_ccm_test.json', label, provider, (g, key) =>
      g.ivSize !== 96 ? 'nonce != 12' : g.tagSize === 128 ? provider.aesCcm(key, 16) : g.tagSize === 64 ? provider.aesCcm(key, 8) : 'tag not 8/16');
  });

  test(`AEAD rejects truncated and empty records [${label}]`, () => {
    const key = new Uint8Array(16);
    const nonce = new Uint8Array(12);
    for (const aead of [provider.aesGcm(key), provider.aesCcm(key, 16), provider.aesCcm(key, 8)]) {
      const sealed = aead.seal(nonce, new Uint8Array(5), new Uint8Array(0));
      assert.is(sealed.length, 5 + aead.tagLength);
      assert.is(aead.open(nonce, sealed.subarray(0, aead.tagLength - 1), new Uint8Array(0)), null);
      assert.is(aead.open(nonce, new Uint8Array(0), new Uint8Array(0)), null);
      // Same record, different AAD: must not verify.
      assert.is(aead.open(nonce, sealed, new Uint8Array([1])), null);
    }
  });
}

test.run();
