import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { getDefaultProvider, digest, type HashName } from '../../hw/index.js';
import { toHex } from '../../src/encoding/bytes.js';
import { importPrivateKey, importPublicKey, rsaPublicKeyOf, type RsaPrivateKey } from '../../src/crypto/keys.js';
import { rsaEncryptPkcs1v15, rsaSignPkcs1v15, rsaVerifyPkcs1v15 } from '../../src/crypto/rsa.js';
import { verifySignature } from '../../src/crypto/signature.js';
import { thrownCodeName as codeOf } from '../helpers/thrown.js';

const provider = getDefaultProvider();
const rnd = (n: number): Uint8Array => new Uint8Array(crypto.randomBytes(n));
const HASHES: HashName[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];


const pairs = new Map<number, { node: crypto.KeyPairKeyObjectResult; priv: RsaPrivateKey }>();
function pair(bits: number) {
  let p = pairs.get(bits);
  if (!p) {
    const node = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
    p = { node, priv: importPrivateKey(node.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string) };
    pairs.set(bits, p);
  }
  return p;
}

for (const bits of [1024, 2048, 3072]) {
  test(`RSA-${bits}: our signatures verify with node:crypto and node's with ours, every hash`, () => {
    const { node, priv } = pair(bits);
    const pub = importPublicKey(node.publicKey.export({ type: 'spki', format: 'der' }) as Buffer);
    assert.equal(pub, rsaPublicKeyOf(priv));
    for (const hash of HASHES) {
      const msg = rnd(100);
      const h = digest(provider, hash, msg);
      const ours = rsaSignPkcs1v15(priv, hash, h, rnd);
      assert.ok(crypto.verify(hash, msg, node.publicKey, ours), `node verifies our ${hash}`);
      const theirs = new Uint8Array(crypto.sign(hash, msg, node.privateKey));
      assert.is(toHex(ours), toHex(theirs), 'PKCS#1 v1.5 is deterministic');
      assert.ok(rsaVerifyPkcs1v15(rsaPublicKeyOf(priv), hash, h, theirs));
      assert.ok(verifySignature(provider, pub, hash, msg, theirs));
      // Tampering anywhere fails.
      for (const pos of [0, 1, theirs.length >> 1, theirs.length - 1]) {
        const bad = theirs.slice();
        bad[pos] ^= 0x01;
        assert.not.ok(rsaVerifyPkcs1v15(rsaPublicKeyOf(priv), hash, h, bad), `tampered byte ${pos}`);
      }
      const otherMsg = msg.slice();
      otherMsg[0] ^= 1;
      assert.not.ok(verifySignature(provider, pub, hash, otherMsg, theirs));
    }
  });
}

test('verify returns false (never throws) on malformed input', () => {
  const { priv } = pair(2048);
  const pub = rsaPublicKeyOf(priv);
  const h = digest(provider, 'sha256', rnd(10));
  const sig = rsaSignPkcs1v15(priv, 'sha256', h, rnd);
  assert.ok(rsaVerifyPkcs1v15(pub, 'sha256', h, sig));
  assert.not.ok(rsaVerifyPkcs1v15(pub, 'sha384', h, sig), 'digest of the wrong length for the hash');
  assert.not.ok(rsaVerifyPkcs1v15(pub, 'sha512', digest(provider, 'sha512', rnd(1)), sig), 'other hash');
  assert.not.ok(rsaVerifyPkcs1v15(pub, 'nope' as HashName, h, sig));
  assert.not.ok(rsaVerifyPkcs1v15(pub, 'sha256', h, sig.subarray(1)), 'short signature');
  assert.not.ok(rsaVerifyPkcs1v15(pub, 'sha256', h, Uint8Array.from([0, ...sig])), 'long signature');
  assert.not.ok(rsaVerifyPkcs1v15(pub, 'sha256', h, pub.modulus.slice()), 's = n');
  assert.not.ok(rsaVerifyPkcs1v15(pub, 'sha256', h, new Uint8Array(sig.length).fill(0xff)), 's > n');
  assert.not.ok(rsaVerifyPkcs1v15(pub, 'sha256', h, new Uint8Array(sig.length)), 's = 0');
  assert.not.ok(rsaVerifyPkcs1v15({ ...pub, modulus: new Uint8Array(0) }, 'sha256', h, new Uint8Array(0)), 'empty modulus');
});

test('signing refuses bad input and never releases a faulty signature', () => {
  const { priv } = pair(1024);
  const h = digest(provider, 'sha256', rnd(10));
  assert.is(codeOf(() => rsaSignPkcs1v15(priv, 'sha256', h.subarray(1), rnd)), 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA');
  assert.is(codeOf(() => rsaSignPkcs1v15(priv, 'nope' as HashName, h, rnd)), 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA');
  // A wrong CRT exponent stands in for a fault during one CRT half.
  const faulty: RsaPrivateKey = { ...priv, exponent1: pair(2048).priv.exponent1.subarray(0, 64) };
  assert.is(codeOf(() => rsaSignPkcs1v15(faulty, 'sha256', h, rnd)), 'MBEDTLS_ERR_RSA_PRIVATE_FAILED');
  // A 512-bit-like key too short for SHA-512's DigestInfo.
  const small = crypto.generateKeyPairSync('rsa', { modulusLength: 512 });
  const k512 = importPrivateKey(small.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
  assert.is(codeOf(() => rsaSignPkcs1v15(k512, 'sha512', digest(provider, 'sha512', h), rnd)), 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA');
});

test('blinding survives many signatures with one key (refresh and squaring paths)', () => {
  const { node, priv } = pair(1024);
  for (let i = 0; i < 150; i++) {
    const msg = rnd(20);
    const sig = rsaSignPkcs1v15(priv, 'sha256', digest(provider, 'sha256', msg), rnd);
    assert.ok(crypto.verify('sha256', msg, node.publicKey, sig));
  }
});

test('encryption: node decrypts ours; padding is fresh and non-zero; bad input and RNG refused', () => {
  const { node, priv } = pair(2048);
  const pub = rsaPublicKeyOf(priv);
  const k = pub.modulus.length;
  const msg = rnd(48);
  const c1 = rsaEncryptPkcs1v15(pub, msg, rnd);
  const c2 = rsaEncryptPkcs1v15(pub, msg, rnd);
  assert.is.not(toHex(c1), toHex(c2));
  for (const c of [c1, c2]) {
    const em = new Uint8Array(crypto.privateDecrypt({ key: node.privateKey, padding: crypto.constants.RSA_NO_PADDING }, c));
    assert.is(em[0], 0);
    assert.is(em[1], 2);
    const ps = em.subarray(2, k - msg.length - 1);
    assert.ok(ps.every((b) => b !== 0), 'PS has no zero byte');
    assert.is(em[k - msg.length - 1], 0);
    assert.is(toHex(em.subarray(k - msg.length)), toHex(msg));
  }
  // An RNG full of zeros is replaced, not trusted; one that never yields non-zero fails.
  let calls = 0;
  const mostlyZero = (n: number) => (calls++ % 2 === 0 ? new Uint8Array(n) : rnd(n));
  rsaEncryptPkcs1v15(pub, msg, mostlyZero);
  assert.is(codeOf(() => rsaEncryptPkcs1v15(pub, msg, (n) => new Uint8Array(n))), 'MBEDTLS_ERR_RSA_RNG_FAILED');
  assert.is(codeOf(() => rsaEncryptPkcs1v15(pub, msg, (n) => rnd(n - 1))), 'MBEDTLS_ERR_RSA_RNG_FAILED');
  assert.is(codeOf(() => rsaEncryptPkcs1v15(pub, new Uint8Array(k - 10), rnd)), 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA');
  // The TLS premaster secret (48 bytes) round-trips through node's own PKCS#1 decryption of
  // the raw block, as in the RSA key exchange.
  assert.is(rsaEncryptPkcs1v15(pub, new Uint8Array(k - 11), rnd).length, k);
});

test.run();
