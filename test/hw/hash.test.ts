/** Incremental hashing, clone() and known answers, for every provider. node:crypto is the oracle. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { asciiEncode, toHex } from '../../src/encoding/bytes.js';
import { digest, hmacOnce, type HashName } from '../../hw/index.js';
import { providersUnderTest } from './providers.js';
import { thrownCodeName } from '../helpers/thrown.js';

const ALGS: readonly HashName[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/** 257 bytes: crosses the 64- and 128-byte block boundaries and both padding edge cases. */
const MESSAGE = Uint8Array.from({ length: 257 }, (_, i) => (i * 131 + 7) & 0xff);

const oracle = (alg: HashName, data: Uint8Array) => createHash(alg).update(data).digest('hex');

for (const { label, provider, unsupportedHashes = [] } of providersUnderTest()) {
  const algs = ALGS.filter((a) => !unsupportedHashes.includes(a));
  const md5 = !unsupportedHashes.includes('md5');

  if (unsupportedHashes.length) {
    test(`refused hashes fail with MD_FEATURE_UNAVAILABLE [${label}]`, () => {
      for (const alg of unsupportedHashes) assert.is(thrownCodeName(() => provider.hash(alg)), 'MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE', alg);
    });
  }

  test(`two-part update split at every boundary equals one-shot [${label}]`, () => {
    for (const alg of algs) {
      const expected = oracle(alg, MESSAGE);
      assert.is(toHex(digest(provider, alg, MESSAGE)), expected, `${alg} one-shot`);
      for (let i = 0; i <= MESSAGE.length; i++) {
        const got = provider.hash(alg).update(MESSAGE.subarray(0, i)).update(MESSAGE.subarray(i)).digest();
        assert.is(toHex(got), expected, `${alg} split at ${i}`);
      }
    }
  });

  test(`byte-at-a-time and empty updates [${label}]`, () => {
    for (const alg of algs) {
      const h = provider.hash(alg).update(new Uint8Array(0));
      for (const b of MESSAGE.subarray(0, 130)) h.update(Uint8Array.of(b)).update(new Uint8Array(0));
      assert.is(toHex(h.digest()), oracle(alg, MESSAGE.subarray(0, 130)), alg);
    }
  });

  test(`clone() is independent of the original [${label}]`, () => {
    for (const alg of algs) {
      const a = provider.hash(alg).update(MESSAGE.subarray(0, 100));
      const b = a.clone();
      const c = b.clone();
      a.update(MESSAGE.subarray(100, 200));
      b.update(MESSAGE.subarray(100, 101));
      // c untouched since cloning: it must still be at 100 bytes whatever a and b did.
      assert.is(toHex(c.digest()), oracle(alg, MESSAGE.subarray(0, 100)), `${alg} c`);
      assert.is(toHex(b.digest()), oracle(alg, MESSAGE.subarray(0, 101)), `${alg} b`);
      assert.is(toHex(a.digest()), oracle(alg, MESSAGE.subarray(0, 200)), `${alg} a`);
    }
  });

  test(`update() does not keep a reference to the caller's buffer [${label}]`, () => {
    for (const alg of algs) {
      const buf = MESSAGE.slice(0, 64);
      const h = provider.hash(alg).update(buf);
      buf.fill(0);
      assert.is(toHex(h.digest()), oracle(alg, MESSAGE.subarray(0, 64)), alg);
    }
  });

  test(`MD5 and SHA-224 known answers [${label}]`, () => {
    // RFC 1321 A.5 and FIPS 180-2 / RFC 3874 examples.
    if (md5) {
      assert.is(toHex(digest(provider, 'md5', new Uint8Array(0))), 'd41d8cd98f00b204e9800998ecf8427e');
      assert.is(toHex(digest(provider, 'md5', asciiEncode('abc'))), '900150983cd24fb0d6963f7d28e17f72');
      assert.is(toHex(digest(provider, 'md5', asciiEncode('12345678901234567890123456789012345678901234567890123456789012345678901234567890'))),
        '57edf4a22be3c955ac49da2e2107b67a');
    }
    assert.is(toHex(digest(provider, 'sha224', asciiEncode('abc'))), '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7');
    assert.is(toHex(digest(provider, 'sha224', asciiEncode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
      '75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525');
    assert.is(toHex(digest(provider, 'sha224', new Uint8Array(0))), 'd14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f');
  });

  test(`HMAC with a key longer than the block, incremental [${label}]`, () => {
    // RFC 4231 test case 6.
    const key = new Uint8Array(131).fill(0xaa);
    const msg = asciiEncode('Test Using Larger Than Block-Size Key - Hash Key First');
    assert.is(toHex(hmacOnce(provider, 'sha256', key, msg)), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
    const m = provider.hmac('sha256', key);
    for (let i = 0; i < msg.length; i += 7) m.update(msg.subarray(i, i + 7));
    assert.is(toHex(m.digest()), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54');
    // MD5 HMAC (RFC 2104 test 2), which no Wycheproof file covers.
    if (md5) {
      assert.is(toHex(hmacOnce(provider, 'md5', asciiEncode('Jefe'), asciiEncode('what do ya want for nothing?'))),
        '750c783e6ab0b503eaa86e310a5db738');
    }
  });
}

test.run();
