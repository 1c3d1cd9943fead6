import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { getDefaultProvider, HASH_INFO } from '../../hw/index.js';
import { importPublicKey } from '../../src/crypto/keys.js';
import { ecdsaVerify } from '../../src/crypto/ecdsa.js';
import { verifySignature } from '../../src/crypto/signature.js';
import { SIGNATURE_SCHEMES, signatureSchemeByCode } from '../../src/crypto/signature-schemes.js';
import { DIGEST_INFO_PREFIX } from '../../src/crypto/digest-info.js';
import { toHex } from '../../src/encoding/bytes.js';

const provider = getDefaultProvider();

test('signature scheme table: the manual\'s ten, in its order', () => {
  assert.equal(SIGNATURE_SCHEMES.map((s) => s.code), [0x0603, 0x0601, 0x0503, 0x0501, 0x0403, 0x0401, 0x0303, 0x0301, 0x0203, 0x0201]);
  for (const s of SIGNATURE_SCHEMES) {
    // Low byte: 1 = rsa, 3 = ecdsa; high byte: 2 sha1, 3 sha224, 4 sha256, 5 sha384, 6 sha512 (RFC 5246 7.4.1.4.1).
    assert.is(s.key, (s.code & 0xff) === 1 ? 'rsa' : 'ec');
    assert.is(s.hash, ({ 2: 'sha1', 3: 'sha224', 4: 'sha256', 5: 'sha384', 6: 'sha512' } as const)[(s.code >> 8) as 2 | 3 | 4 | 5 | 6]);
  }
  assert.is(signatureSchemeByCode(0x0401)?.name, 'rsa_pkcs1_sha256');
  assert.is(signatureSchemeByCode(0x0804), undefined);
});

test('DigestInfo prefixes end with the digest length and match node\'s encoding', () => {
  for (const [hash, prefix] of Object.entries(DIGEST_INFO_PREFIX)) {
    assert.is(prefix[prefix.length - 1], HASH_INFO[hash as keyof typeof HASH_INFO].outputLength);
    assert.is(prefix[1], prefix.length - 2 + HASH_INFO[hash as keyof typeof HASH_INFO].outputLength);
  }
  // Recover node's DigestInfo for sha256 from a raw public decryption of its signature.
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
  for (const hash of ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const) {
    const sig = crypto.sign(hash, Buffer.from('x'), privateKey);
    const em = crypto.publicDecrypt({ key: publicKey, padding: crypto.constants.RSA_NO_PADDING }, sig);
    const d = crypto.createHash(hash).update('x').digest();
    const prefix = DIGEST_INFO_PREFIX[hash];
    assert.is(em.subarray(em.length - d.length - prefix.length, em.length - d.length).toString('hex'), toHex(prefix), hash);
  }
});

for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384'], ['P-521', 'sha512'], ['P-256', 'sha1'], ['P-521', 'sha256'], ['P-256', 'sha512']] as const) {
  test(`ECDSA ${curve} with ${hash}: node's signatures verify, tampering fails`, () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
    const key = importPublicKey(publicKey.export({ type: 'spki', format: 'pem' }) as string);
    for (let i = 0; i < 5; i++) {
      const msg = crypto.randomBytes(50);
      const sig = new Uint8Array(crypto.sign(hash, msg, privateKey));
      assert.ok(verifySignature(provider, key, hash, msg, sig));
      const bad = sig.slice();
      bad[bad.length - 1] ^= 1;
      assert.not.ok(verifySignature(provider, key, hash, msg, bad));
      assert.not.ok(verifySignature(provider, key, hash, msg.subarray(1), sig));
      assert.not.ok(verifySignature(provider, key, hash, msg, Uint8Array.from([...sig, 0])), 'trailing byte');
    }
  });
}

test('ECDSA never throws on junk', () => {
  const key = importPublicKey(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
  if (key.type !== 'ec') throw new Error('expected EC');
  for (const junk of [new Uint8Array(0), Uint8Array.of(0x30), Uint8Array.of(0x30, 0x00), Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01), new Uint8Array(72).fill(0xff)]) {
    assert.not.ok(ecdsaVerify(key, new Uint8Array(32), junk));
  }
  assert.not.ok(ecdsaVerify({ ...key, point: new Uint8Array(65) }, new Uint8Array(32), Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01)));
  assert.not.ok(verifySignature(provider, key, 'sha3' as 'sha256', new Uint8Array(1), Uint8Array.of(0x30, 0x00)), 'unknown hash');
  assert.not.ok(ecdsaVerify({ ...key, curve: 'P-999' as 'P-256' }, new Uint8Array(32), Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01)));
});

test.run();
