/**
 * The optional public-key provider operations: completeProvider passes them through and never
 * invents them, the counting provider counts them, the node provider's input errors are typed,
 * and src/crypto contains a faulty or throwing engine (no wrong signature released, verify
 * never throws).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { completeProvider, createCountingProvider, nobleProvider, type CryptoProvider } from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';
import { createEspruinoProvider } from '../../hw/espruino.js';
import { createEspruinoStandIn } from './espruino-standin.js';
import { toHex } from '../../src/encoding/bytes.js';
import { MicroTlsError } from '../../src/errors.js';
import { importPrivateKey, importPublicKey, rsaPublicKeyOf } from '../../src/crypto/keys.js';
import { rsaEncryptPkcs1v15, rsaSignPkcs1v15, rsaVerifyPkcs1v15 } from '../../src/crypto/rsa.js';
import { ecdsaVerify } from '../../src/crypto/ecdsa.js';
import { modExp } from '../../src/crypto/bigint.js';
import type { EcPublicKey, RsaPublicKey } from '../../src/crypto/key-types.js';
import { thrownCodeName } from '../helpers/thrown.js';

const PK_OPS = ['rsaPublic', 'rsaPrivate', 'ecdsaVerify', 'ecdsaVerifyMessage'] as const;
const rnd = (n: number): Uint8Array => new Uint8Array(crypto.randomBytes(n));

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
const priv = importPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const pub = rsaPublicKeyOf(priv);
const k = pub.modulus.length;
const digest = new Uint8Array(crypto.createHash('sha256').update('m').digest());


test('completeProvider passes the public-key operations through and does not invent them', () => {
  for (const p of [nobleProvider, createEspruinoProvider(createEspruinoStandIn()), { name: 'empty' }]) {
    const full = completeProvider(p);
    for (const op of PK_OPS) assert.not.ok(op in full, `${p.name}: ${op} must stay absent`);
  }
  const node = completeProvider(createNodeProvider());
  assert.type(node.rsaPublic, 'function');
  assert.type(node.rsaPrivate, 'function');
  assert.type(node.ecdsaVerifyMessage, 'function');
  assert.not.ok('ecdsaVerify' in node, 'node:crypto has no prehashed ECDSA verify');

  class Engine implements CryptoProvider {
    readonly name = 'engine';
    calls = 0;
    ecdsaVerify(): boolean {
      this.calls++; // `this` must be the engine: completeProvider binds.
      return false;
    }
  }
  const e = new Engine();
  const full = completeProvider(e);
  assert.is(full.ecdsaVerify!('P-256', new Uint8Array(65), new Uint8Array(32), new Uint8Array(8)), false);
  assert.is(e.calls, 1);
  assert.not.ok('ecdsaVerifyMessage' in full);

  class MessageEngine implements CryptoProvider {
    readonly name = 'message-engine';
    calls = 0;
    ecdsaVerifyMessage(): boolean {
      this.calls++;
      return false;
    }
  }
  const m = new MessageEngine();
  const fullM = completeProvider(m);
  assert.is(fullM.ecdsaVerifyMessage!('P-256', new Uint8Array(65), 'sha256', new Uint8Array(3), new Uint8Array(8)), false);
  assert.is(m.calls, 1);
  assert.not.ok('ecdsaVerify' in fullM);
});

test('the counting provider counts public-key operations per modulus size and curve, only when present', () => {
  const none = createCountingProvider(nobleProvider);
  for (const op of PK_OPS) assert.not.ok(op in none.provider, op);
  assert.equal(none.counts().publicKey, {
    rsaPublic: { calls: 0, byBits: {} }, rsaPrivate: { calls: 0, byBits: {} }, ecdsaVerify: { calls: 0, byCurve: {} },
    ecdsaVerifyMessage: { calls: 0, byCurve: {}, hashBlocks: {} },
  });

  const c = createCountingProvider({ ...createNodeProvider(), ecdsaVerify: () => true });
  const full = completeProvider(c.provider);
  const sig = rsaSignPkcs1v15(priv, 'sha256', digest, rnd, full);
  assert.ok(rsaVerifyPkcs1v15(pub, 'sha256', digest, sig, full));
  rsaEncryptPkcs1v15(pub, new Uint8Array(48), rnd, full);
  full.ecdsaVerify!('P-384', new Uint8Array(97), new Uint8Array(48), new Uint8Array(8));
  full.ecdsaVerifyMessage!('P-521', new Uint8Array(133), 'sha512', new Uint8Array(200), new Uint8Array(8));
  full.ecdsaVerifyMessage!('P-256', new Uint8Array(65), 'sha256', new Uint8Array(55), new Uint8Array(8));
  const pk = c.counts().publicKey;
  // sign = 1 private + 1 public check; verify = 1 public; encrypt = 1 public.
  assert.equal(pk.rsaPrivate, { calls: 1, byBits: { 1024: 1 } });
  assert.equal(pk.rsaPublic, { calls: 3, byBits: { 1024: 3 } });
  assert.equal(pk.ecdsaVerify, { calls: 1, byCurve: { 'P-384': 1 } });
  // SHA-512 of 200 bytes: 200 + 1 + 16 -> 2 blocks of 128; SHA-256 of 55 bytes: 55 + 1 + 8 = 64 -> 1 block.
  assert.equal(pk.ecdsaVerifyMessage, { calls: 2, byCurve: { 'P-521': 1, 'P-256': 1 }, hashBlocks: { sha512: 2, sha256: 1 } });
  c.reset();
  assert.is(c.counts().publicKey.rsaPublic.calls, 0);
});

test('node provider: raw results match bigint.ts, plain Uint8Array, left-padded', () => {
  const node = createNodeProvider();
  for (const input of [new Uint8Array([2]), rnd(k - 1), new Uint8Array([0, 0, ...rnd(k - 2)])]) {
    const out = node.rsaPublic!(pub.modulus, pub.publicExponent, input);
    assert.is(Object.getPrototypeOf(out), Uint8Array.prototype);
    assert.is(out.length, k);
    assert.is(toHex(out), toHex(modExp(input, pub.publicExponent, pub.modulus)));
    // And back with the private key.
    const back = node.rsaPrivate!(priv, out);
    assert.is(Object.getPrototypeOf(back), Uint8Array.prototype);
    assert.is(toHex(back), toHex(new Uint8Array([...new Uint8Array(k - input.length), ...input])));
  }
  // A modulus array with a leading zero byte (as a DER INTEGER carries it) works the same.
  const padded = new Uint8Array([0, ...pub.modulus]);
  assert.is(toHex(node.rsaPublic!(padded, pub.publicExponent, new Uint8Array([3]))), toHex(node.rsaPublic!(pub.modulus, pub.publicExponent, new Uint8Array([3]))));
  // A different exponent with the same modulus array is not served from the cache.
  const e3 = node.rsaPublic!(pub.modulus, new Uint8Array([3]), new Uint8Array([2]));
  assert.is(e3[k - 1], 8);
});

test('node provider: input >= modulus and OpenSSL failures are MicroTlsErrors with Mbed TLS codes', () => {
  const node = createNodeProvider();
  const n = pub.modulus;
  const nCopy = new Uint8Array(n);
  assert.is(thrownCodeName(() => node.rsaPublic!(n, pub.publicExponent, nCopy)), 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA');
  assert.is(thrownCodeName(() => node.rsaPrivate!(priv, nCopy)), 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA');
  assert.is(thrownCodeName(() => node.rsaPublic!(n, pub.publicExponent, new Uint8Array(k + 1).fill(1))), 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA');
  assert.is(thrownCodeName(() => node.rsaPublic!(n, pub.publicExponent, new Uint8Array(k).fill(0xff))), 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA');
  // An even modulus is a key OpenSSL refuses to use: typed, not an OpenSSL exception.
  const even = new Uint8Array(n);
  even[k - 1]! &= 0xfe;
  assert.ok(thrownCodeName(() => node.rsaPublic!(even, pub.publicExponent, new Uint8Array([2]))).startsWith('MBEDTLS_ERR_RSA_'));
  // src/crypto refuses s >= n before the engine, with the same verdict as the pure path.
  assert.is(rsaVerifyPkcs1v15(pub, 'sha256', digest, n, completeProvider(node)), false);
});

test('src/crypto contains a faulty RSA engine: no wrong signature released, verify never throws', () => {
  const good = rsaSignPkcs1v15(priv, 'sha256', digest, rnd);
  const node = createNodeProvider();
  const flip: CryptoProvider = {
    name: 'faulty',
    rsaPrivate(key, input) {
      const s = node.rsaPrivate!(key, input);
      s[k - 1]! ^= 1; // one wrong bit, as a glitched CRT half would give
      return s;
    },
  };
  assert.is(thrownCodeName(() => rsaSignPkcs1v15(priv, 'sha256', digest, rnd, flip)), 'MBEDTLS_ERR_RSA_PRIVATE_FAILED');
  // s + n passes (s + n)^e mod n == em but is not a valid signature (RFC 8017 requires s < n):
  // refused. It only fits in k bytes when the modulus's top bit is clear, hence a 1020-bit key.
  const odd = importPrivateKey(crypto.generateKeyPairSync('rsa', { modulusLength: 1020 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const oddGood = rsaSignPkcs1v15(odd, 'sha256', digest, rnd);
  const oddPlusN = addModulus(oddGood, rsaPublicKeyOf(odd));
  assert.is(oddPlusN.length, odd.modulus.length);
  assert.is(toHex(modExp(oddPlusN, odd.publicExponent, odd.modulus)), toHex(modExp(oddGood, odd.publicExponent, odd.modulus)));
  const plusN: CryptoProvider = { name: 'plus-n', rsaPrivate: () => oddPlusN.slice() };
  assert.is(thrownCodeName(() => rsaSignPkcs1v15(odd, 'sha256', digest, rnd, plusN)), 'MBEDTLS_ERR_RSA_PRIVATE_FAILED');
  const modulus: CryptoProvider = { name: 'modulus', rsaPrivate: () => pub.modulus.slice() };
  assert.is(thrownCodeName(() => rsaSignPkcs1v15(priv, 'sha256', digest, rnd, modulus)), 'MBEDTLS_ERR_RSA_PRIVATE_FAILED');
  const short: CryptoProvider = { name: 'short', rsaPrivate: () => good.subarray(1) };
  assert.is(thrownCodeName(() => rsaSignPkcs1v15(priv, 'sha256', digest, rnd, short)), 'MBEDTLS_ERR_RSA_PRIVATE_FAILED');
  const throwing: CryptoProvider = {
    name: 'throwing',
    rsaPublic: () => {
      throw new Error('bus fault');
    },
    rsaPrivate: () => {
      throw new Error('bus fault');
    },
  };
  assert.is(thrownCodeName(() => rsaSignPkcs1v15(priv, 'sha256', digest, rnd, throwing)), 'MBEDTLS_ERR_RSA_PRIVATE_FAILED');
  assert.is(thrownCodeName(() => rsaEncryptPkcs1v15(pub, new Uint8Array(48), rnd, throwing)), 'MBEDTLS_ERR_RSA_PUBLIC_FAILED');
  assert.is(rsaVerifyPkcs1v15(pub, 'sha256', digest, good, throwing), false);
  const shortPublic: CryptoProvider = { name: 'short-public', rsaPublic: () => new Uint8Array(k - 1) };
  assert.is(thrownCodeName(() => rsaEncryptPkcs1v15(pub, new Uint8Array(48), rnd, shortPublic)), 'MBEDTLS_ERR_RSA_PUBLIC_FAILED');
  assert.is(rsaVerifyPkcs1v15(pub, 'sha256', digest, good, shortPublic), false);
  // And the good engine agrees with the pure path.
  assert.is(toHex(rsaSignPkcs1v15(priv, 'sha256', digest, rnd, node)), toHex(good));
});

test('src/crypto contains a misbehaving ECDSA engine', () => {
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = importPublicKey(new Uint8Array(ec.publicKey.export({ type: 'spki', format: 'der' }))) as EcPublicKey;
  const sig = new Uint8Array(crypto.sign('sha256', Buffer.from('m'), ec.privateKey));
  assert.ok(ecdsaVerify(key, digest, sig));
  const truthy = { name: 'truthy', ecdsaVerify: () => 1 as unknown as boolean };
  assert.is(ecdsaVerify(key, digest, sig, truthy), false, 'only boolean true counts');
  const throwing = { name: 'throwing', ecdsaVerify: (): boolean => { throw new Error('ecc engine timeout'); } };
  assert.is(ecdsaVerify(key, digest, sig, throwing), false);
  let seen: unknown[] = [];
  const spy = { name: 'spy', ecdsaVerify: (...args: unknown[]) => { seen = args; return true; } };
  assert.ok(ecdsaVerify(key, digest, sig, spy));
  assert.equal(seen, ['P-256', key.point, digest, sig]);
  // Trailing garbage after the DER sequence never reaches the engine.
  seen = [];
  assert.is(ecdsaVerify(key, digest, new Uint8Array([...sig, 0]), spy), false);
  assert.equal(seen, []);
});

/** s + n as k+1 bytes (test-side, byte arithmetic). */
function addModulus(s: Uint8Array, key: RsaPublicKey): Uint8Array {
  const n = key.modulus;
  const out = new Uint8Array(n.length + 1);
  let carry = 0;
  for (let i = n.length - 1; i >= 0; i--) {
    const v = s[i]! + n[i]! + carry;
    out[i + 1] = v & 0xff;
    carry = v >> 8;
  }
  out[0] = carry;
  return out[0] === 0 ? out.subarray(1) : out;
}

test.run();
