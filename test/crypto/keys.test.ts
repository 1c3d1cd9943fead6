import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MicroTlsError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { encodePem } from '../../src/encoding/pem.js';
import {
  importPrivateKey,
  importPublicKey,
  parseSubjectPublicKeyInfo,
  rsaCheckKeyPair,
  rsaCheckPrivateKey,
  rsaPublicKeyOf,
  type RsaPrivateKey,
} from '../../src/crypto/keys.js';
import { runProgram } from '../helpers/programs.js';
import { thrownError } from '../helpers/thrown.js';


const b64u = (s: string | undefined): string => Buffer.from(s!, 'base64url').toString('hex').replace(/^(00)+/, '');

function rsaPair(bits: number) {
  return crypto.generateKeyPairSync('rsa', { modulusLength: bits });
}

for (const bits of [1024, 2048, 4096]) {
  test(`RSA-${bits}: PKCS#1 / PKCS#8 / SPKI as PEM and DER`, () => {
    const { privateKey, publicKey } = rsaPair(bits);
    const jwk = privateKey.export({ format: 'jwk' });
    const forms = [
      privateKey.export({ type: 'pkcs1', format: 'pem' }),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
      new Uint8Array(privateKey.export({ type: 'pkcs1', format: 'der' })),
      new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })),
      new Uint8Array(Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)), // PEM as bytes
    ];
    const keys = forms.map((f) => importPrivateKey(f as string | Uint8Array));
    for (const k of keys) assert.equal(k, keys[0]);
    const k = keys[0]!;
    assert.is(k.type, 'rsa-private');
    assert.is(k.bits, bits);
    assert.is(toHex(k.modulus), b64u(jwk.n));
    assert.is(toHex(k.publicExponent), b64u(jwk.e));
    assert.is(toHex(k.privateExponent), b64u(jwk.d));
    assert.is(toHex(k.prime1), b64u(jwk.p));
    assert.is(toHex(k.prime2), b64u(jwk.q));
    assert.is(toHex(k.exponent1), b64u(jwk.dp));
    assert.is(toHex(k.exponent2), b64u(jwk.dq));
    assert.is(toHex(k.coefficient), b64u(jwk.qi));

    const pubs = [
      publicKey.export({ type: 'spki', format: 'pem' }),
      publicKey.export({ type: 'pkcs1', format: 'pem' }),
      new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
      new Uint8Array(publicKey.export({ type: 'pkcs1', format: 'der' })),
    ].map((f) => importPublicKey(f as string | Uint8Array));
    for (const p of pubs) assert.equal(p, rsaPublicKeyOf(k));
    rsaCheckKeyPair(pubs[0]!, k);
  });
}

for (const [curve, bits, size] of [['P-256', 256, 32], ['P-384', 384, 48], ['P-521', 521, 66]] as const) {
  test(`EC ${curve}: SPKI PEM/DER, compressed points, private keys refused`, () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
    const jwk = publicKey.export({ format: 'jwk' });
    const der = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
    const k = importPublicKey(der);
    assert.equal(importPublicKey(publicKey.export({ type: 'spki', format: 'pem' }) as string), k);
    assert.is(k.type, 'ec');
    if (k.type !== 'ec') return;
    assert.is(k.curve, curve);
    assert.is(k.bits, bits);
    const x = Buffer.from(jwk.x!, 'base64url').toString('hex').padStart(size * 2, '0');
    const y = Buffer.from(jwk.y!, 'base64url').toString('hex').padStart(size * 2, '0');
    assert.is(toHex(k.point), '04' + x + y);

    // The same key with a compressed point decodes to the same uncompressed point.
    const compressed = fromHex((parseInt(y.slice(-1), 16) & 1 ? '03' : '02') + x);
    assert.equal(parseSubjectPublicKeyInfo(rebuildSpki(der, compressed)), k);

    // Off-curve: flip the last byte of y.
    const bad = der.slice();
    bad[bad.length - 1] ^= 1;
    assert.is(thrownError(() => parseSubjectPublicKeyInfo(bad)).codeName, 'MBEDTLS_ERR_PK_INVALID_PUBKEY');

    for (const f of [
      privateKey.export({ type: 'sec1', format: 'pem' }),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
      new Uint8Array(privateKey.export({ type: 'sec1', format: 'der' })),
      new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })),
    ]) {
      const e = thrownError(() => importPrivateKey(f as string | Uint8Array));
      assert.is(e.codeName, 'MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE');
      assert.match(e.message, 'only RSA client keys are supported');
    }
  });
}

/** Minimal DER writers for building test keys. */
function encodeSeq(body: Uint8Array): Uint8Array {
  return Uint8Array.from([0x30, ...encodeLength(body.length), ...body]);
}
function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 255);
    n >>= 8;
  }
  return [0x80 | out.length, ...out];
}
function rebuildSpki(der: Uint8Array, point: Uint8Array): Uint8Array {
  // SPKI = SEQ { AlgorithmIdentifier, BIT STRING }; AlgorithmIdentifier is at offset 2 or 3.
  const off = der[1]! < 0x80 ? 2 : 2 + (der[1]! & 0x7f);
  const algLen = der[off + 1]!;
  const alg = der.subarray(off, off + 2 + algLen);
  const bit = Uint8Array.from([0x03, ...encodeLength(point.length + 1), 0x00, ...point]);
  return encodeSeq(Uint8Array.from([...alg, ...bit]));
}

const PASSWORD_TEXT = 'the private key is encrypted; the key must be without a password: `openssl pkey -in key.pem -out plain.pem`';

test('encrypted private keys give PK_PASSWORD_REQUIRED with the manual hint', () => {
  const { privateKey } = rsaPair(1024);
  const forms: (string | Uint8Array)[] = [
    privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string,
    privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }) as string,
    new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'x' }) as Buffer),
  ];
  const dir = mkdtempSync(join(tmpdir(), 'microtls-key-'));
  try {
    runProgram('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-aes256', '-pass', 'pass:x', '-out', join(dir, 'k.pem')], { stdio: 'ignore' });
    forms.push(readFileSync(join(dir, 'k.pem'), 'utf8'));
  } catch {
    // openssl missing: the node-made forms above cover the same encodings.
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok((forms[1] as string).includes('Proc-Type: 4,ENCRYPTED'));
  for (const f of forms) {
    const e = thrownError(() => importPrivateKey(f));
    assert.is(e.codeName, 'MBEDTLS_ERR_PK_PASSWORD_REQUIRED');
    assert.ok(e.message.endsWith(PASSWORD_TEXT), e.message);
  }
});

test('unsupported algorithms and curves', () => {
  const ed = crypto.generateKeyPairSync('ed25519');
  assert.is(thrownError(() => importPublicKey(ed.publicKey.export({ type: 'spki', format: 'pem' }) as string)).codeName, 'MBEDTLS_ERR_PK_UNKNOWN_PK_ALG');
  assert.is(thrownError(() => importPrivateKey(ed.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).codeName, 'MBEDTLS_ERR_PK_UNKNOWN_PK_ALG');
  const k1 = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const e = thrownError(() => importPublicKey(k1.publicKey.export({ type: 'spki', format: 'der' }) as Buffer));
  assert.is(e.codeName, 'MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE');
  assert.match(e.message, 'secp256k1');
  const pss = crypto.generateKeyPairSync('rsa-pss', { modulusLength: 1024 });
  assert.is(thrownError(() => importPublicKey(pss.publicKey.export({ type: 'spki', format: 'pem' }) as string)).codeName, 'MBEDTLS_ERR_PK_UNKNOWN_PK_ALG');
});

test('bad DER and wrong PEM contents', () => {
  const { privateKey, publicKey } = rsaPair(1024);
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const pkcs1 = new Uint8Array(privateKey.export({ type: 'pkcs1', format: 'der' }));
  const INVALID = 'MBEDTLS_ERR_PK_KEY_INVALID_FORMAT';
  assert.is(thrownError(() => importPublicKey(spki.subarray(0, spki.length - 1))).codeName, INVALID);
  assert.is(thrownError(() => importPublicKey(Uint8Array.from([...spki, 0]))).codeName, INVALID);
  assert.is(thrownError(() => importPrivateKey(pkcs1.subarray(0, 100))).codeName, INVALID);
  assert.is(thrownError(() => importPrivateKey(Uint8Array.from([...pkcs1, 0]))).codeName, INVALID);
  assert.is(thrownError(() => importPrivateKey(new Uint8Array(0))).codeName, INVALID);
  // Long-form length where short form fits (BER, not DER).
  assert.is(thrownError(() => importPublicKey(Uint8Array.of(0x30, 0x81, 0x03, 0x02, 0x01, 0x00))).codeName, INVALID);
  assert.is(thrownError(() => importPublicKey(encodePem('CERTIFICATE', spki))).codeName, INVALID);
  assert.is(thrownError(() => importPrivateKey(publicKey.export({ type: 'spki', format: 'pem' }) as string)).codeName, INVALID);
  assert.is(thrownError(() => importPrivateKey('not a key')).codeName, 'MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT');
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;
  assert.is(thrownError(() => importPrivateKey(pem.replace('END RSA PRIVATE KEY', 'END PRIVATE KEY'))).codeName, 'MBEDTLS_ERR_PEM_INVALID_DATA');
});

test('consistency checks: mismatched pair and tampered private keys', () => {
  const a = rsaPair(1024);
  const b = rsaPair(1024);
  const privA = importPrivateKey(a.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
  const pubB = importPublicKey(b.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  assert.is(thrownError(() => rsaCheckKeyPair(pubB, privA)).codeName, 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED');
  const ec = importPublicKey(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
  assert.is(thrownError(() => rsaCheckKeyPair(ec, privA)).codeName, 'MBEDTLS_ERR_PK_TYPE_MISMATCH');

  const privB = importPrivateKey(b.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string);
  const tampered: RsaPrivateKey[] = [
    { ...privA, prime1: privB.prime1 },
    { ...privA, privateExponent: privB.privateExponent },
    { ...privA, exponent1: privB.exponent1 },
    { ...privA, coefficient: privB.coefficient },
    { ...privA, publicExponent: Uint8Array.of(1, 0, 3) },
  ];
  for (const t of tampered) assert.is(thrownError(() => rsaCheckPrivateKey(t)).codeName, 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED');

  // Through the parser: a PKCS#1 key whose CRT coefficient belongs to another key.
  const jwkA = a.privateKey.export({ format: 'jwk' });
  const jwkB = b.privateKey.export({ format: 'jwk' });
  let mixed: Buffer | undefined;
  try {
    mixed = crypto.createPrivateKey({ key: { ...jwkA, qi: jwkB.qi }, format: 'jwk' }).export({ type: 'pkcs1', format: 'der' });
  } catch {
    // OpenSSL refused the inconsistent key itself; the field-level cases above still ran.
  }
  if (mixed) assert.is(thrownError(() => importPrivateKey(new Uint8Array(mixed!))).codeName, 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED');
});

test.run();
