/**
 * ECDSA without BigInt (ecdsa-limb.ts): every case of every Wycheproof ECDSA file, through
 * src/crypto's ecdsaVerify (strict DER parse) with the limb backend as the provider's
 * ecdsaVerify, must give the file's verdict and the same verdict as the noble path. Also the
 * point decoding used at key import, against noble's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDefaultProvider, digest, type HashName } from '../../hw/index.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { parseSubjectPublicKeyInfo } from '../../src/crypto/keys.js';
import { ecdsaVerify } from '../../src/crypto/ecdsa.js';
import { createLimbPkProvider } from '../../src/crypto/limb-provider.js';
import * as limbEc from '../../src/crypto/ecdsa-limb.js';
import * as nobleEc from '../../src/crypto/ecdsa-noble.js';
import type { EcCurveName } from '../../src/crypto/key-types.js';
import { loadWycheproof, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';

const provider = getDefaultProvider();
const limb = createLimbPkProvider((n) => new Uint8Array(crypto.randomBytes(n)));
const HASHES: Record<string, HashName> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../vectors/wycheproof');
const files = readdirSync(DIR).filter((f) => /^ecdsa_.*_test\.json$/.test(f)).sort();

interface EcTest extends WycheproofTest { msg: string; sig: string }
interface EcGroup extends WycheproofGroup<EcTest> { sha: string; publicKeyDer: string }

test('the ECDSA vector files are present', () => {
  assert.is(files.length, 6);
});

for (const file of files) {
  test(`wycheproof ${file} on the limb backend, same verdict as noble`, () => {
    const data = loadWycheproof<EcGroup>(file);
    let valid = 0;
    let invalid = 0;
    for (const group of data.testGroups) {
      const key = parseSubjectPublicKeyInfo(fromHex(group.publicKeyDer));
      if (key.type !== 'ec') throw new Error('not an EC key');
      const hash = HASHES[group.sha]!;
      for (const t of group.tests) {
        const h = digest(provider, hash, fromHex(t.msg));
        const sig = fromHex(t.sig);
        const ours = ecdsaVerify(key, h, sig, limb);
        const noble = ecdsaVerify(key, h, sig);
        const where = `${file} tcId ${t.tcId} (${t.comment})`;
        assert.is(ours, noble, `limb and noble disagree: ${where}`);
        assert.is(ours, t.result === 'valid', where);
        if (ours) valid++;
        else invalid++;
      }
    }
    assert.is(valid + invalid, data.numberOfTests);
    console.log(`wycheproof ${file} (limb): ${valid} valid ok, ${invalid} invalid rejected, 0 skipped`);
  });
}

test('point decoding (compressed and uncompressed) matches noble, and off-curve points are refused', () => {
  for (const curve of ['P-256', 'P-384', 'P-521'] as EcCurveName[]) {
    for (let i = 0; i < 6; i++) {
      const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
      const jwk = publicKey.export({ format: 'jwk' });
      const x = new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
      const y = new Uint8Array(Buffer.from(jwk.y!, 'base64url'));
      const uncompressed = new Uint8Array([4, ...x, ...y]);
      const compressed = new Uint8Array([2 + (y[y.length - 1]! & 1), ...x]);
      assert.is(toHex(limbEc.ecPointUncompressed(curve, compressed)), toHex(uncompressed));
      assert.is(toHex(limbEc.ecPointUncompressed(curve, uncompressed)), toHex(nobleEc.ecPointUncompressed(curve, uncompressed)));
      const off = new Uint8Array(uncompressed);
      off[off.length - 1]! ^= 1;
      assert.throws(() => limbEc.ecPointUncompressed(curve, off), /not on the curve/);
      assert.throws(() => nobleEc.ecPointUncompressed(curve, off));
    }
  }
});

test.run();
