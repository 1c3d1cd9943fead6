/**
 * The XS bundle's ECDSA (ecdsa-bigint.ts, on the engine's BigInt): every case of every
 * Wycheproof ECDSA file, through src/crypto's ecdsaVerify (strict DER parse) with this module
 * as the provider's ecdsaVerify, must give the file's verdict (noble's path meets the same
 * files in wycheproof-ecdsa.test.ts).
 * Also random signatures from node:crypto, and the point decoding used at key import.
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
import { derToCompact, ecdsaVerify } from '../../src/crypto/ecdsa.js';
import * as bigEc from '../../src/crypto/ecdsa-bigint.js';
import * as nobleEc from '../../src/crypto/ecdsa-noble.js';
import type { EcCurveName, EcPublicKey } from '../../src/crypto/key-types.js';
import { loadWycheproof, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';

const provider = getDefaultProvider();
const HASHES: Record<string, HashName> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const SIZE: Record<EcCurveName, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../vectors/wycheproof');
const files = readdirSync(DIR).filter((f) => /^ecdsa_.*_test\.json$/.test(f)).sort();

/** ecdsa-bigint.ts behind the provider hook, so ecdsa.ts's DER parse runs first as it does in the bundle. */
const bigint = {
  ecdsaVerify: (curve: EcCurveName, point: Uint8Array, h: Uint8Array, der: Uint8Array): boolean => {
    const rs = derToCompact(der, SIZE[curve]);
    return rs !== undefined && bigEc.ecdsaVerifyCompact(curve, point, h, rs);
  },
};

interface EcTest extends WycheproofTest { msg: string; sig: string }
interface EcGroup extends WycheproofGroup<EcTest> { sha: string; publicKeyDer: string }

test('the ECDSA vector files are present', () => {
  assert.is(files.length, 6);
});

for (const file of files) {
  test(`wycheproof ${file} on ecdsa-bigint`, () => {
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
        const ours = ecdsaVerify(key, h, sig, bigint);
        const where = `${file} tcId ${t.tcId} (${t.comment})`;
        assert.is(ours, t.result === 'valid', where);
        if (ours) valid++;
        else invalid++;
      }
    }
    assert.is(valid + invalid, data.numberOfTests);
    console.log(`wycheproof ${file} (ecdsa-bigint): ${valid} valid ok, ${invalid} invalid rejected, 0 skipped`);
  });
}

test('node:crypto signatures verify, and fail with the digest or the signature changed', () => {
  for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384'], ['P-521', 'sha512'], ['P-256', 'sha512'], ['P-521', 'sha256']] as [EcCurveName, HashName][]) {
    for (let i = 0; i < 8; i++) {
      const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
      const key = parseSubjectPublicKeyInfo(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }))) as EcPublicKey;
      const msg = crypto.randomBytes(40);
      const sig = new Uint8Array(crypto.sign(hash, msg, privateKey));
      const h = digest(provider, hash, msg);
      assert.ok(ecdsaVerify(key, h, sig, bigint), `${curve} ${hash} #${i}`);
      const h2 = h.slice();
      h2[i % h2.length]! ^= 1;
      assert.not.ok(ecdsaVerify(key, h2, sig, bigint), `${curve} changed digest #${i}`);
      const rs = derToCompact(sig, SIZE[curve])!;
      rs[rs.length - 1 - i]! ^= 0x10;
      assert.not.ok(bigEc.ecdsaVerifyCompact(curve, key.point, h, rs), `${curve} changed s #${i}`);
    }
  }
});

test('point decoding (compressed and uncompressed) matches noble, and off-curve points are refused', () => {
  for (const curve of ['P-256', 'P-384', 'P-521'] as EcCurveName[]) {
    for (let i = 0; i < 6; i++) {
      const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
      const jwk = publicKey.export({ format: 'jwk' });
      const x = new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
      const y = new Uint8Array(Buffer.from(jwk.y!, 'base64url'));
      const uncompressed = new Uint8Array([4, ...x, ...y]);
      const compressed = new Uint8Array([2 + (y[y.length - 1]! & 1), ...x]);
      assert.is(toHex(bigEc.ecPointUncompressed(curve, compressed)), toHex(uncompressed));
      assert.is(toHex(bigEc.ecPointUncompressed(curve, uncompressed)), toHex(nobleEc.ecPointUncompressed(curve, uncompressed)));
      const off = new Uint8Array(uncompressed);
      off[off.length - 1]! ^= 1;
      assert.throws(() => bigEc.ecPointUncompressed(curve, off), /not on the curve/);
      assert.throws(() => bigEc.ecPointUncompressed(curve, uncompressed.subarray(0, uncompressed.length - 1)), /not on the curve/);
      assert.throws(() => bigEc.ecPointUncompressed(curve, new Uint8Array(0)), /not on the curve/);
    }
  }
});

test.run();
